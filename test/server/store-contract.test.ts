import { blockedConnections } from '../../tools/offline';
import { openStore } from '../../server/store';
import { CloudBaseStore } from '../../server/store/cloudbase';
import type { StoredResult, VerificationRecord, VerificationStore } from '../../server/store/types';
import { sdkOverStandIn, type SdkOverStandIn } from '../support/cloudbase';
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

let cloud: SdkOverStandIn;
beforeAll(async () => {
  cloud = await sdkOverStandIn();
});
afterAll(() => cloud.close());

describe('store contract: CloudBase through wx-server-sdk and the stand-in', () => {
  let store: VerificationStore;
  beforeEach(async () => {
    // A fresh stand-in per test: every test starts from empty collections.
    await cloud.close();
    cloud = await sdkOverStandIn();
    store = openStore(cloud.sdk.database());
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

describe('the CloudBase store, as the real SDK shows it', () => {
  let store: CloudBaseStore;
  beforeEach(async () => {
    await cloud.close();
    cloud = await sdkOverStandIn();
    store = new CloudBaseStore(cloud.sdk.database());
  });

  const answer = (extra: Partial<StoredResult>): StoredResult => ({
    bizToken: 't1',
    bizNo: 'b1',
    outcome: 'not_started',
    resultCode: 0,
    resultMessage: 'WAITING',
    title: '认证中',
    detail: '',
    retryable: true,
    finished: false,
    ...extra,
  });

  it('replaces a nested object: a second lastResult keeps nothing of the first', async () => {
    await store.create(record('b1', 'u1', 1));
    await store.update('b1', {
      lastResult: answer({
        verification: {
          against: 'idcard',
          confidence: 80,
          thresholds: { '1e-3': 62, '1e-4': 69, '1e-5': 74, '1e-6': 78 },
          level: '1e-6',
        },
      }),
    });
    await store.update('b1', { lastResult: answer({ resultMessage: 'STILL_WAITING' }) });
    const got = await store.getById('b1');
    expect(got?.lastResult).toEqual(answer({ resultMessage: 'STILL_WAITING' }));
    expect(got?.lastResult).not.toHaveProperty('verification');
  });

  it('clears a field whose patch value is undefined', async () => {
    await store.create(record('b1', 'u1', 1, { errorCode: 'UPSTREAM_TIMEOUT', status: 'failed' }));
    await store.update('b1', { status: 'requesting', errorCode: undefined });
    const got = await store.getById('b1');
    expect(got?.status).toBe('requesting');
    expect(got).not.toHaveProperty('errorCode');
  });

  it('treats only a duplicate key as a duplicate; any other insert failure is retryable', async () => {
    await store.create(record('b1', 'u1', 1));
    expect(await store.create(record('b1', 'u2', 2))).toBe(false);
    cloud.cloudbase.injectFault({ action: 'database.insertDocument', code: 'DATABASE_REQUEST_FAILED' });
    await expect(store.create(record('b2', 'u1', 3))).rejects.toMatchObject({
      code: 'SERVICE_BUSY',
      retryable: true,
    });
    expect(await store.getById('b2')).toBeUndefined();
    expect(await store.create(record('b2', 'u1', 3))).toBe(true);
  });

  it('never sends a query with an undefined value (the SDK would drop it and match any record)', async () => {
    await store.create(record('b1', 'u1', 1, { bizToken: 't1', resultRef: 'r1' }));
    cloud.cloudbase.resetRequestCounts();
    expect(await store.getByBizToken(undefined as unknown as string)).toBeUndefined();
    expect(await store.getByResultRef(undefined as unknown as string)).toBeUndefined();
    expect(cloud.cloudbase.requestCounts()).toEqual({});
  });

  it('counts database requests at the stand-in and never lets the SDK reach another host', async () => {
    const blockedBefore = blockedConnections.length;
    await store.create(record('b1', 'u1', 1));
    await store.update('b1', { status: 'issued', bizToken: 't1' });
    await store.getByBizToken('t1');
    expect(cloud.cloudbase.requestCounts()).toEqual({
      'database.insertDocument': 1,
      'database.modifyDocument': 1,
      'database.getDocument': 1,
    });
    expect(blockedConnections.slice(blockedBefore)).toEqual([]);
  });
});
