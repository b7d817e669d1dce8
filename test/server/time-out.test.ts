import { declarationOf } from '../../pipeline/functions-manifest';
import { CloudFunctionError } from '../../dev/local-cloud/functions';
import { CONSENT, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
afterEach(() => h.setTimeout('getBizToken', undefined));

/**
 * A time-out that a warm instance reaches FaceID well within even on a loaded 2-core machine, and a FaceID answer
 * that comes long after it.
 */
const SHORT_TIMEOUT_MS = 3000;
const SLOW_FACEID_MS = 9000;

/** Loads the function and its SDK in an instance, as an earlier invocation would have. */
async function warmUp(): Promise<void> {
  expect(await h.call('getBizToken', { ...CONSENT, mode: 'none' }, 'o-warm')).toMatchObject({ ok: false });
}

describe('the declared time-out of a cloud function', () => {
  it('is read from cloudbaserc.json', () => {
    expect(h.cloud.functions.timeoutMs('getBizToken')).toBe(declarationOf('getBizToken').timeout * 1000);
    expect(h.cloud.functions.timeoutMs('purgeVerifications')).toBe(60_000);
  });

  it('stops an invocation that runs past it: the caller gets the platform failure, the record written before stays', async () => {
    await warmUp();
    h.setTimeout('getBizToken', SHORT_TIMEOUT_MS);
    h.sandbox.injectFault({
      kind: 'latency',
      ms: SLOW_FACEID_MS,
      path: '/lite/v1/get_biz_token',
      times: 1,
    } as never);
    const paidCalls = h.upstream.calls('/lite/v1/get_biz_token').length;
    const failure = await h.call('getBizToken', { ...CONSENT, mode: 'ocr' }, 'o-slow').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CloudFunctionError);
    expect(failure).toMatchObject({ errCode: -504003, errMsg: 'Invoking task timed out after 3 seconds' });
    expect(h.upstream.calls('/lite/v1/get_biz_token')).toHaveLength(paidCalls + 1);

    const [record] = await h.store().listByOpenid('o-slow', { limit: 10, skip: 0 });
    expect(record).toMatchObject({ openid: 'o-slow', mode: 'ocr', status: 'requesting' });
    expect(record).not.toHaveProperty('bizToken');
    // The instance was stopped mid-call: nothing more is written once the sandbox answers.
    await new Promise((done) => setTimeout(done, SLOW_FACEID_MS - SHORT_TIMEOUT_MS + 500));
    expect((await h.store().getById(record._id))?.status).toBe('requesting');
  });

  it('a retry of the stopped bizNo works once the attempt is older than the time-out (no "in progress" forever)', async () => {
    await warmUp();
    h.setTimeout('getBizToken', SHORT_TIMEOUT_MS);
    h.sandbox.injectFault({
      kind: 'latency',
      ms: SLOW_FACEID_MS,
      path: '/lite/v1/get_biz_token',
      times: 1,
    } as never);
    const event = { ...CONSENT, mode: 'ocr', bizNo: 'order-stopped' };
    await expect(h.call('getBizToken', event, 'o-slow-3')).rejects.toMatchObject({ errCode: -504003 });
    h.setTimeout('getBizToken', undefined);
    expect(await h.call('getBizToken', event, 'o-slow-3')).toMatchObject({
      ok: false,
      error: { code: 'SERVICE_BUSY' },
    });
    await h.ageRecord(
      'order-stopped',
      { requestedAt: Date.now() - declarationOf('getBizToken').timeout * 1000 - 1 },
      'o-slow-3',
    );
    expect(await h.call('getBizToken', event, 'o-slow-3')).toMatchObject({
      ok: true,
      bizNo: 'order-stopped',
    });
    expect(await h.record('order-stopped', 'o-slow-3')).toMatchObject({ status: 'issued', attempt: 2 });
  });

  it('serves the next invocation from a fresh instance', async () => {
    h.setTimeout('getBizToken', 400);
    h.sandbox.injectFault({ kind: 'latency', ms: 2000, path: '/lite/v1/get_biz_token', times: 1 } as never);
    await expect(h.call('getBizToken', { ...CONSENT, mode: 'ocr' }, 'o-slow-2')).rejects.toMatchObject({
      errCode: -504003,
    });
    h.setTimeout('getBizToken', undefined);
    await expect(h.call('getBizToken', { ...CONSENT, mode: 'ocr' }, 'o-slow-2')).resolves.toMatchObject({
      ok: true,
    });
  });
});
