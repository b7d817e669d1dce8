/** The cloud functions (bundles) with each Megvii product behind FACEID_PROVIDER, against the sandbox. */
import { liteNotifySign } from '../support/megvii-sign';
import { serveHttpFunction } from '../../dev/local-cloud/http-access';
import { JPEG_FIXTURE } from '../../dev/sandbox';
import { CONSENT, startHarness, type Harness } from '../support/harness';
import { finishH5, formOf } from '../support/megvii';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ID = { idcardName: '张三', idcardNumber: '11010519491231002X' };
let h: Harness;

async function withProvider(provider: string, prefix = ''): Promise<void> {
  h = await startHarness({ FACEID_PROVIDER: provider });
  Object.assign(process.env, {
    FACEID_API_KEY: h.sandbox.apiKey,
    FACEID_API_SECRET: h.sandbox.apiSecret,
    FACEID_BASE_URL: `${h.upstream.url}${prefix}`,
  });
  delete process.env.FACEID_APPCODE;
}
afterEach(async () => {
  for (const key of ['FACEID_API_KEY', 'FACEID_API_SECRET']) delete process.env[key];
  await h.close();
});

const photo = (): Promise<string> => h.uploadPhoto(JPEG_FIXTURE.buffer);

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

describe('getBizToken answers the client each product needs', () => {
  it('megvii-lite: an H5 address, biz_id kept as the result handle', async () => {
    await withProvider('megvii-lite');
    const answer = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'idcard', ...ID });
    expect(answer).toMatchObject({
      ok: true,
      provider: 'megvii-lite',
      client: { kind: 'h5', url: `${h.upstream.url}/faceid/lite/do?token=${answer.bizToken}` },
    });
    expect(await h.record(answer.bizNo)).toMatchObject({
      resultRef: expect.stringMatching(/^\d+,/),
    });
    expect(h.upstream.calls('/faceid/lite/get_token')).toHaveLength(1);
  });

  it('megvii-overseas: an H5 address on the idn host; liveness-only is offered', async () => {
    await withProvider('megvii-overseas', '/idn');
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'liveness',
      options: { language: 'en' },
    });
    expect(answer).toMatchObject({
      ok: true,
      client: { kind: 'h5', url: expect.stringContaining('/idn/faceid/lite/do?token=') },
    });
    const ref = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'reference',
      imageRef1: await photo(),
    });
    expect(ref).toMatchObject({ ok: true, client: { kind: 'h5' } });
  });

  it('megvii-app: an SDK token, with the raw_image face photo from the caller’s folder', async () => {
    await withProvider('megvii-app');
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'idcard',
      ...ID,
      options: { livenessType: 'still' },
    });
    expect(answer).toMatchObject({ ok: true, client: { kind: 'sdk', token: answer.bizToken } });
    const raw = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'idcard',
      ...ID,
      image: await photo(),
      options: { livenessType: 'raw_image', faceQualityThreshold: 40 },
    });
    expect(raw).toMatchObject({ ok: true, client: { kind: 'sdk' } });
    const sent = h.upstream.calls('/faceid/v3/sdk/get_biz_token')[1];
    expect(sent.body.toString('latin1')).toMatch(/name="image"; filename="image.jpg"/);
    expect((await h.call<Answer>('getResult', { bizToken: answer.bizToken })).error).toMatchObject({
      code: 'INVALID_EVENT',
      retryable: false,
    });
  });

  it('megvii-raw: an SDK token that lives life_time minutes', async () => {
    await withProvider('megvii-raw', '/sgp');
    const before = Date.now();
    const answer = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      ...CONSENT,
      mode: 'reference',
      imageRef1: await photo(),
      options: { lifeTime: 10 },
    });
    expect(answer).toMatchObject({ ok: true, client: { kind: 'sdk', token: answer.bizToken } });
    expect(answer.expiresAt).toBeGreaterThanOrEqual(before + 10 * 60_000);
    expect(answer.expiresAt).toBeLessThan(before + 11 * 60_000);
  });
});

