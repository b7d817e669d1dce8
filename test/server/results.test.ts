/**
 * The query API (faceidResults) over HTTP access on the production path: the bundle in its instances, the real
 * wx-server-sdk, the CloudBase stand-in and the FaceID sandbox, called as a business's backend would call it.
 */
import { createHash } from 'node:crypto';
import { serveHttpFunction } from '../../dev/local-cloud/http-access';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KEY_A = 'qk_live_4f9d1c0e7b2a45d8a3e6f1b9c0d2e7a8';
const KEY_B = 'qk_live_rotated_91b7e3c5d2f04a6b8c1e9d7f3a5b0c2e';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const NAME = '王小明';
const ID_NUMBER = '11010519491231002X';

let h: Harness;
let api: Awaited<ReturnType<typeof serveHttpFunction>>;
const lines: string[] = [];
beforeEach(async () => {
  h = await startHarness({ FACEID_API_KEYS_SHA256: sha256(KEY_A), FACEID_LOG: 'on' });
  api = await serveHttpFunction(h.cloud, 'faceidResults');
  lines.length = 0;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
  await h.close();
});

/** `GET /faceidResults?…` with the key as a bearer token (null: no Authorization header). */
async function query(
  params: Record<string, string>,
  key: string | null = KEY_A,
  init: { method?: string; authorization?: string } = {},
): Promise<{ status: number; headers: Headers; body: Answer }> {
  const headers: Record<string, string> = {};
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  else if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${api.url}/faceidResults?${new URLSearchParams(params).toString()}`, {
    method: init.method ?? 'GET',
    headers,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer };
}

/** A finished ID-card verification of a user with the business's reference. */
async function finishedVerification(externalRef: string, openid = 'o-user-1'): Promise<Answer> {
  const token = await h.call<Answer>(
    'getBizToken',
    { ...CONSENT, mode: 'idcard', idcardName: NAME, idcardNumber: ID_NUMBER, externalRef },
    openid,
  );
  expect(token.ok).toBe(true);
  await completeFlow(h.sandbox.url, token.bizToken, 'SUCCESS');
  expect(await h.call<Answer>('getResult', { bizToken: token.bizToken }, openid)).toMatchObject({
    outcome: 'passed',
  });
  return token;
}

describe('faceidResults answers a right key', () => {
  it('with the masked result of the record its externalRef or bizNo names (getBizToken → record → query)', async () => {
    const token = await finishedVerification('order:2026-12-01.0042');
    expect(await h.record(token.bizNo)).toMatchObject({
      status: 'finished',
      externalRef: 'order:2026-12-01.0042',
    });
    const byRef = await query({ externalRef: 'order:2026-12-01.0042' });
    expect(byRef.status).toBe(200);
    expect(byRef.headers.get('content-type')).toMatch(/^application\/json/);
    expect(byRef.body).toEqual({
      bizNo: token.bizNo,
      externalRef: 'order:2026-12-01.0042',
      status: 'finished',
      outcome: 'passed',
      resultCode: 1000,
      mode: 'idcard',
      provider: 'fidlite',
      maskedName: '王**',
      maskedIdNumber: '1101**********002X',
      createdAt: expect.any(Number),
      endedAt: expect.any(Number),
    });
    expect((await query({ bizNo: token.bizNo })).body).toEqual(byRef.body);
    const text = JSON.stringify(byRef.body);
    for (const secret of [NAME, '小明', ID_NUMBER, ID_NUMBER.slice(0, 14), token.bizToken])
      expect(text).not.toContain(secret);
  });

  it('with in_progress and no result fields while the verification is not over, and makes no FaceID call', async () => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', externalRef: 'cart-7' });
    const before = h.upstream.requests.length;
    const answer = await query({ externalRef: 'cart-7' });
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body).toEqual({
      bizNo: token.bizNo,
      externalRef: 'cart-7',
      status: 'in_progress',
      mode: 'ocr',
      provider: 'fidlite',
      createdAt: expect.any(Number),
    });
    expect(h.upstream.requests.length).toBe(before);
  });

  it("with the newest of one owner's verifications sharing a reference", async () => {
    await finishedVerification('member-9');
    const second = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', externalRef: 'member-9' });
    expect((await query({ externalRef: 'member-9' })).body).toMatchObject({
      bizNo: second.bizNo,
      status: 'in_progress',
    });
  });

  it('with both keys of a rotation, and not with the retired one', async () => {
    await finishedVerification('rot-1');
    h.setEnv({ FACEID_API_KEYS_SHA256: `${sha256(KEY_A)}, ${sha256(KEY_B).toUpperCase()}` });
    expect((await query({ externalRef: 'rot-1' }, KEY_A)).status).toBe(200);
    expect((await query({ externalRef: 'rot-1' }, KEY_B)).status).toBe(200);
    h.setEnv({ FACEID_API_KEYS_SHA256: sha256(KEY_B) });
    expect((await query({ externalRef: 'rot-1' }, KEY_A)).status).toBe(401);
    expect((await query({ externalRef: 'rot-1' }, KEY_B)).status).toBe(200);
  });
});

describe('faceidResults refuses', () => {
  it.each([
    ['no Authorization header', null, undefined],
    ['a wrong key', 'qk_live_not-the-key', undefined],
    ['the hash itself as the key', sha256(KEY_A), undefined],
    ['another scheme', null, `Basic ${Buffer.from(`x:${KEY_A}`).toString('base64')}`],
    ['an empty bearer', null, 'Bearer '],
  ])('%s with 401 before any database request', async (_name, key, authorization) => {
    await finishedVerification('secret-order');
    h.cloud.cloudbase.resetRequestCounts();
    const answer = await query({ externalRef: 'secret-order' }, key, { authorization });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code: 'UNAUTHORIZED', message: '查询密钥缺失或不正确' } });
    expect(h.cloud.cloudbase.requestCounts()).toEqual({});
  });

  it('past the per-key limit with 429 and Retry-After, counted in the database across instances', async () => {
    h.setEnv({
      FACEID_API_RATE_LIMIT: '3/86400',
      FACEID_API_KEYS_SHA256: `${sha256(KEY_A)},${sha256(KEY_B)}`,
    });
    await finishedVerification('limited');
    const statuses = await Promise.all(
      [1, 2, 3].map(async () => (await query({ externalRef: 'limited' })).status),
    );
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await query({ externalRef: 'limited' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await query({ externalRef: 'limited' }, KEY_B)).status).toBe(200);
    // The counter is a database document: this process's store sees the key's budget used up.
    const counter = `api:${sha256(KEY_A).slice(0, 16)}`;
    expect(await h.store().take(counter, 3, Date.now(), 86_400_000)).toBe(false);
    // It carries the end of its window: the purge of ended counters removes it, and the key is served again.
    expect(await h.store().purgeCounters(Date.now() + 86_400_001)).toBeGreaterThanOrEqual(2);
    expect((await query({ externalRef: 'limited' })).status).toBe(200);
  });

  it('with 404 when no record matches', async () => {
    expect(await query({ externalRef: 'never-sent' })).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect((await query({ bizNo: 'fid20261201deadbeef00000000' })).status).toBe(404);
  });

  it.each([
    ['no reference', {}, 'MISSING_ARGUMENTS'],
    ['both references', { bizNo: 'a', externalRef: 'b' }, 'INVALID_EVENT'],
    ['an externalRef with a space', { externalRef: 'order 1' }, 'INVALID_EXTERNAL_REF'],
    ['an externalRef of 129 characters', { externalRef: 'x'.repeat(129) }, 'INVALID_EXTERNAL_REF'],
    ['a bizNo with a slash', { bizNo: 'a/b' }, 'INVALID_EVENT'],
  ])('%s with 400', async (_name, params, code) => {
    const answer = await query(params);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
  });

  it('a POST with 405', async () => {
    expect((await query({ externalRef: 'x' }, KEY_A, { method: 'POST' })).status).toBe(405);
  });

  it('with 409 when several owners have records of the reference, never handing over one of them', async () => {
    const mine = await finishedVerification('shared-ref', 'o-user-1');
    await finishedVerification('shared-ref', 'o-user-2');
    expect(await query({ externalRef: 'shared-ref' })).toMatchObject({
      status: 409,
      body: { error: { code: 'AMBIGUOUS' } },
    });
    await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', bizNo: mine.bizNo }, 'o-user-2');
    expect(await query({ bizNo: mine.bizNo })).toMatchObject({
      status: 409,
      body: { error: { code: 'AMBIGUOUS' } },
    });
  });

  it('a user of the mini-program calling it through wx.cloud, even with the right key', async () => {
    await finishedVerification('mine');
    const event = {
      httpMethod: 'GET',
      path: '/faceidResults',
      headers: { authorization: `Bearer ${KEY_A}` },
      queryStringParameters: { externalRef: 'mine' },
      body: '',
    };
    const before = h.traffic();
    expect(await h.call<Answer>('faceidResults', event, 'o-user-1')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(h.traffic()).toEqual(before);
    expect(await h.call<Answer>('faceidResults', event, null)).toMatchObject({ statusCode: 200 });
  });

  it('every request with 500 CONFIG_MISSING while no key is configured', async () => {
    h.setEnv({ FACEID_API_KEYS_SHA256: undefined });
    expect(await query({ externalRef: 'x' })).toMatchObject({
      status: 500,
      body: { error: { code: 'CONFIG_MISSING' } },
    });
  });
});

describe('the business reference in getBizToken', () => {
  it.each([
    ['a space', 'order 1'],
    ['129 characters', 'r'.repeat(129)],
    ['a slash', 'a/b'],
    ['Chinese', '订单1'],
    ['a number', 42],
  ])('refuses %s with INVALID_EXTERNAL_REF before the database or FaceID sees a request', async (_n, ref) => {
    const before = h.traffic();
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'idcard',
      idcardName: NAME,
      idcardNumber: ID_NUMBER,
      externalRef: ref,
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'INVALID_EXTERNAL_REF', param: 'externalRef', retryable: false },
    });
    expect(answer.error.message).toMatch(/认证编号/);
    expect(h.traffic()).toEqual(before);
  });

  it("stores a retry's own reference with its attempt", async () => {
    h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token', times: 1 } as never);
    const bizNo = 'retry-ref-1';
    const first = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'ocr',
      bizNo,
      externalRef: 'first',
    });
    expect(first.ok).toBe(false);
    expect(await h.record(bizNo)).toMatchObject({ attempt: 1, externalRef: 'first' });
    const second = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'ocr',
      bizNo,
      externalRef: 'second',
    });
    expect(second.ok).toBe(true);
    expect(await h.record(bizNo)).toMatchObject({ attempt: 2, status: 'issued', externalRef: 'second' });
    expect((await query({ externalRef: 'second' })).body).toMatchObject({ bizNo, status: 'in_progress' });
    expect((await query({ externalRef: 'first' })).status).toBe(404);
  });

  it('keeps 128 characters of every allowed kind as they are', async () => {
    const ref = `Ab9_.:-${'z'.repeat(121)}`;
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', externalRef: ref });
    expect(token.ok).toBe(true);
    expect((await h.record(token.bizNo))?.externalRef).toBe(ref);
  });
});

it('never logs a key, its hash or a business reference', async () => {
  h.setEnv({ FACEID_API_KEYS_SHA256: `${sha256(KEY_A)},${sha256(KEY_B)}` });
  const token = await finishedVerification('log-probe-ref-77');
  await query({ externalRef: 'log-probe-ref-77' }, KEY_A);
  await query({ bizNo: token.bizNo }, KEY_B);
  await query({ externalRef: 'log-probe-ref-77' }, 'qk_live_wrong-key-for-the-log');
  await query({ externalRef: 'log-probe-ref-77 bad' }, KEY_A);
  await h.call('getBizToken', { ...CONSENT, mode: 'ocr', externalRef: 'log probe bad' });
  const log = lines.join('\n');
  expect(log).toContain('"fn":"faceidResults"');
  for (const secret of [
    KEY_A,
    KEY_B,
    'qk_live_wrong-key-for-the-log',
    sha256(KEY_A),
    sha256(KEY_A).slice(0, 16),
    sha256(KEY_B).slice(0, 16),
    'log-probe-ref-77',
    'log probe bad',
  ])
    expect(log).not.toContain(secret);
});
