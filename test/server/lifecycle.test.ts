/**
 * The verification lifecycle on the production path (bundles → real wx-server-sdk → CloudBase stand-in): one
 * paid token per bizNo whatever the concurrency, a rate limit that counts only tokens, records that always end
 * in a readable state, and files that do not outlive their purpose.
 */
import { createServer, type AddressInfo } from 'node:net';
import type { RequestingRecord } from '../../server/store/types';
import { JPEG_FIXTURE } from '../../dev/sandbox';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';
import { finishH5 } from '../support/megvii';

/** How recent a Megvii Lite answer serves a page reader without another call (README: "read in the last 2 s"). */
const SHARED_READ_MS = 2000;

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ID = { ...CONSENT, mode: 'idcard', idcardName: '张三', idcardNumber: '11010519491231002X' };
let h: Harness;

afterEach(async () => {
  await h.close();
});

/** A token request a stopped function left behind a minute ago (older than getBizToken's time-out). */
const leftRequesting = (bizNo: string): RequestingRecord => ({
  _id: bizNo,
  openid: 'o-user-1',
  bizNo,
  mode: 'idcard',
  provider: 'fidlite',
  status: 'requesting',
  attempt: 1,
  requestedAt: Date.now() - 60_000,
  createdAt: Date.now() - 60_000,
});

const tokenCalls = () => h.upstream.calls('/lite/v1/get_biz_token').length;
const resultCalls = () => h.upstream.calls('/lite/v1/get_result').length;

