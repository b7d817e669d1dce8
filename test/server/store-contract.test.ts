import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudBaseStore } from '../../server/store/cloudbase';
import { EmbeddedStore } from '../../server/store/embedded';
import { openStore, resetEmbeddedStores, storeSpecFromEnv } from '../../server/store';
import type { VerificationRecord, VerificationStore } from '../../server/store/types';
import { nodeSdkDatabase } from '../../server/store/node-sdk';
import { FakeCloudDatabase, nodeSdkShapedDatabase } from '../support/fake-cloud-db';

const record = (
  id: string,
  openid: string | null,
  createdAt: number,
  extra: Partial<VerificationRecord> = {},
): VerificationRecord => ({
  _id: id,
  openid,
  bizNo: id,
  mode: 'idcard',
  provider: 'fidlite',
  status: 'requesting',
  createdAt,
  maskedName: '张*',
  ...extra,
});

const implementations: [string, () => VerificationStore][] = [
  ['embedded (memory)', () => new EmbeddedStore()],
  ['embedded (file)', () => new EmbeddedStore(join(mkdtempSync(join(tmpdir(), 'store-')), 'records.json'))],
  ['CloudBase', () => new CloudBaseStore(new FakeCloudDatabase())],
  [
    'CloudBase through @cloudbase/node-sdk',
    () => new CloudBaseStore(nodeSdkDatabase(nodeSdkShapedDatabase(new FakeCloudDatabase())) as never),
  ],
];

describe.each(implementations)('store contract: %s', (_name, make) => {
  let store: VerificationStore;
  beforeEach(() => {
    store = make();
  });

  it('creates a record once per _id and reads it back by id and by token', async () => {
    expect(await store.create(record('b1', 'u1', 1))).toBe(true);
    expect(await store.create(record('b1', 'u2', 2))).toBe(false);
    expect((await store.getById('b1'))?.openid).toBe('u1');
    await store.update('b1', { bizToken: 't1', status: 'issued' });
    expect(await store.getByBizToken('t1')).toMatchObject({ _id: 'b1', status: 'issued', maskedName: '张*' });
    expect(await store.getByBizToken('nope')).toBeUndefined();
    await store.update('b1', { resultRef: 'ref-1' });
    expect((await store.getByResultRef('ref-1'))?._id).toBe('b1');
    expect(await store.getByResultRef('nope')).toBeUndefined();
    expect(await store.getById('nope')).toBeUndefined();
  });

  it('returns copies: changing a returned record does not change the store', async () => {
    await store.create(record('b1', 'u1', 1));
    const got = (await store.getById('b1'))!;
    got.status = 'finished';
    expect((await store.getById('b1'))!.status).toBe('requesting');
  });

  it('updates only the given fields and keeps nested results', async () => {
    await store.create(record('b1', 'u1', 1));
    await store.update('b1', { status: 'finished', resultCode: 1000, outcome: 'passed', finishedAt: 5 });
    expect(await store.getById('b1')).toMatchObject({
      status: 'finished',
      resultCode: 1000,
      openid: 'u1',
      createdAt: 1,
    });
  });

  it('lists one user’s records newest first, paged', async () => {
    for (let i = 1; i <= 5; i++) await store.create(record(`a${i}`, 'u1', i));
    await store.create(record('x1', 'u2', 10));
    await store.create(record('c1', null, 11));
    const page1 = await store.listByOpenid('u1', { limit: 2, skip: 0 });
    const page2 = await store.listByOpenid('u1', { limit: 2, skip: 2 });
    expect(page1.map((r) => r._id)).toEqual(['a5', 'a4']);
    expect(page2.map((r) => r._id)).toEqual(['a3', 'a2']);
    expect((await store.listByOpenid('u2', { limit: 10, skip: 0 })).map((r) => r._id)).toEqual(['x1']);
  });

  it('lists everyone’s records newest first, and old records oldest first', async () => {
    for (let i = 1; i <= 4; i++) await store.create(record(`a${i}`, i % 2 ? 'u1' : null, i * 10));
    expect((await store.listRecent({ limit: 3, skip: 0 })).map((r) => r._id)).toEqual(['a4', 'a3', 'a2']);
    expect((await store.listCreatedBefore(35, 10)).map((r) => r._id)).toEqual(['a1', 'a2', 'a3']);
    expect((await store.listCreatedBefore(35, 2)).map((r) => r._id)).toEqual(['a1', 'a2']);
  });

  it('deletes one record', async () => {
    await store.create(record('a1', 'u1', 1));
    await store.create(record('a2', 'u1', 2));
    expect(await store.delete('a1')).toBe(true);
    expect(await store.delete('a1')).toBe(false);
    expect((await store.listByOpenid('u1', { limit: 10, skip: 0 })).map((r) => r._id)).toEqual(['a2']);
  });

  it('counts hits per key in fixed windows', async () => {
    const windowMs = 600_000;
    const t0 = 1_800_000_000_000 - (1_800_000_000_000 % windowMs);
    expect(await store.hit('u1', t0, windowMs)).toBe(1);
    expect(await store.hit('u1', t0 + 1000, windowMs)).toBe(2);
    expect(await store.hit('u2', t0 + 1000, windowMs)).toBe(1);
    expect(await store.hit('u1', t0 + windowMs, windowMs)).toBe(1);
    // Concurrent hits are all counted; each sees at least its own place in the window (CloudBase may show more).
    const counts = await Promise.all(Array.from({ length: 5 }, () => store.hit('u3', t0, windowMs)));
    expect(Math.max(...counts)).toBe(5);
    expect(counts.sort().every((count, i) => count >= i + 1)).toBe(true);
    expect(await store.hit('u3', t0, windowMs)).toBe(6);
  });
});

describe('embedded file store', () => {
  it('keeps records across restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'store-')), 'nested', 'records.json');
    const first = new EmbeddedStore(file);
    await first.create(record('b1', 'u1', 1));
    await first.update('b1', { status: 'issued', bizToken: 't1' });
    const second = new EmbeddedStore(file);
    expect(await second.getByBizToken('t1')).toMatchObject({ _id: 'b1', status: 'issued' });
  });
});

describe('FACEID_STORE', () => {
  afterEach(() => resetEmbeddedStores());

  it('parses cloud (default), memory and file:<path>', () => {
    expect(storeSpecFromEnv({})).toEqual({ kind: 'cloud' });
    expect(storeSpecFromEnv({ FACEID_STORE: 'memory' })).toEqual({ kind: 'memory' });
    expect(storeSpecFromEnv({ FACEID_STORE: 'file:/tmp/x.json' })).toEqual({
      kind: 'file',
      path: '/tmp/x.json',
    });
    expect(() => storeSpecFromEnv({ FACEID_STORE: 'redis' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', param: 'FACEID_STORE' }),
    );
  });

  it('shares one embedded store per location within a process, as functions share one database', () => {
    const a = openStore({ kind: 'memory' }, () => new FakeCloudDatabase());
    const b = openStore({ kind: 'memory' }, () => new FakeCloudDatabase());
    expect(a).toBe(b);
  });

  it('uses the SDK database for cloud', async () => {
    const db = new FakeCloudDatabase();
    const store = openStore({ kind: 'cloud' }, () => db);
    await store.create(record('b1', 'u1', 1));
    expect(db.collections.get('faceid_verifications')?.has('b1')).toBe(true);
  });
});
