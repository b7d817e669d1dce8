/**
 * The verification lifecycle on the production path (bundles → real wx-server-sdk → CloudBase stand-in): one
 * paid token per bizNo whatever the concurrency, a rate limit that counts only tokens, records that always end
 * in a readable state, and files that do not outlive their purpose.
 */
import { SHARED_READ_MS } from '../../server/app/get-result';
import type { RequestingRecord } from '../../server/store/types';
import { JPEG_FIXTURE } from '../../tools/sandbox';
import { completeFlow } from '../support/component-driver';
import { startHarness, type Harness } from '../support/harness';
import { finishH5 } from '../support/megvii';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ID = { mode: 'idcard', idcardName: '张三', idcardNumber: '11010519491231002X' };
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
      Array.from({ length: 50 }, () => h.call<Answer>('getBizToken', { ...ID, bizNo: 'order-50-fresh' })),
    );
    expect(tokenCalls()).toBe(1);
    const tokens = new Set(answers.filter((a) => a.ok).map((a) => a.bizToken));
    expect(tokens.size).toBe(1);
    for (const a of answers.filter((x) => !x.ok)) expect(a.error.code).toBe('SERVICE_BUSY');
    expect(await h.store().getById('order-50-fresh')).toMatchObject({
      status: 'issued',
      bizToken: [...tokens][0],
      attempt: 1,
    });
  });

  it('50 concurrent retries of a bizNo whose first attempt failed make one upstream call', async () => {
    h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token' });
    const first = await h.call<Answer>('getBizToken', { ...ID, bizNo: 'order-50-retry' });
    expect(first).toMatchObject({ ok: false });
    expect(await h.store().getById('order-50-retry')).toMatchObject({ status: 'failed', attempt: 1 });
    h.sandbox.injectFault({ kind: 'latency', ms: 200, path: '/lite/v1/get_biz_token' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => h.call<Answer>('getBizToken', { ...ID, bizNo: 'order-50-retry' })),
    );
    expect(tokenCalls()).toBe(2);
    const ok = answers.filter((a) => a.ok);
    expect(new Set(ok.map((a) => a.bizToken)).size).toBe(1);
    for (const a of answers.filter((x) => !x.ok)) expect(a.error.code).toBe('SERVICE_BUSY');
    const record = await h.store().getById('order-50-retry');
    expect(record).toMatchObject({ status: 'issued', bizToken: ok[0]?.bizToken, attempt: 2 });
    // The person passes with the one token that exists: the result is found.
    await completeFlow(h.sandbox.url, String(ok[0]?.bizToken));
    expect(await h.call<Answer>('getResult', { bizToken: ok[0]?.bizToken })).toMatchObject({
      outcome: 'passed',
    });
  });

  it('a repeated bizNo of an ended verification is refused without a call', async () => {
    const issued = await h.call<Answer>('getBizToken', { ...ID, bizNo: 'order-ended' });
    await completeFlow(h.sandbox.url, issued.bizToken);
    await h.call<Answer>('getResult', { bizToken: issued.bizToken });
    const again = await h.call<Answer>('getBizToken', { ...ID, bizNo: 'order-ended' });
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
      expect(a.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/分钟后再试/) });
      expect(a.error.retryAt).toBeGreaterThan(Date.now());
    }
    // Refused requests leave no record behind.
    const listed = await h.call<Answer>('listVerifications', { pageSize: 50 });
    expect(listed.items).toHaveLength(5);
  });

  it('upstream refusals and invalid input never use up the limit', async () => {
    for (let i = 0; i < 6; i++) {
      const bad = await h.call<Answer>('getBizToken', { ...ID, idcardNumber: '110105194912310021' });
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
    expect(await h.store().getById(issued.bizNo)).toMatchObject({ status: 'cancelled' });
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
      title: '认证已过期',
    });
    const list = await h.call<Answer>('listVerifications', { pageSize: 1 });
    expect(list.items[0]).toMatchObject({ bizNo: timed.bizNo, status: 'expired' });
    const purge = await h.call<Answer>('purgeVerifications', {}, null);
    expect(purge).toMatchObject({ ok: true });
    for (const t of [read, listed, timed])
      expect(await h.store().getById(t.bizNo)).toMatchObject({ status: 'expired' });
    expect((await h.call<Answer>('listVerifications', {})).items.map((i: Answer) => i.status)).toEqual([
      'expired',
      'expired',
      'expired',
    ]);
  });

  it('a person who finished just before the token died gets the result, not "expired"', async () => {
    const issued = await h.call<Answer>('getBizToken', ID);
    await completeFlow(h.sandbox.url, issued.bizToken);
    await h.ageRecord(issued.bizNo, { expiresAt: Date.now() - 1000 });
    const listed = await h.call<Answer>('listVerifications', {});
    expect(listed.items[0]).toMatchObject({ status: 'finished', outcome: 'passed' });
  });

  it('a token request left "requesting" by a stopped function is failed after the time-out, and a retry works', async () => {
    await h.putRecord(leftRequesting('order-stuck'));
    const retried = await h.call<Answer>('getBizToken', { ...ID, bizNo: 'order-stuck' });
    expect(retried).toMatchObject({ ok: true, bizNo: 'order-stuck' });
    expect(await h.store().getById('order-stuck')).toMatchObject({ status: 'issued', attempt: 2 });
  });

  it('a stale "requesting" record is shown as failed in "my verifications"', async () => {
    await h.putRecord(leftRequesting('order-stale'));
    const listed = await h.call<Answer>('listVerifications', {});
    expect(listed.items[0]).toMatchObject({
      bizNo: 'order-stale',
      status: 'failed',
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
    expect(await h.store().getById(issued.bizNo)).toMatchObject({
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
    const issued = await h.call<Answer>('getBizToken', { mode: 'reference', imageRef1: ref });
    expect(issued.ok).toBe(true);
    expect(await h.fileExists(ref)).toBe(false);
    expect(await h.store().getById(issued.bizNo)).not.toHaveProperty('photoFileIDs');
  });

  it('are deleted when the token call failed', async () => {
    const ref = await upload();
    h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token' });
    const answer = await h.call<Answer>('getBizToken', { mode: 'reference', imageRef1: ref });
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
    const field = (name: string) =>
      (new RegExp(`name="${name}" value="([^"]*)"`).exec(returned)?.[1] ?? '')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
    const notify = await h.call<Answer>(
      'faceidNotify',
      {
        httpMethod: 'POST',
        path: '/faceidNotify',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ data: field('data'), sign: field('sign') }).toString(),
      },
      null,
    );
    expect(notify).toMatchObject({ statusCode: 200 });
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
    expect(await h.store().getById(token.bizNo)).toMatchObject({ status: 'issued' });
  });
});