async function cancelAt(token: string): Promise<void> {
  const res = await fetch(`${h.sandbox.url}/lite/v1/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ biz_token: token }),
  });
  expect(res.status).toBe(200);
}

describe('one paid token per bizNo', () => {
  beforeEach(async () => {
    h = await startHarness({ FACEID_RATE_LIMIT: '1000/600' });
  });

  it('50 concurrent requests for a new bizNo make one upstream call and all get that token or "in progress"', async () => {
    h.sandbox.injectFault({ kind: 'latency', ms: 200, path: '/lite/v1/get_biz_token' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, ...ID, bizNo: 'order-50-fresh' }),
      ),
    );
    expect(tokenCalls()).toBe(1);
    const tokens = new Set(answers.filter((a) => a.ok).map((a) => a.bizToken));
    expect(tokens.size).toBe(1);
    for (const a of answers.filter((x) => !x.ok)) expect(a.error.code).toBe('SERVICE_BUSY');
    expect(await h.record('order-50-fresh')).toMatchObject({
      status: 'issued',
      bizToken: [...tokens][0],
      attempt: 1,
    });
  });

  it('50 concurrent retries of a bizNo whose first attempt failed make one upstream call', async () => {
    h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token' });
    const first = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      ...ID,
      bizNo: 'order-50-retry',
    });
    expect(first).toMatchObject({ ok: false });
    expect(await h.record('order-50-retry')).toMatchObject({ status: 'failed', attempt: 1 });
    h.sandbox.injectFault({ kind: 'latency', ms: 200, path: '/lite/v1/get_biz_token' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, ...ID, bizNo: 'order-50-retry' }),
      ),
    );
    expect(tokenCalls()).toBe(2);
    const ok = answers.filter((a) => a.ok);
    expect(new Set(ok.map((a) => a.bizToken)).size).toBe(1);
    for (const a of answers.filter((x) => !x.ok)) expect(a.error.code).toBe('SERVICE_BUSY');
    const record = await h.record('order-50-retry');
    expect(record).toMatchObject({ status: 'issued', bizToken: ok[0]?.bizToken, attempt: 2 });
    // The person passes with the one token that exists: the result is found.
    await completeFlow(h.sandbox.url, String(ok[0]?.bizToken));
    expect(await h.call<Answer>('getResult', { bizToken: ok[0]?.bizToken })).toMatchObject({
      outcome: 'passed',
    });
  });

  it('a repeated bizNo of an ended verification is refused without a call', async () => {
    const issued = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      ...ID,
      bizNo: 'order-ended',
    });
    await completeFlow(h.sandbox.url, issued.bizToken);
    await h.call<Answer>('getResult', { bizToken: issued.bizToken });
    const again = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      ...ID,
      bizNo: 'order-ended',
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'INVALID_EVENT', param: 'bizNo' } });
    expect(tokenCalls()).toBe(1);
  });
});

describe('the rate limit counts tokens only', () => {
  beforeEach(async () => {
    h = await startHarness({ FACEID_RATE_LIMIT: '5/600' });
  });

  it('of 20 concurrent requests past a limit of 5, exactly 5 buy a token; the rest learn when to come back', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.call<Answer>('getBizToken', ID)));
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    expect(tokenCalls()).toBe(5);
    const refused = answers.filter((a) => !a.ok);
    expect(refused).toHaveLength(15);
    for (const a of refused) {
      expect(a.error).toMatchObject({
        code: 'RATE_LIMITED',
        reason: 'TOKEN_LIMIT',
        message: expect.stringMatching(/分钟后再试/),
      });
      expect(a.error.retryAt).toBeGreaterThan(Date.now());
    }
    // Refused requests leave no record behind.
    const listed = await h.call<Answer>('listVerifications', { pageSize: 50 });
    expect(listed.items).toHaveLength(5);
  });

  it('upstream refusals and invalid input never use up the limit', async () => {
    for (let i = 0; i < 6; i++) {
      const bad = await h.call<Answer>('getBizToken', {
        ...CONSENT,
        ...CONSENT,
        ...ID,
        idcardNumber: '110105194912310021',
      });
      expect(bad.error.code).toBe('INVALID_IDCARD_NUMBER');
    }
    for (let i = 0; i < 3; i++) {
      h.sandbox.injectFault({ kind: 'status', status: 400, path: '/lite/v1/get_biz_token' });
      expect((await h.call<Answer>('getBizToken', ID)).ok).toBe(false);
    }
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await h.call<Answer>('getBizToken', ID));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect((await h.call<Answer>('getBizToken', ID)).error.code).toBe('RATE_LIMITED');
  });
});

/** A loopback port nothing listens on: a connection to it is refused before any byte leaves. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Tokens FaceID (the sandbox) issued, whether or not their answer reached the backend. */
const tokensIssued = () =>
  h.upstream.answers.filter((a) => a.path === '/lite/v1/get_biz_token' && a.body.includes('"biz_token"'))
    .length;

describe('money: an answer lost after the request left may have bought a token', () => {
  beforeEach(async () => {
    h = await startHarness({ FACEID_RATE_LIMIT: '5/600', FACEID_TIMEOUT_MS: '800' });
  });

  it('8 lost answers then 6 clean requests with a limit of 5: FaceID issues at most 5 tokens for the user', async () => {
    const path = '/lite/v1/get_biz_token';
    for (const how of ['reset', 'truncated', 'gateway-502', 'gateway-504'] as const)
      h.upstream.loseNext(path, how);
    h.upstream.loseNext(path, 'late', 4, 1500);
    const lost = [];
    for (let i = 0; i < 8; i++)
      lost.push(await h.call<Answer>('getBizToken', { ...CONSENT, ...ID, bizNo: `lost-${i}` }));
    const clean = [];
    for (let i = 0; i < 6; i++)
      clean.push(await h.call<Answer>('getBizToken', { ...CONSENT, ...ID, bizNo: `clean-${i}` }));
    expect(tokensIssued()).toBeLessThanOrEqual(5);
    expect(tokensIssued()).toBe(5);
    expect(lost.slice(0, 5).map((a) => a.error.code)).toEqual(Array(5).fill('VERIFICATION_UNCONFIRMED'));
    for (const a of [...lost.slice(5), ...clean]) expect(a.error.code).toBe('RATE_LIMITED');
    // Each lost answer ends in a state that says so, in the person's words when listed.
    const listed = await h.call<Answer>('listVerifications', { pageSize: 50 });
    expect(listed.items.map((i: Answer) => i.status)).toEqual(Array(5).fill('unconfirmed'));
  });

  it('a retry of an unconfirmed bizNo is a new, counted attempt with its own evidence', async () => {
    h.setEnv({ FACEID_RATE_LIMIT: '2/600' });
    h.upstream.loseNext('/lite/v1/get_biz_token', 'reset');
    const event = { ...ID, bizNo: 'order-lost' };
    const firstConsent = Date.now();
    expect((await h.call<Answer>('getBizToken', event)).error.code).toBe('VERIFICATION_UNCONFIRMED');
    // The result page (FaceID's H5 return names the bizNo) says the same.
    expect(await h.call<Answer>('getResult', { bizNo: 'order-lost' })).toMatchObject({
      error: { code: 'VERIFICATION_UNCONFIRMED', message: '上次认证未能确认，请重新开始' },
    });
    const retried = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...event,
      idcardName: '李四',
      idcardNumber: '110101199003077715',
    });
    expect(retried).toMatchObject({ ok: true, bizNo: 'order-lost' });
    expect(await h.record('order-lost')).toMatchObject({
      status: 'issued',
      attempt: 2,
      maskedName: '李*',
      maskedIdNumber: '1101**********7715',
      consentVersion: CONSENT.consentVersion,
    });
    // The consent kept is the retry's own: accepted by the server after the first attempt's.
    expect((await h.record('order-lost'))?.consentedAt).toBeGreaterThan(firstConsent);
    expect(tokensIssued()).toBe(2);
    expect((await h.call<Answer>('getBizToken', ID)).error.code).toBe('RATE_LIMITED');
  });

  it('a unit comes back when FaceID’s own answer proves nothing was issued, or the call never left', async () => {
    for (let i = 0; i < 3; i++) {
      h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token' });
      expect((await h.call<Answer>('getBizToken', ID)).error.code).toBe('INTERNAL_ERROR');
    }
    h.setEnv({ FACEID_BASE_URL: `http://127.0.0.1:${await closedPort()}` });
    for (let i = 0; i < 3; i++)
      expect((await h.call<Answer>('getBizToken', ID)).error.code).toBe('NETWORK_ERROR');
    h.setEnv({ FACEID_BASE_URL: h.env.FACEID_BASE_URL });
    for (let i = 0; i < 5; i++) expect((await h.call<Answer>('getBizToken', ID)).ok).toBe(true);
    expect((await h.call<Answer>('getBizToken', ID)).error.code).toBe('RATE_LIMITED');
  });

  it('a database fault on the record insert gives its unit back', async () => {
    expect((await h.call<Answer>('getBizToken', ID)).ok).toBe(true);
    for (let i = 0; i < 5; i++) {
      h.cloud.cloudbase.injectFault({ action: 'database.insertDocument' });
      expect((await h.call<Answer>('getBizToken', ID)).error.code).toBe('SERVICE_BUSY');
    }
    for (let i = 0; i < 4; i++) expect((await h.call<Answer>('getBizToken', ID)).ok).toBe(true);
    expect((await h.call<Answer>('getBizToken', ID)).error.code).toBe('RATE_LIMITED');
    expect(tokensIssued()).toBe(5);
  });

  it('a record being bought cannot be deleted; its request gets the token it bought, once', async () => {
    h.setEnv({ FACEID_TIMEOUT_MS: '5000' });
    // Warm the instance that deletes, so the delete comes while the token is being bought.
    expect((await h.call<Answer>('deleteVerification', { bizNo: 'none' })).error.code).toBe('NOT_FOUND');
    h.sandbox.injectFault({ kind: 'latency', ms: 2500, path: '/lite/v1/get_biz_token' } as never);
    const event = { ...ID, bizNo: 'order-busy' };
    const buying = h.call<Answer>('getBizToken', event);
    while ((await h.record('order-busy'))?.status !== 'requesting')
      await new Promise((r) => setTimeout(r, 20));
    expect(await h.call<Answer>('deleteVerification', { bizNo: 'order-busy' })).toMatchObject({
      ok: false,
      error: { code: 'VERIFICATION_IN_PROGRESS', message: '认证正在创建中，请稍后再删除' },
    });
    const bought = await buying;
    expect(bought).toMatchObject({ ok: true, bizNo: 'order-busy' });
    expect(await h.call<Answer>('getBizToken', event)).toEqual(bought);
    expect(tokensIssued()).toBe(1);
  });
});