describe("the person's locale becomes the product's language option", () => {
  const languagesSent = async (path: string) =>
    Promise.all(h.upstream.calls(path).map(async (call) => (await formOf(call)).fields.language));

  it('megvii-overseas: the locale as its word; an option the caller gives wins', async () => {
    await withProvider('megvii-overseas', '/idn');
    for (const event of [{ locale: 'zh' }, { locale: 'en' }, { locale: 'en', options: { language: 'id' } }])
      expect(await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'liveness', ...event })).toMatchObject({
        ok: true,
      });
    expect(await languagesSent('/idn/faceid/lite/get_token')).toEqual(['zh', 'en', 'id']);
  });

  it('megvii-raw: 1 for Chinese, 0 for English', async () => {
    await withProvider('megvii-raw', '/sgp');
    for (const locale of ['zh', 'en'])
      expect(
        await h.call<Answer>('getBizToken', {
          ...CONSENT,
          mode: 'reference',
          imageRef1: await photo(),
          locale,
        }),
      ).toMatchObject({ ok: true });
    expect(await languagesSent('/sgp/faceid/lite/raw/get_token')).toEqual(['1', '0']);
  });

  it('megvii-lite takes no language option: the locale is accepted and nothing is added', async () => {
    await withProvider('megvii-lite');
    expect(await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', locale: 'en' })).toMatchObject({
      ok: true,
    });
    expect(await languagesSent('/faceid/lite/get_token')).toEqual([undefined]);
  });

  it('a locale the mini-program has no copy for is INVALID_EVENT:locale before any call', async () => {
    await withProvider('megvii-overseas', '/idn');
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'liveness', locale: 'fr' })).error,
    ).toMatchObject({ code: 'INVALID_EVENT', param: 'locale' });
    expect(h.upstream.requests).toHaveLength(0);
  });
});

describe('what is refused before any call', () => {
  it.each([
    ['megvii-lite', { mode: 'liveness' }, ''],
    ['megvii-app', { mode: 'liveness' }, ''],
    ['megvii-raw', { mode: 'liveness' }, '/sgp'],
    ['megvii-raw', { mode: 'ocr' }, '/sgp'],
    ['megvii-overseas', { mode: 'idcard', ...ID }, '/idn'],
  ])('%s refuses %j with INVALID_EVENT:mode', async (provider, event, prefix) => {
    await withProvider(provider, prefix);
    expect((await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, ...event })).error).toMatchObject({
      code: 'INVALID_EVENT',
      param: 'mode',
    });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it("options are checked once, by the product's table: a key it does not take is INVALID_EVENT options.<key>, any value its rule refuses (of the wrong type, misshapen or out of range) BAD_ARGUMENTS naming the field", async () => {
    await withProvider('megvii-lite');
    const call = (options: unknown) =>
      h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr', options });
    for (const [options, code, param] of [
      [{ colour: 1 }, 'INVALID_EVENT', 'options.colour'],
      [{ securityLevel: 2 }, 'INVALID_EVENT', 'options.securityLevel'],
      [{ webTitle: 5 }, 'BAD_ARGUMENTS', 'web_title'],
      [{ webTitle: { zh: '认证' } }, 'BAD_ARGUMENTS', 'web_title'],
      [{ webTitle: 'x'.repeat(33) }, 'BAD_ARGUMENTS', 'web_title'],
      [{ idcardMode: '1' }, 'BAD_ARGUMENTS', 'idcard_mode'],
      [{ procedureType: 'flash' }, 'BAD_ARGUMENTS', 'procedure_type'],
      [{ procedureType: ['selfie'] }, 'BAD_ARGUMENTS', 'procedure_type'],
      [['selfie'], 'INVALID_EVENT', 'options'],
      ['selfie', 'INVALID_EVENT', 'options'],
    ] as const) {
      expect({ options, error: (await call(options)).error }).toMatchObject({
        options,
        error: { code, param, message: expect.stringMatching(/[\u4e00-\u9fa5]/) },
      });
    }
    expect(h.upstream.requests).toHaveLength(0);
    expect((await call({ procedureType: 'selfie', webTitle: '认证', sceneId: null })).ok).toBe(true);
  });

  it.each(['FACEID_API_KEY', 'FACEID_API_SECRET'])('CONFIG_MISSING naming %s, with no call', async (name) => {
    await withProvider('megvii-app');
    delete process.env[name];
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'idcard', ...ID })).error,
    ).toMatchObject({
      code: 'CONFIG_MISSING',
      param: name,
    });
    expect(h.upstream.requests).toHaveLength(0);
  });
});

