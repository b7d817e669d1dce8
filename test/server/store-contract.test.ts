import { blockedConnections } from '../../pipeline/offline';
import { openStore } from '../../server/store';
import { CloudBaseStore } from '../../server/store/cloudbase';
import type {
  IssuedRecord,
  ReadClaim,
  RequestingRecord,
  StoredResult,
  TokenFields,
  VerificationStore,
} from '../../server/store/types';
import { deadTokens, recordId } from '../../server/lifecycle/states';
import { sdkOverStandIn, type SdkOverStandIn } from '../support/cloudbase';

const requesting = (
  id: string,
  openid: string | null,
  createdAt: number,
  extra: Partial<RequestingRecord> = {},
): RequestingRecord => ({
  _id: id,
  openid,
  bizNo: id,
  mode: 'idcard',
  provider: 'fidlite',
  status: 'requesting',
  attempt: 1,
  requestedAt: createdAt,
  createdAt,
  maskedName: '张*',
  ...extra,
});

const token = (bizToken: string, extra: Partial<TokenFields> = {}): TokenFields => ({
  bizToken,
  expiresAt: 10_000,
  client: { kind: 'component', token: bizToken },
  ...extra,
});

const answer = (extra: Partial<StoredResult> = {}): StoredResult => ({
  bizToken: 't1',
  bizNo: 'b1',
  outcome: 'passed',
  resultCode: 1000,
  resultMessage: 'SUCCESS',
  retryable: false,
  finished: true,
  ...extra,
});