describe('every record ends in a state a person can read', () => {
  beforeEach(async () => {
    h = await startHarness({ FACEID_RATE_LIMIT: '1000/600' });
  });

  it.each([
    ['before the component read its configuration', async () => {}],
    [
      'on the agreement step',
      async (t: string) => void (await fetch(`${h.sandbox.url}/lite/v1/get_config?biz_token=${t}`)),
    ],
  ])('leaving %s ends the record cancelled with "重新开始"-able copy', async (_when, reach) => {
    const issued = await h.call<Answer>('getBizToken', ID);
    await reach(issued.bizToken);
    await cancelAt(issued.bizToken);
    const result = await h.call<Answer>('getResult', { bizToken: issued.bizToken });
    expect(result).toMatchObject({ ok: true, outcome: 'cancelled', finished: true, retryable: true });
    expect(await h.record(issued.bizNo)).toMatchObject({ status: 'cancelled' });
    const listed = await h.call<Answer>('listVerifications', {});
    expect(listed.items[0]).toMatchObject({ status: 'cancelled', outcome: 'cancelled' });
  });

  it('a token that died without a result ends expired — when read, when listed and by the daily timer', async () => {
    const read = await h.call<Answer>('getBizToken', ID);
    const listed = await h.call<Answer>('getBizToken', ID);
    const timed = await h.call<Answer>('getBizToken', ID);
    for (const t of [read, listed, timed]) await h.ageRecord(t.bizNo, { expiresAt: Date.now() - 1000 });
    expect(await h.call<Answer>('getResult', { bizToken: read.bizToken })).toMatchObject({
      outcome: 'expired',
      finished: true,
    });
    const list = await h.call<Answer>('listVerifications', { pageSize: 1 });
    expect(list.items[0]).toMatchObject({ bizNo: timed.bizNo, status: 'expired' });
    const purge = await h.call<Answer>('purgeVerifications', {}, null);
    expect(purge).toMatchObject({ ok: true });
    for (const t of [read, listed, timed])
      expect(await h.record(t.bizNo)).toMatchObject({ status: 'expired' });
    const ended = (await h.call<Answer>('listVerifications', {})).items;
    expect(ended.map((i: Answer) => i.status)).toEqual(['expired', 'expired', 'expired']);
    expect(ended.every((i: Answer) => typeof i.expiresAt === 'number' && i.expiresAt < Date.now())).toBe(
      true,
    );
    // Each says when its token died (the server's expiresAt), for "my verifications" to show.
    for (const [i, t] of [timed, listed, read].entries())
      expect(ended[i]).toMatchObject({
        bizNo: t.bizNo,
        expiresAt: ((await h.record(t.bizNo)) as Answer).expiresAt,
      });
  });

  it('a person who finished just before the token died gets the result, not "expired"', async () => {
    const issued = await h.call<Answer>('getBizToken', ID);
    await completeFlow(h.sandbox.url, issued.bizToken);
    await h.ageRecord(issued.bizNo, { expiresAt: Date.now() - 1000 });
    const listed = await h.call<Answer>('listVerifications', {});
    expect(listed.items[0]).toMatchObject({ status: 'finished', outcome: 'passed' });
  });

  it('a token request left "requesting" by a stopped function is taken over after the time-out as a new attempt', async () => {
    await h.putRecord(leftRequesting('order-stuck'));
    const retried = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      ...ID,
      bizNo: 'order-stuck',
    });
    expect(retried).toMatchObject({ ok: true, bizNo: 'order-stuck' });
    expect(await h.record('order-stuck')).toMatchObject({ status: 'issued', attempt: 2 });
  });

  it('a stale "requesting" record is shown as unconfirmed in "my verifications" (its request may have bought)', async () => {
    await h.putRecord(leftRequesting('order-stale'));
    const listed = await h.call<Answer>('listVerifications', {});
    expect(listed.items[0]).toMatchObject({
      bizNo: 'order-stale',
      status: 'unconfirmed',
      errorCode: 'UPSTREAM_TIMEOUT',
    });
  });

  it('10 concurrent reads of a finished verification store one result, whoever wins', async () => {
    const issued = await h.call<Answer>('getBizToken', ID);
    await completeFlow(h.sandbox.url, issued.bizToken, 'PASS_LIVING_NOT_THE_SAME');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => h.call<Answer>('getResult', { bizToken: issued.bizToken })),
    );
    expect(new Set(answers.map((a) => `${a.ok}:${a.outcome}`))).toEqual(new Set(['true:not_same_person']));
    expect(await h.record(issued.bizNo)).toMatchObject({
      status: 'finished',
      result: { outcome: 'not_same_person' },
    });
    const before = resultCalls();
    await h.call<Answer>('getResult', { bizToken: issued.bizToken });
    expect(resultCalls()).toBe(before);
  });
});

