/** The sandbox's Megvii endpoints as clients see them: seed formats, tokens, the H5 page, notifies, control. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { liteNotifySign } from '../support/megvii-sign';
import { megviiSign } from '../../server/providers/megvii-sign';
import { JPEG_FIXTURE, makePng, type Sandbox } from '../../dev/sandbox';
import { answer, start, type Json } from './helpers';

let sb: Sandbox;
beforeEach(async () => {
  sb = await start();
});
afterEach(() => sb.close());

function form(fields: Record<string, string>, files: Record<string, Buffer> = {}): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  for (const [k, v] of Object.entries(files))
    data.append(k, new Blob([new Uint8Array(v)], { type: 'image/jpeg' }), `${k}.jpg`);
  return data;
}
const post = async (path: string, body: FormData | URLSearchParams) =>
  answer(await fetch(`${sb.url}${path}`, { method: 'POST', body }));

const keys = (): Record<string, string> => ({ api_key: sb.apiKey, api_secret: sb.apiSecret });
const liteToken = (over: Record<string, string> = {}): Record<string, string> => ({
  ...keys(),
  return_url: 'https://example.invalid/return',
  notify_url: 'https://example.invalid/notify',
  biz_no: 'biz-1',
  comparison_type: '1',
  idcard_mode: '1',
  ...over,
});
const signNow = (over: { expireTime?: number; secret?: string; key?: string } = {}): string => {
  const c = Math.floor(sb.clock.now() / 1000);
  return megviiSign(over.secret ?? sb.apiSecret, {
    apiKey: over.key ?? sb.apiKey,
    expireTime: over.expireTime ?? c + 60,
    currentTime: c,
    rdm: '0123456789',
  });
};

describe('Lite get_token (docs/providers.md#doc-megvii-lite)', () => {
  it('answers token, biz_id and expired_time (Unix seconds, one hour)', async () => {
    const res = await post('/faceid/lite/get_token', form(liteToken()));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      request_id: expect.any(String),
      time_used: expect.any(Number),
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
      biz_id: expect.stringMatching(/^\d+,[0-9a-f-]{36}$/),
      expired_time: Math.floor((sb.clock.now() + 3_600_000) / 1000),
    });
  });

  it.each([
    [{ api_key: '' }, 400, 'MISSING_ARGUMENTS: api_key'],
    [{ api_secret: 'wrong' }, 403, 'AUTHENTICATION_ERROR'],
    [{ return_url: 'ftp://x' }, 400, 'BAD_ARGUMENTS: return_url'],
    [{ biz_no: '' }, 400, 'MISSING_ARGUMENTS: biz_no'],
    [{ web_title: 'x'.repeat(33) }, 400, 'BAD_ARGUMENTS: web_title'],
    [{ comparison_type: '2' }, 400, 'BAD_ARGUMENTS: comparison_type'],
    [{ idcard_mode: '5' }, 400, 'BAD_ARGUMENTS: idcard_mode'],
    [{ idcard_mode: '0' }, 400, 'MISSING_ARGUMENTS: idcard_name'],
    [{ idcard_mode: '0', idcard_name: '张三', idcard_number: '1' }, 400, 'INVALID_IDCARD_NUMBER'],
    [{ liveness_preferences: 'selfie_no_metadata_check' }, 400, 'BAD_ARGUMENTS: liveness_preferences'],
    [{ idcard_uneditable_field: 'idcard_name,x' }, 400, 'BAD_ARGUMENTS: idcard_uneditable_field'],
    [{ comparison_type: '0', uuid: 'u' }, 400, 'MISSING_ARGUMENTS: image_ref1'],
  ])('%j → %i %s in error_message', async (over, status, text) => {
    const res = await post('/faceid/lite/get_token', form(liteToken(over)));
    expect(res.status).toBe(status);
    expect(res.body).toEqual({
      request_id: expect.any(String),
      time_used: expect.any(Number),
      error_message: text,
    });
  });

  it('an unreadable reference photo is IMAGE_ERROR_UNSUPPORTED_FORMAT: image_ref1', async () => {
    const res = await post(
      '/faceid/lite/get_token',
      form(liteToken({ comparison_type: '0', uuid: 'u' }), { image_ref1: Buffer.from('not an image') }),
    );
    expect(res.body.error_message).toBe('IMAGE_ERROR_UNSUPPORTED_FORMAT: image_ref1');
  });

  it('unknown Lite paths answer 404 API_NOT_FOUND in error_message; overseas in error; Raw without request_id', async () => {
    expect((await answer(await fetch(`${sb.url}/faceid/lite/nope`))).body).toMatchObject({
      error_message: 'API_NOT_FOUND',
    });
    expect((await answer(await fetch(`${sb.url}/faceid/lite/get_token`))).status).toBe(404);
    expect((await answer(await fetch(`${sb.url}/idn/faceid/x`, { method: 'POST' }))).body).toMatchObject({
      error: 'API_NOT_FOUND',
    });
    const raw = await answer(await fetch(`${sb.url}/sgp/faceid/x`, { method: 'POST' }));
    expect(raw).toMatchObject({ status: 404, body: { error_message: 'API_NOT_FOUND' } });
    expect(raw.body).not.toHaveProperty('request_id');
    expect((await answer(await fetch(`${sb.url}/faceid/v3/x`, { method: 'POST' }))).body).toMatchObject({
      error: 'API_NOT_FOUND',
    });
  });
});

describe('overseas get_token (docs/providers.md#doc-megvii-overseas): per-row error fields', () => {
  const over = (o: Record<string, string>) =>
    post('/idn/faceid/lite/get_token', form({ ...liteToken({ comparison_type: '-1', uuid: 'u' }), ...o }));

  it('accepts comparison_type -1 and refuses 1', async () => {
    expect((await over({})).body.token).toMatch(/^[0-9a-f]{32}$/);
    expect((await over({ comparison_type: '1' })).body).toMatchObject({
      error_message: 'BAD_ARGUMENTS:comparison_type',
    });
  });

  it.each([
    [{ api_secret: 'x' }, 403, 'error', 'AUTHENTICATION_ERROR'],
    [{ uuid: '' }, 400, 'error_message', 'MISSING_ARGUMENTS:uuid'],
    [{ maximum_shooting_time: '61' }, 400, 'error_message', 'BAD_ARGUMENTS:maximum_shooting_time'],
    [{ action_http_method: 'PUT' }, 400, 'error_message', 'BAD_ARGUMENTS:action_http_method'],
    [{ fmp_mode: '2' }, 400, 'error_message', 'BAD_ARGUMENTS:fmp_mode'],
  ])('%j → %i %s %s', async (o, status, field, text) => {
    const res = await over(o);
    expect(res.status).toBe(status);
    expect(res.body[field]).toBe(text);
  });

  it('queued rows use the seed’s field: AUTHORIZATION_ERROR in error, CONCURRENCY_LIMIT_EXCEEDED in error_message', async () => {
    const queue = (error: string, param?: string) =>
      fetch(`${sb.url}/__sandbox/megvii/errors`, {
        method: 'POST',
        body: JSON.stringify({ path: '/idn/faceid/lite/get_token', error, param }),
      });
    await queue('AUTHORIZATION_ERROR', 'Denied.');
    await queue('CONCURRENCY_LIMIT_EXCEEDED');
    expect((await over({})).body).toMatchObject({ error: 'AUTHORIZATION_ERROR:Denied.' });
    const second = await over({});
    expect(second).toMatchObject({ status: 403, body: { error_message: 'CONCURRENCY_LIMIT_EXCEEDED' } });
    expect((await over({})).status).toBe(200);
  });
});

describe('App get_biz_token (docs/providers.md#doc-megvii-app): v3 sign', () => {
  const app = (fields: Record<string, string>, files: Record<string, Buffer> = {}) =>
    post(
      '/faceid/v3/sdk/get_biz_token',
      form(
        {
          sign_version: 'hmac_sha1',
          liveness_type: 'still',
          comparison_type: '1',
          idcard_name: '张三',
          idcard_number: '11010519491231002X',
          ...fields,
        },
        files,
      ),
    );

  it('issues a biz_token for a valid sign', async () => {
    expect((await app({ sign: signNow() })).body).toEqual({
      request_id: expect.any(String),
      time_used: expect.any(Number),
      biz_token: expect.stringMatching(/^\d+,/),
    });
  });

  it.each([
    [() => ({ sign: '' }), 400, 'MISSING_ARGUMENTS: sign'],
    [() => ({ sign: signNow(), sign_version: 'md5' }), 400, 'BAD_ARGUMENTS: sign_version'],
    [() => ({ sign: 'garbage' }), 403, 'AUTHORIZATION_ERROR: INVALID_SIGN'],
    [() => ({ sign: signNow({ secret: 'other' }) }), 403, 'AUTHORIZATION_ERROR: INVALID_SIGN'],
    [() => ({ sign: signNow({ key: 'other-key', secret: 'x' }) }), 403, 'AUTHENTICATION_ERROR'],
    [() => ({ sign: signNow({ expireTime: 1 }) }), 403, 'AUTHORIZATION_ERROR: EXPIRED_SIGN'],
    [() => ({ sign: signNow(), liveness_type: 'flash' }), 400, 'BAD_ARGUMENTS: liveness_type'],
    [() => ({ sign: signNow(), liveness_type: 'raw_image' }), 400, 'MISSING_ARGUMENTS: image'],
    [() => ({ sign: signNow(), liveness_timeout: '4' }), 400, 'BAD_ARGUMENTS: liveness_timeout'],
    [() => ({ sign: signNow(), security_level: '5' }), 400, 'BAD_ARGUMENTS: security_level'],
    [() => ({ sign: signNow(), comparison_type: '0', uuid: 'u'.repeat(129) }), 400, 'BAD_ARGUMENTS: uuid'],
  ])('case %# → %i %s in error', async (fields, status, text) => {
    const res = await app(fields());
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(text);
  });

  it('a single-use sign (expire_time 0) works once, then EXPIRED_SIGN', async () => {
    const sign = signNow({ expireTime: 0 });
    expect((await app({ sign })).status).toBe(200);
    expect((await app({ sign })).body.error).toBe('AUTHORIZATION_ERROR: EXPIRED_SIGN');
  });

  it('image errors: unreadable, wider than 4096 px (INVALID_IMAGE_SIZE<param>, as the seed writes it)', async () => {
    const ref = { comparison_type: '0', uuid: 'u', sign: signNow() };
    expect((await app(ref, { image_ref1: Buffer.from('x') })).body.error).toBe(
      'IMAGE_ERROR_UNSUPPORTED_FORMAT:image_ref1',
    );
    expect((await app({ ...ref, sign: signNow() }, { image_ref1: makePng(4097, 1) })).body.error).toBe(
      'INVALID_IMAGE_SIZEimage_ref1',
    );
    expect((await app({ ...ref, sign: signNow() }, { image_ref1: JPEG_FIXTURE.buffer })).status).toBe(200);
  });
});

describe('Raw get_token (docs/providers.md#doc-megvii-raw)', () => {
  const raw = (
    over: Record<string, string>,
    files: Record<string, Buffer> = { image_ref1: JPEG_FIXTURE.buffer },
  ) =>
    post(
      '/sgp/faceid/lite/raw/get_token',
      form(
        { ...keys(), comparison_type: '0', uuid: 'u', max_upload_times: '5', life_time: '60', ...over },
        files,
      ),
    );

  it('answers the token, and biz_no only when it was sent; the token lives life_time minutes', async () => {
    const first = await raw({});
    expect(first.body).toEqual({
      request_id: expect.any(String),
      time_used: expect.any(Number),
      token: expect.any(String),
    });
    const second = await raw({ biz_no: 'b-7', life_time: '5' });
    expect(second.body).toMatchObject({ biz_no: 'b-7', token: expect.any(String) });
    const flow = (await answer(await fetch(`${sb.url}/__sandbox/megvii/flows/${second.body.token}`))).body;
    expect(flow.expiresAt - flow.issuedAt).toBe(5 * 60_000);
  });

  it.each([
    [{ max_upload_times: '' }, 'MISSING_ARGUMENTS:max_upload_times'],
    [{ max_upload_times: '6' }, 'BAD_ARGUMENTS:max_upload_times'],
    [{ life_time: '' }, 'MISSING_ARGUMENTS:life_time'],
    [{ life_time: '1441' }, 'BAD_ARGUMENTS:life_time'],
    [{ color_number: '5' }, 'BAD_ARGUMENTS:color_number'],
    [{ procedure_type: 'video' }, 'BAD_ARGUMENTS:procedure_type'],
    [{ comparison_type: '1' }, 'BAD_ARGUMENTS:comparison_type'],
    [{ language: '2' }, 'BAD_ARGUMENTS:language'],
    [{ liveness_preferences: 'video_strict' }, 'BAD_ARGUMENTS:liveness_preferences'],
  ])('%j → 400 %s in error_message', async (over, text) => {
    const res = await raw(over);
    expect(res).toMatchObject({ status: 400, body: { error_message: text } });
  });

  it('refuses a missing reference photo and a wrong key pair', async () => {
    expect((await raw({}, {})).body.error_message).toBe('MISSING_ARGUMENTS:image_ref1');
    expect(await raw({ api_key: 'x' })).toMatchObject({
      status: 403,
      body: { error_message: 'AUTHENTICATION_ERROR' },
    });
  });
});

describe('the H5 page, its finish step, get_result and the signed notify', () => {
  let receiver: Server;
  let received: Array<Record<string, string>>;
  let receiverUrl: string;
  beforeEach(async () => {
    received = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(Object.fromEntries(new URLSearchParams(body)));
        res.end('success');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
  });
  afterEach(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  async function issue(prefix = '', over: Record<string, string> = {}): Promise<Json> {
    const fields = prefix
      ? liteToken({ comparison_type: '-1', uuid: 'u', notify_url: receiverUrl, ...over })
      : liteToken({ notify_url: receiverUrl, biz_extra_data: 'extra', ...over });
    return (await post(`${prefix}/faceid/lite/get_token`, form(fields))).body;
  }

  it('opens once, ends with the chosen outcome, notifies with a valid sign and posts data+sign to return_url', async () => {
    const { token, biz_id } = await issue();
    const page = await fetch(`${sb.url}/faceid/lite/do?token=${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<select name="outcome">');
    expect(html).toContain('value="ATTACK"');
    expect((await fetch(`${sb.url}/faceid/lite/do?token=${token}`)).status).toBe(403);
    const done = await fetch(`${sb.url}/faceid/lite/do/finish`, {
      method: 'POST',
      body: new URLSearchParams({ token, outcome: 'NOT_SAME' }),
    });
    const back = await done.text();
    expect(back).toContain('<form id="return" method="POST" action="https://example.invalid/return">');
    expect(back).toContain('name="sign"');
    // The notify goes out after the answer: wait for its delivery, however busy the machine is.
    let notifies: Json[] = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      const res = await fetch(`${sb.url}/__sandbox/megvii/notifies`);
      ({ notifies } = (await res.json()) as { notifies: Json[] });
      if (received.length > 0 && notifies[0]?.status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(notifies).toEqual([
      expect.objectContaining({
        token,
        biz_id,
        status: 'delivered',
        http_status: 200,
        megvii_port_ok: false,
      }),
    ]);
    expect(received).toHaveLength(1);
    const { data, sign } = received[0];
    expect(sign).toBe(liteNotifySign(sb.apiSecret, data));
    expect(JSON.parse(data)).toMatchObject({
      status: 'OK',
      biz_info: { biz_id, biz_no: 'biz-1', biz_extra_data: 'extra' },
    });
    expect(
      (
        await fetch(`${sb.url}/faceid/lite/do/finish`, {
          method: 'POST',
          body: new URLSearchParams({ token }),
        })
      ).status,
    ).toBe(403);
  });

  it('an expired token cannot be opened; a flow finished after expiry ends as TIMEOUT', async () => {
    const late = await issue();
    sb.clock.advance(3_600_000);
    expect((await fetch(`${sb.url}/faceid/lite/do?token=${late.token}`)).status).toBe(403);
    const slow = await issue();
    await fetch(`${sb.url}/faceid/lite/do?token=${slow.token}`);
    sb.clock.advance(3_600_000);
    await fetch(`${sb.url}/faceid/lite/do/finish`, {
      method: 'POST',
      body: new URLSearchParams({ token: slow.token, outcome: 'PASS' }),
    });
    const result = await answer(
      await fetch(
        `${sb.url}/faceid/lite/get_result?${new URLSearchParams({ ...keys(), biz_id: slow.biz_id }).toString()}`,
      ),
    );
    expect(result.body.status).toBe('TIMEOUT');
  });

  it('get_result (GET or POST) answers status, biz_info, liveness_result, verify_result and images on request', async () => {
    const { token, biz_id } = await issue();
    const read = (extra: Record<string, string> = {}) =>
      post('/faceid/lite/get_result', form({ ...keys(), biz_id, ...extra }));
    expect((await read()).body).toMatchObject({ status: 'NOT_STARTED', biz_info: { biz_id } });
    await fetch(`${sb.url}/faceid/lite/do?token=${token}`);
    await fetch(`${sb.url}/faceid/lite/do/finish`, {
      method: 'POST',
      body: new URLSearchParams({ token, outcome: 'PASS' }),
    });
    const body = (await read({ return_image: '1' })).body;
    expect(body).toMatchObject({
      status: 'OK',
      liveness_result: { result: 'PASS', face_genuineness: expect.any(Object) },
      verify_result: { result_faceid: { confidence: expect.any(Number), thresholds: expect.any(Object) } },
      idcard_info: { idcard_name: '张三' },
      images: { image_best: expect.any(String) },
    });
    expect((await read()).body.status).toBe('OK');
    expect((await read()).body.error_message).toBe('AUTHORIZATION_ERROR: LIMIT_REACHED');
    expect(
      (await post('/faceid/lite/get_result', form({ ...keys(), biz_id: '1,unknown' }))).body.error_message,
    ).toBe('BAD_ARGUMENTS: biz_id');
  });

  it('overseas: the finish step returns with action_http_method GET; a non-loopback notify is skipped', async () => {
    const { token } = await issue('/idn', {
      action_http_method: 'GET',
      notify_url: 'https://example.invalid:8883/n',
    });
    await fetch(`${sb.url}/idn/faceid/lite/do?token=${token}`);
    const back = await (
      await fetch(`${sb.url}/idn/faceid/lite/do/finish`, {
        method: 'POST',
        body: new URLSearchParams({ token, outcome: 'CANCELLED' }),
      })
    ).text();
    expect(back).toContain('method="GET"');
    const { notifies } = (await (await fetch(`${sb.url}/__sandbox/megvii/notifies`)).json()) as {
      notifies: Json[];
    };
    expect(notifies).toEqual([expect.objectContaining({ status: 'skipped', megvii_port_ok: true })]);
    expect((await fetch(`${sb.url}/faceid/lite/do?token=${token}`)).status).toBe(403);
  });
});

describe('control API /__sandbox/megvii', () => {
  it('refuses unknown paths and rows, and reset forgets tokens', async () => {
    const queue = (body: unknown) =>
      fetch(`${sb.url}/__sandbox/megvii/errors`, { method: 'POST', body: JSON.stringify(body) });
    expect((await queue({ path: '/nope', error: 'INTERNAL_ERROR' })).status).toBe(400);
    expect((await queue({ path: '/faceid/lite/get_token', error: 'LOW_QUALITY' })).status).toBe(400);
    expect(
      (await queue({ path: '/faceid/v3/sdk/get_biz_token', error: 'LOW_QUALITY', times: 0 })).status,
    ).toBe(400);
    const { token } = (await post('/faceid/lite/get_token', form(liteToken()))).body;
    expect((await fetch(`${sb.url}/__sandbox/megvii/flows/${token}`)).status).toBe(200);
    expect((await fetch(`${sb.url}/__sandbox/megvii/reset`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${sb.url}/__sandbox/megvii/flows/${token}`)).status).toBe(404);
  });
});