const CLAIM: ReadClaim = { readingUntil: 0, readStartedAt: 0, notifyReadAt: 0, lastReadAt: 0 };
const staleBefore = (before: number) => ({ field: 'requestedAt' as const, before });

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

  async function issued(id: string, openid: string | null, createdAt: number, bizToken = `t-${id}`) {
    const r = requesting(id, openid, createdAt);
    await store.begin(r);
    await store.issue(r, token(bizToken), CLAIM);
    return { ...r, ...token(bizToken), ...CLAIM, status: 'issued' } as IssuedRecord;
  }

  it('begins a record once per bizNo and reads it back by id, by token and by result handle', async () => {
    const r = requesting('b1', 'u1', 1);
    expect(await store.begin(r)).toBe(true);
    expect(await store.begin(requesting('b1', 'u2', 2))).toBe(false);
    expect((await store.getById('b1'))?.openid).toBe('u1');
    expect(await store.getByBizToken('t1')).toBeUndefined();
    expect(await store.issue(r, token('t1', { resultRef: 'ref-1' }), CLAIM)).toBe(true);
    expect(await store.getByBizToken('t1')).toMatchObject({ _id: 'b1', status: 'issued', maskedName: '张*' });
    expect(await store.getById('b1')).not.toHaveProperty('requestedAt');
    expect((await store.getByResultRef('ref-1'))?._id).toBe('b1');
    expect(await store.getByBizToken('nope')).toBeUndefined();
    expect(await store.getByResultRef('nope')).toBeUndefined();
    expect(await store.getById('nope')).toBeUndefined();
  });

  it('moves a record only from the state a transition expects: of two concurrent requests one wins', async () => {
    const r = requesting('b1', 'u1', 1);
    await store.begin(r);
    const [a, b] = await Promise.all([store.issue(r, token('t1'), CLAIM), store.fail(r, 'INTERNAL', 2)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const after = await store.getById('b1');
    expect(after?.status).toBe(a ? 'issued' : 'failed');
    // A finished record cannot expire, and cannot finish twice.
    const i = await issued('b2', 'u1', 1);
    const wins = await Promise.all([
      store.finish(i, { status: 'finished', result: answer(), endedAt: 3 }),
      store.finish(i, { status: 'cancelled', result: answer({ outcome: 'cancelled' }), endedAt: 3 }),
      store.expire(i, 20_000),
    ]);
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('retries a failed attempt once, with the next attempt number, and only a stale "requesting" one', async () => {
    const r = requesting('b1', 'u1', 1);
    await store.begin(r);
    await store.fail(r, 'UPSTREAM_TIMEOUT', 2);
    const failed = await store.getById('b1');
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'UPSTREAM_TIMEOUT', endedAt: 2 });
    if (failed?.status !== 'failed') throw new Error('not failed');
    const second = { mode: 'ocr' as const, provider: 'fidlite', consentVersion: '2026-02' };
    const retried = await Promise.all([
      store.retry(failed, second, 5, staleBefore(0)),
      store.retry(failed, second, 5, staleBefore(0)),
    ]);
    expect(retried.filter(Boolean)).toHaveLength(1);
    const now = await store.getById('b1');
    expect(now).toMatchObject({ status: 'requesting', attempt: 2, requestedAt: 5, mode: 'ocr' });
    // The new attempt carries its own evidence only: nothing of the first attempt's person is left.
    expect(now).toMatchObject({ consentVersion: '2026-02' });
    expect(now).not.toHaveProperty('maskedName');
    expect(now).not.toHaveProperty('errorCode');
    expect(now).not.toHaveProperty('endedAt');
    if (now?.status !== 'requesting') throw new Error('not requesting');
    expect(await store.retry(now, second, 6, staleBefore(5))).toBeUndefined();
    expect(await store.retry(now, second, 100, staleBefore(50))).toMatchObject({ attempt: 3 });
    // The superseded attempt can no longer record its token, nor its loss.
    expect(await store.issue(now, token('late'), CLAIM)).toBe(false);
    expect(await store.unconfirm(now, 'UPSTREAM_TIMEOUT', 101)).toBe(false);
  });

  it('expires an issued record only once its token is dead (from its expiry on, as the lifecycle decides)', async () => {
    const i = await issued('b1', 'u1', 1);
    expect(await store.expire(i, 9_999)).toBe(false);
    expect(await store.expire(i, 10_000)).toBe(true);
    expect(await store.getById('b1')).toMatchObject({ status: 'expired', endedAt: 10_000 });
  });

  it('ends a request whose answer was lost as unconfirmed, and deletes a record only as it was read', async () => {
    const r = requesting('b1', 'u1', 1);
    await store.begin(r);
    expect(await store.unconfirm(r, 'NETWORK_ERROR', 2)).toBe(true);
    const lost = await store.getById('b1');
    expect(lost).toMatchObject({ status: 'unconfirmed', errorCode: 'NETWORK_ERROR', endedAt: 2 });
    if (lost?.status !== 'unconfirmed') throw new Error('not unconfirmed');
    const next = await store.retry(lost, r, 3, staleBefore(0));
    expect(next).toMatchObject({ status: 'requesting', attempt: 2 });
    // Read while unconfirmed, now being bought again: the delete does not happen.
    expect(await store.deleteAsRead(lost)).toBe(false);
    expect(await store.getById('b1')).toMatchObject({ status: 'requesting', attempt: 2 });
    expect(await store.deleteAsRead(next!)).toBe(true);
    expect(await store.getById('b1')).toBeUndefined();
  });

  it('a writer of an old token never writes to a record re-created under the same id', async () => {
    const old = await issued('b1', 'u1', 1, 't-old');
    expect(await store.delete('b1')).toBe(true);
    const fresh = await issued('b1', 'u1', 2, 't-new');
    expect(await store.claimRead(old, { at: 5, holdMs: 1000 })).toBe(false);
    expect(await store.finish(old, { status: 'finished', result: answer(), endedAt: 3 })).toBe(false);
    expect(await store.expire(old, 20_000)).toBe(false);
    await store.releaseRead(old, answer({ finished: false }), 6);
    expect(await store.getById('b1')).toMatchObject({ status: 'issued', bizToken: 't-new', lastReadAt: 0 });
    expect(await store.claimRead(fresh, { at: 5, holdMs: 1000 })).toBe(true);
  });

  it('keeps one bizNo per owner apart: each caller’s own record, every owner’s for operators', async () => {
    await store.begin(requesting(recordId('u1', 'order-1'), 'u1', 1, { bizNo: 'order-1' }));
    await store.begin(requesting(recordId('u2', 'order-1'), 'u2', 2, { bizNo: 'order-1' }));
    expect((await store.getByBizNo('u1', 'order-1'))?.openid).toBe('u1');
    expect((await store.getByBizNo('u2', 'order-1'))?.openid).toBe('u2');
    expect(await store.getByBizNo(null, 'order-1')).toBeUndefined();
    expect((await store.listByBizNo('order-1', 10)).map((r) => r.openid)).toEqual(['u2', 'u1']);
  });

  it('claims get_result calls of a budgeted record: at most the allowed count a day, one reader at a time', async () => {
    const r = requesting('b1', 'u1', 1);
    await store.begin(r);
    await store.issue(r, token('t1'), { ...CLAIM, resultCalls: { day: '', count: 0 } });
    const get = async () => (await store.getById('b1')) as IssuedRecord;
    const budget = { day: '2026-01-01', allowed: 2 };
    const claims = await Promise.all(
      Array.from({ length: 5 }, async () =>
        store.claimRead(await get(), { at: 100, holdMs: 1000, budget, lastReadBefore: 1 }),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await get()).toMatchObject({ readingUntil: 1100, readStartedAt: 100 });
    await store.releaseRead(await get(), answer({ outcome: 'not_started', finished: false }), 101);
    expect(await get()).toMatchObject({
      resultCalls: { day: '2026-01-01', count: 1 },
      readingUntil: 0,
      lastReadAt: 101,
    });
    // An answer read at 101 is shared with readers until 101 + the sharing window.
    expect(await store.claimRead(await get(), { at: 200, holdMs: 1000, budget, lastReadBefore: 100 })).toBe(
      false,
    );
    expect(await store.claimRead(await get(), { at: 200, holdMs: 1000, budget, lastReadBefore: 150 })).toBe(
      true,
    );
    await store.releaseRead(await get(), undefined, 0);
    expect(await store.claimRead(await get(), { at: 300, holdMs: 1000, budget })).toBe(false);
    expect(
      await store.claimRead(await get(), {
        at: 300,
        holdMs: 1000,
        budget: { day: '2026-01-02', allowed: 2 },
      }),
    ).toBe(true);
    expect(await get()).toMatchObject({ resultCalls: { day: '2026-01-02', count: 1 } });
  });

  it('lets a notify claim at most once per interval, and records when it did', async () => {
    const i = await issued('b1', 'u1', 1);
    const get = async () => (await store.getById('b1')) as IssuedRecord;
    expect(await store.claimRead(i, { at: 100, holdMs: 50, notifiedBefore: 95 })).toBe(true);
    expect(await get()).toMatchObject({ notifyReadAt: 100, readStartedAt: 100 });
    await store.releaseRead(await get(), undefined, 0);
    // A page reader is not held back by the notify's bound; another notify is, until the interval passed.
    expect(await store.claimRead(await get(), { at: 102, holdMs: 50, notifiedBefore: 97 })).toBe(false);
    expect(await store.claimRead(await get(), { at: 102, holdMs: 50 })).toBe(true);
    await store.releaseRead(await get(), undefined, 0);
    expect(await store.claimRead(await get(), { at: 200, holdMs: 50, notifiedBefore: 150 })).toBe(true);
  });

  it('gives a record written without a read claim (an older version) a free one', async () => {
    const i = await issued('b1', 'u1', 1);
    await cloud.sdk
      .database()
      .collection('faceid_verifications')
      .doc('b1')
      .update({
        data: {
          readingUntil: cloud.sdk.database().command.remove(),
          notifyReadAt: cloud.sdk.database().command.remove(),
        },
      });
    expect(await store.claimRead(i, { at: 5, holdMs: 10 })).toBe(false);
    await store.openClaim(i);
    expect(await store.claimRead(i, { at: 5, holdMs: 10, notifiedBefore: 1 })).toBe(true);
  });

  it('lists one user’s records newest first, paged', async () => {
    for (let i = 1; i <= 5; i++) await store.begin(requesting(`a${i}`, 'u1', i));
    await store.begin(requesting('x1', 'u2', 10));
    await store.begin(requesting('c1', null, 11));
    const page1 = await store.listByOpenid('u1', { limit: 2, skip: 0 });
    const page2 = await store.listByOpenid('u1', { limit: 2, skip: 2 });
    expect(page1.map((r) => r._id)).toEqual(['a5', 'a4']);
    expect(page2.map((r) => r._id)).toEqual(['a3', 'a2']);
    expect((await store.listByOpenid('u2', { limit: 10, skip: 0 })).map((r) => r._id)).toEqual(['x1']);
  });

  it('lists everyone’s records newest first, old records oldest first, and records left in a live state', async () => {
    for (let i = 1; i <= 4; i++) await store.begin(requesting(`a${i}`, i % 2 ? 'u1' : null, i * 10));
    expect((await store.listRecent({ limit: 3, skip: 0 })).map((r) => r._id)).toEqual(['a4', 'a3', 'a2']);
    expect((await store.listCreatedBefore(35, 10)).map((r) => r._id)).toEqual(['a1', 'a2', 'a3']);
    expect((await store.listCreatedBefore(35, 2)).map((r) => r._id)).toEqual(['a1', 'a2']);
    await issued('d1', 'u1', 50);
    const unsettled = await store.listUnsettled(deadTokens(20_000), staleBefore(25), 10);
    expect(unsettled.map((r) => r._id).sort()).toEqual(['a1', 'a2', 'd1']);
  });

  it('deletes one record', async () => {
    await store.begin(requesting('a1', 'u1', 1));
    await store.begin(requesting('a2', 'u1', 2));
    expect(await store.delete('a1')).toBe(true);
    expect(await store.delete('a1')).toBe(false);
    expect((await store.listByOpenid('u1', { limit: 10, skip: 0 })).map((r) => r._id)).toEqual(['a2']);
  });

  it('takes from a budget per key and fixed window, gives back, and forgets ended windows', async () => {
    const windowMs = 600_000;
    const t0 = 1_800_000_000_000 - (1_800_000_000_000 % windowMs);
    const taken = await Promise.all(Array.from({ length: 8 }, () => store.take('u1', 5, t0, windowMs)));
    expect(taken.filter(Boolean)).toHaveLength(5);
    expect(await store.take('u2', 5, t0, windowMs)).toBe(true);
    await store.giveBack('u1', t0, windowMs);
    expect(await store.take('u1', 5, t0 + 1000, windowMs)).toBe(true);
    expect(await store.take('u1', 5, t0 + 1000, windowMs)).toBe(false);
    expect(await store.take('u1', 5, t0 + windowMs, windowMs)).toBe(true);
    expect(await store.purgeCounters(t0 + windowMs + 1)).toBe(2);
  });
});

describe('the CloudBase store, as the real SDK shows it', () => {
  let store: CloudBaseStore;
  beforeEach(async () => {
    await cloud.close();
    cloud = await sdkOverStandIn();
    store = new CloudBaseStore(cloud.sdk.database());
  });

  it('replaces a nested object: a second lastResult keeps nothing of the first', async () => {
    const r = requesting('b1', 'u1', 1);
    await store.begin(r);
    await store.issue(r, token('t1'), { ...CLAIM, resultCalls: { day: '', count: 0 } });
    const i = (await store.getById('b1')) as IssuedRecord;
    await store.releaseRead(
      i,
      answer({
        finished: false,
        verification: {
          against: 'idcard',
          confidence: 80,
          thresholds: { '1e-3': 62, '1e-4': 69, '1e-5': 74, '1e-6': 78 },
          level: '1e-6',
        },
      }),
      1,
    );
    await store.releaseRead(i, answer({ resultMessage: 'STILL_WAITING' }), 2);
    const got = (await store.getById('b1')) as IssuedRecord;
    expect(got.lastResult).toEqual(answer({ resultMessage: 'STILL_WAITING' }));
    expect(got.lastResult).not.toHaveProperty('verification');
  });

  it('clears a field whose new value is undefined', async () => {
    const r = requesting('b1', 'u1', 1, { photoFileIDs: ['cloud://x/faceid/u1/a.jpg'] });
    await store.begin(r);
    await store.forgetPhotos(r);
    expect(await store.getById('b1')).not.toHaveProperty('photoFileIDs');
  });

  it('treats only a duplicate key as a duplicate; any other insert failure is retryable', async () => {
    await store.begin(requesting('b1', 'u1', 1));
    expect(await store.begin(requesting('b1', 'u2', 2))).toBe(false);
    cloud.cloudbase.injectFault({ action: 'database.insertDocument', code: 'DATABASE_REQUEST_FAILED' });
    await expect(store.begin(requesting('b2', 'u1', 3))).rejects.toMatchObject({
      code: 'SERVICE_BUSY',
      retryable: true,
    });
    expect(await store.getById('b2')).toBeUndefined();
    expect(await store.begin(requesting('b2', 'u1', 3))).toBe(true);
  });

  it('never sends a query with an undefined value (the SDK would drop it and match any record)', async () => {
    const r = requesting('b1', 'u1', 1);
    await store.begin(r);
    await store.issue(r, token('t1', { resultRef: 'r1' }), CLAIM);
    cloud.cloudbase.resetRequestCounts();
    expect(await store.getByBizToken(undefined as unknown as string)).toBeUndefined();
    expect(await store.getByResultRef(undefined as unknown as string)).toBeUndefined();
    expect(cloud.cloudbase.requestCounts()).toEqual({});
  });

  it('counts database requests at the stand-in and never lets the SDK reach another host', async () => {
    const blockedBefore = blockedConnections.length;
    const r = requesting('b1', 'u1', 1);
    await store.begin(r);
    await store.issue(r, token('t1'), CLAIM);
    await store.getByBizToken('t1');
    expect(cloud.cloudbase.requestCounts()).toEqual({
      'database.insertDocument': 1,
      'database.modifyDocument': 1,
      'database.getDocument': 1,
    });
    expect(blockedConnections.slice(blockedBefore)).toEqual([]);
  });
});