describe('reference photos do not outlive their purpose', () => {
  beforeEach(async () => {
    h = await startHarness({ FACEID_RATE_LIMIT: '1000/600' });
  });

  const upload = () => h.uploadPhoto(JPEG_FIXTURE.buffer);

  it('are deleted once FaceID has them', async () => {
    const ref = await upload();
    const issued = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'reference',
      imageRef1: ref,
    });
    expect(issued.ok).toBe(true);
    expect(await h.fileExists(ref)).toBe(false);
    expect(await h.record(issued.bizNo)).not.toHaveProperty('photoFileIDs');
  });

  it('are deleted when the token call failed', async () => {
    const ref = await upload();
    h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token' });
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'reference',
      imageRef1: ref,
    });
    expect(answer.ok).toBe(false);
    expect(await h.fileExists(ref)).toBe(false);
  });

  it('are deleted with the record, by the person and by the purge', async () => {
    const kept = await upload();
    const old = await upload();
    for (const [id, file, at] of [
      ['order-photo-delete', kept, Date.now()],
      ['order-photo-purge', old, Date.now() - 400 * 24 * 3600 * 1000],
    ] as const) {
      await h.putRecord({
        _id: id,
        openid: 'o-user-1',
        bizNo: id,
        mode: 'reference',
        provider: 'fidlite',
        status: 'failed',
        errorCode: 'UPSTREAM_TIMEOUT',
        attempt: 1,
        endedAt: at,
        createdAt: at,
        photoFileIDs: [file],
      });
    }
    expect(await h.call<Answer>('deleteVerification', { bizNo: 'order-photo-delete' })).toMatchObject({
      ok: true,
      deleted: true,
    });
    expect(await h.fileExists(kept)).toBe(false);
    const purged = await h.call<Answer>('purgeVerifications', {}, null);
    expect(purged).toMatchObject({ ok: true, deleted: 1 });
    expect(await h.fileExists(old)).toBe(false);
  });
});

