import { serveHttpFunction } from '../../dev/local-cloud/http-access';
import { completeFlow } from '../support/component-driver';
import { CONSENT, startHarness, type Harness } from '../support/harness';

/** Notifies of one token make at most one get_result call per 5 s across instances (README). */
const NOTIFY_READ_INTERVAL_MS = 5000;

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let notify: Awaited<ReturnType<typeof serveHttpFunction>>;
beforeEach(async () => {
  h = await startHarness();
  notify = await serveHttpFunction(h.cloud, 'faceidNotify');
  process.env.FACEID_NOTIFY_URL = `${notify.url}/notify`;
});
afterEach(async () => {
  await notify.close();
  await h.close();
});

/** Polls until the probe answers; the deadline only catches what never comes, far above a loaded machine's delay. */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const post = (body: string, type = 'application/x-www-form-urlencoded') =>
  fetch(`${notify.url}/notify`, { method: 'POST', headers: { 'content-type': type }, body });

describe('faceidNotify (fidlite, end to end through the sandbox)', () => {
  it('updates the record when the sandbox notifies the end of a flow, even if the user closed the mini-program', async () => {
    const token = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'idcard',
      idcardName: '王五',
      idcardNumber: '11010519491231002X',
    });
    await completeFlow(h.sandbox.url, token.bizToken, 'PASS_LIVING_NOT_THE_SAME');
    const record = await waitFor(async () => {
      const r = await h.record(token.bizNo);
      return r?.status === 'finished' ? r : undefined;
    });
    expect(record).toMatchObject({ result: { outcome: 'not_same_person', resultCode: 2000 } });
    await h.sandbox.settleNotifies();
    expect(h.sandbox.notifies()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ biz_token: token.bizToken, status: 'delivered', http_status: 200 }),
      ]),
    );
    expect(await h.call<Answer>('getResult', { bizToken: token.bizToken })).toMatchObject({
      outcome: 'not_same_person',
    });
    expect(h.upstream.calls('/lite/v1/get_result')).toHaveLength(1);
  });

  it('never takes the outcome from the body: a forged notify cannot change a record', async () => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
    const forged = new URLSearchParams({
      data: JSON.stringify({ biz_token: token.bizToken, error_code: 1000, error_msg: 'SUCCESS' }),
    });
    const res = await post(forged.toString());
    expect(res.status).toBe(200);
    expect(await h.record(token.bizNo)).toMatchObject({ status: 'issued' });
    expect((await h.call<Answer>('getResult', { bizToken: token.bizToken })).outcome).toBe('not_started');
  });

  it('is idempotent: a repeated notify for a finished record makes no upstream call', async () => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
    await completeFlow(h.sandbox.url, token.bizToken, 'SUCCESS');
    await waitFor(async () => ((await h.record(token.bizNo))?.status === 'finished' ? true : undefined));
    const calls = h.upstream.calls('/lite/v1/get_result').length;
    const again = new URLSearchParams({
      data: JSON.stringify({ biz_token: token.bizToken, error_code: 1000, error_msg: 'SUCCESS' }),
    });
    expect((await post(again.toString())).status).toBe(200);
    expect((await post(again.toString())).status).toBe(200);
    expect(h.upstream.calls('/lite/v1/get_result')).toHaveLength(calls);
  });

  it.each([
    ['data=not-json', 400],
    [`data=${encodeURIComponent(JSON.stringify({ error_code: 1000 }))}`, 400],
    [`data=${encodeURIComponent(JSON.stringify({ biz_token: '1,unknown' }))}`, 404],
  ])('answers %s with %i', async (body, status) => {
    expect((await post(body)).status).toBe(status);
  });

  it('answers 405 to GET and 503 when FaceID is down, so FaceID tries again later', async () => {
    expect((await fetch(`${notify.url}/notify`)).status).toBe(405);
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
    h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_result', times: 3 } as never);
    const body = new URLSearchParams({ data: JSON.stringify({ biz_token: token.bizToken }) });
    expect((await post(body.toString())).status).toBe(503);
  });
});

describe('faceidNotify is bounded', () => {
  it(`200 notifies of a live token make at most one get_result call per ${NOTIFY_READ_INTERVAL_MS / 1000} s`, async () => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr' });
    const body = new URLSearchParams({ data: JSON.stringify({ biz_token: token.bizToken }) }).toString();
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: 200 }, async () => (await post(body)).status));
    const elapsed = Date.now() - started;
    expect(new Set(statuses)).toEqual(new Set([200]));
    const calls = h.upstream.calls('/lite/v1/get_result').length;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(1 + Math.ceil(elapsed / NOTIFY_READ_INTERVAL_MS));
    expect(await h.record(token.bizNo)).toMatchObject({ status: 'issued' });
  });

  it('an unknown token costs one database read and no upstream call', async () => {
    const body = new URLSearchParams({
      data: JSON.stringify({ biz_token: 'never-issued-token' }),
    }).toString();
    expect((await post(body)).status).toBe(404);
    h.cloud.cloudbase.resetRequestCounts();
    expect((await post(body)).status).toBe(404);
    expect(h.cloud.cloudbase.requestCounts()).toEqual({ 'database.getDocument': 1 });
    expect(h.upstream.requests).toHaveLength(0);
  });
});

describe('faceidNotify from the cloud console', () => {
  it('accepts the README test event (a plain, not base64, body)', async () => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
    await completeFlow(h.sandbox.url, token.bizToken, 'SUCCESS');
    const event = {
      httpMethod: 'POST',
      path: '/faceidNotify',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `data=${encodeURIComponent(JSON.stringify({ biz_token: token.bizToken }))}`,
    };
    expect(await h.call<Answer>('faceidNotify', event, null)).toMatchObject({
      statusCode: 200,
      body: 'success',
    });
    expect(await h.record(token.bizNo)).toMatchObject({
      status: 'finished',
      result: { outcome: 'passed' },
    });
  });
});