describe('megvii-lite results: 3 get_result calls a day per verification, never more', () => {
  it("the deliverResults timer re-pulls a flow that ended without a notify, and never spends the notify's call", async () => {
    await withProvider('megvii-lite');
    const ended = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'idcard',
      ...ID,
      bizNo: 'lite-ended',
    });
    await finishH5(ended.client.url, 'PASS');
    const open = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', bizNo: 'lite-open' });
    const earlier = Date.now() - 60 * 60 * 1000;
    for (const bizNo of ['lite-ended', 'lite-open']) await h.ageRecord(bizNo, { createdAt: earlier });
    for (let run = 0; run < 4; run++) {
      await h.call<Answer>('deliverResults', {}, null);
      // As if the timer's next runs came half an hour apart.
      if ((await h.record('lite-open'))?.status === 'issued')
        await h.ageRecord('lite-open', { lastReadAt: earlier });
    }
    expect(await h.record('lite-ended')).toMatchObject({ status: 'finished', result: { outcome: 'passed' } });
    expect(await h.record('lite-open')).toMatchObject({
      status: 'issued',
      resultCalls: { count: 2 },
      lastResult: { outcome: 'not_started' },
    });
    expect(h.upstream.calls('/faceid/lite/get_result')).toHaveLength(3);
    expect(open.bizToken).toBeDefined();
  });

  it('polling 10 times before the end makes one call: the answer is shared while it is fresh', async () => {
    await withProvider('megvii-lite');
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
    for (let i = 0; i < 10; i++) {
      expect(await h.call<Answer>('getResult', { bizToken: token.bizToken })).toMatchObject({
        ok: true,
        outcome: 'not_started',
        finished: false,
      });
    }
    expect(h.upstream.calls('/faceid/lite/get_result')).toHaveLength(1);
    expect(await h.record(token.bizNo)).toMatchObject({
      resultCalls: { count: 1 },
      lastResult: { outcome: 'not_started' },
    });
  });

  it('a final answer is stored: polled 10 times after the end, one call', async () => {
    await withProvider('megvii-lite');
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'idcard', ...ID });
    await finishH5(token.client.url, 'PASS');
    for (let i = 0; i < 10; i++) {
      expect(await h.call<Answer>('getResult', { bizToken: token.bizToken })).toMatchObject({
        outcome: 'passed',
        resultCode: 1000,
        finished: true,
      });
    }
    expect(h.upstream.calls('/faceid/lite/get_result')).toHaveLength(1);
  });

  it('a failing call counts too (no retries inside the budget); with nothing stored the answer is RATE_LIMITED', async () => {
    await withProvider('megvii-lite');
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
    h.sandbox.injectFault({
      kind: 'status',
      status: 500,
      path: '/faceid/lite/get_result',
      times: 3,
    } as never);
    // Page reads may spend 2 of the day's 3 calls; the last is left to FaceID's notify.
    for (let i = 0; i < 2; i++) {
      expect((await h.call<Answer>('getResult', { bizToken: token.bizToken })).error.code).toBe(
        'INTERNAL_ERROR',
      );
    }
    expect((await h.call<Answer>('getResult', { bizToken: token.bizToken })).error.code).toBe('RATE_LIMITED');
    expect(h.upstream.calls('/faceid/lite/get_result')).toHaveLength(2);
  });
});

describe('megvii-lite notify', () => {
  let notify: Awaited<ReturnType<typeof serveHttpFunction>>;
  beforeEach(async () => {
    await withProvider('megvii-lite');
    notify = await serveHttpFunction(h.cloud, 'faceidNotify');
    process.env.FACEID_NOTIFY_URL = `${notify.url}/notify`;
  });
  afterEach(() => notify.close());

  const post = (fields: Record<string, string>) =>
    fetch(`${notify.url}/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  it('the sandbox’s signed notify updates the record (outcome read with get_result)', async () => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'idcard', ...ID });
    await finishH5(token.client.url, 'NOT_SAME');
    const record = await waitFor(async () => {
      const r = await h.record(token.bizNo);
      return r?.status === 'finished' ? r : undefined;
    });
    expect(record).toMatchObject({ result: { outcome: 'not_same_person', resultCode: 2000 } });
    expect(h.upstream.calls('/faceid/lite/get_result')).toHaveLength(1);
  });

  it('a notify with a bad signature is refused with 403 and changes nothing', async () => {
    const token = await h.call<Answer>('getBizToken', { ...CONSENT, ...CONSENT, mode: 'ocr' });
    const record = await h.store().getByBizToken(token.bizToken);
    const data = JSON.stringify({ status: 'OK', biz_info: { biz_id: record?.resultRef } });
    expect((await post({ data, sign: liteNotifySign('wrong-secret', data) })).status).toBe(403);
    expect((await post({ data })).status).toBe(403);
    expect(h.upstream.calls('/faceid/lite/get_result')).toHaveLength(0);
    const good = await post({ data, sign: liteNotifySign(h.sandbox.apiSecret, data) });
    expect(good.status).toBe(200);
    expect(await h.record(token.bizNo)).toMatchObject({
      status: 'issued',
      resultCalls: { count: 1 },
    });
  });
});