describe('Megvii Lite: at most 3 get_result calls a day, shared by concurrent readers', () => {
  beforeEach(async () => {
    h = await startHarness({ FACEID_PROVIDER: 'megvii-lite', FACEID_RATE_LIMIT: '1000/600' });
    h.setEnv({
      FACEID_API_KEY: h.sandbox.apiKey,
      FACEID_API_SECRET: h.sandbox.apiSecret,
      FACEID_APPCODE: undefined,
    });
  });
  const liteResultCalls = () => h.upstream.calls('/faceid/lite/get_result').length;

  /** FaceID's notify of a finished H5 flow, as its return page carries it (signed data). */
  async function notifyFrom(returned: string): Promise<Answer> {
    const field = (name: string) =>
      (new RegExp(`name="${name}" value="([^"]*)"`).exec(returned)?.[1] ?? '')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
    return h.call<Answer>(
      'faceidNotify',
      {
        httpMethod: 'POST',
        path: '/faceidNotify',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ data: field('data'), sign: field('sign') }).toString(),
      },
      null,
    );
  }

  it('a notify right after a page read still reads (it must), so the person who passed reads passed', async () => {
    const token = await h.call<Answer>('getBizToken', ID);
    expect(await h.call<Answer>('getResult', { bizToken: token.bizToken })).toMatchObject({
      outcome: 'not_started',
    });
    const returned = await finishH5(token.client.url, 'PASS');
    // Well within the 2 s a page read's answer is shared with other page readers.
    expect(await notifyFrom(returned)).toMatchObject({ statusCode: 200, body: 'success' });
    expect(liteResultCalls()).toBe(2);
    expect(await h.record(token.bizNo)).toMatchObject({ status: 'finished', result: { outcome: 'passed' } });
  });

  it('a notify while a page read holds the claim waits for it, then spends the call kept for it', async () => {
    const token = await h.call<Answer>('getBizToken', ID);
    const returned = await finishH5(token.client.url, 'PASS');
    // The page read began before the flow ended as FaceID sees it: its answer is "not started".
    h.upstream.rewriteNext('/faceid/lite/get_result', (body) => ({ ...body, status: 'NOT_STARTED' }));
    h.sandbox.injectFault({ kind: 'latency', ms: 800, path: '/faceid/lite/get_result', times: 1 } as never);
    const page = h.call<Answer>('getResult', { bizToken: token.bizToken });
    while (((await h.record(token.bizNo)) as Answer)?.readingUntil === 0)
      await new Promise((r) => setTimeout(r, 20));
    expect(await notifyFrom(returned)).toMatchObject({ statusCode: 200 });
    expect(await page).toMatchObject({ outcome: 'not_started' });
    expect(liteResultCalls()).toBe(2);
    expect(await h.record(token.bizNo)).toMatchObject({ status: 'finished', result: { outcome: 'passed' } });
  });

  it('once FaceID gave a final result nobody reads again, whatever the budget', async () => {
    const token = await h.call<Answer>('getBizToken', ID);
    const returned = await finishH5(token.client.url, 'PASS');
    expect(await notifyFrom(returned)).toMatchObject({ statusCode: 200 });
    for (let i = 0; i < 3; i++) {
      expect(await h.call<Answer>('getResult', { bizToken: token.bizToken })).toMatchObject({
        outcome: 'passed',
      });
      expect(await notifyFrom(returned)).toMatchObject({ statusCode: 200 });
    }
    await h.ageRecord(token.bizNo, { expiresAt: Date.now() - 1000 });
    expect((await h.call<Answer>('listVerifications', {})).items[0]).toMatchObject({ status: 'finished' });
    expect(liteResultCalls()).toBe(1);
  });

  it('a record whose token died is listed expired, never in progress: the settling read spends the notify’s call', async () => {
    const token = await h.call<Answer>('getBizToken', ID);
    for (let i = 0; i < 2; i++) {
      await h.call<Answer>('getResult', { bizToken: token.bizToken });
      await new Promise((r) => setTimeout(r, SHARED_READ_MS + 100));
    }
    expect(liteResultCalls()).toBe(2);
    await h.ageRecord(token.bizNo, { expiresAt: Date.now() - 60 * 60_000 });
    expect((await h.call<Answer>('listVerifications', {})).items[0]).toMatchObject({
      status: 'expired',
      outcome: 'expired',
    });
    expect(liteResultCalls()).toBe(3);
    expect((await h.call<Answer>('listVerifications', {})).items[0]).toMatchObject({ status: 'expired' });
    expect(liteResultCalls()).toBe(3);
  });

  it('10 concurrent reads before and after the person finishes: one call each time, never "not started" after passing', async () => {
    const token = await h.call<Answer>('getBizToken', ID);
    const before = await Promise.all(
      Array.from({ length: 10 }, () => h.call<Answer>('getResult', { bizToken: token.bizToken })),
    );
    expect(liteResultCalls()).toBe(1);
    expect(new Set(before.map((a) => a.outcome))).toEqual(new Set(['not_started']));
    await finishH5(token.client.url, 'PASS');
    // A page reads again no sooner than the person takes to finish; answers younger than that are shared.
    await new Promise((r) => setTimeout(r, SHARED_READ_MS + 100));
    const after = await Promise.all(
      Array.from({ length: 10 }, () => h.call<Answer>('getResult', { bizToken: token.bizToken })),
    );
    expect(liteResultCalls()).toBe(2);
    expect(new Set(after.map((a) => a.outcome))).toEqual(new Set(['passed']));
  });

  it('page reads leave the last call of the day to the notify, so a passed verification is read as passed', async () => {
    const token = await h.call<Answer>('getBizToken', ID);
    for (let i = 0; i < 2; i++) {
      expect(await h.call<Answer>('getResult', { bizToken: token.bizToken })).toMatchObject({
        outcome: 'not_started',
      });
      await new Promise((r) => setTimeout(r, SHARED_READ_MS + 100));
    }
    const spent = await h.call<Answer>('getResult', { bizToken: token.bizToken });
    expect(spent).toMatchObject({ ok: true, outcome: 'not_started', finished: false });
    expect(liteResultCalls()).toBe(2);
    const returned = await finishH5(token.client.url, 'PASS');
    expect(await notifyFrom(returned)).toMatchObject({ statusCode: 200 });
    expect(liteResultCalls()).toBe(3);
    expect(await h.call<Answer>('getResult', { bizToken: token.bizToken })).toMatchObject({
      outcome: 'passed',
    });
    expect(liteResultCalls()).toBe(3);
  });

  it('a comparison mode never passes when get_result lacks the comparison', async () => {
    const token = await h.call<Answer>('getBizToken', ID);
    await finishH5(token.client.url, 'PASS');
    h.upstream.rewriteNext('/faceid/lite/get_result', ({ verify_result: _dropped, ...rest }) => rest);
    const answer = await h.call<Answer>('getResult', { bizToken: token.bizToken });
    expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_UPSTREAM_RESPONSE' } });
    expect(await h.record(token.bizNo)).toMatchObject({ status: 'issued' });
  });
});
