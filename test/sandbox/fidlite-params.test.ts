/** The fidlite document's get_biz_token parameter rules, APPCODE, account status, body limit and unknown paths. */
import { JPEG_FIXTURE, PNG_FIXTURE, type Sandbox } from '../../dev/sandbox';
import {
  APPCODE,
  answer,
  expectError,
  getBizToken,
  getResult,
  IDCARD_PARAMS,
  OCR_PARAMS,
  REF_PARAMS,
  REQUEST_ID,
  start,
  type Upload,
} from './helpers';

let sb: Sandbox;
beforeAll(async () => {
  sb = await start();
});
afterAll(() => sb.close());

const photo = { data: JPEG_FIXTURE.buffer };

describe('get_biz_token parameters (docs/providers.md#doc-fidlite)', () => {
  type Case = [
    label: string,
    base: Record<string, string>,
    change: Record<string, string | undefined>,
    error: string,
  ];
  const missing = (key: string) => `MISSING_ARGUMENTS:${key}`;
  const bad = (key: string) => `BAD_ARGUMENTS:${key}`;
  const cases: Case[] = [
    ['return_url absent', IDCARD_PARAMS, { return_url: undefined }, missing('return_url')],
    ['return_url empty', IDCARD_PARAMS, { return_url: '' }, missing('return_url')],
    ['return_url ftp', IDCARD_PARAMS, { return_url: 'ftp://example.invalid/r' }, bad('return_url')],
    ['return_url without scheme', IDCARD_PARAMS, { return_url: 'example.invalid/r' }, bad('return_url')],
    ['return_url scheme only', IDCARD_PARAMS, { return_url: 'https://' }, bad('return_url')],
    ['notify_url absent', IDCARD_PARAMS, { notify_url: undefined }, missing('notify_url')],
    ['notify_url relative', IDCARD_PARAMS, { notify_url: '/notify' }, bad('notify_url')],
    ['biz_no 129 bytes', IDCARD_PARAMS, { biz_no: 'b'.repeat(129) }, bad('biz_no')],
    ['biz_no 43 CJK chars (129 bytes)', IDCARD_PARAMS, { biz_no: '号'.repeat(43) }, bad('biz_no')],
    ['comparison_type absent', IDCARD_PARAMS, { comparison_type: undefined }, missing('comparison_type')],
    ['comparison_type 2', IDCARD_PARAMS, { comparison_type: '2' }, bad('comparison_type')],
    ['comparison_type text', IDCARD_PARAMS, { comparison_type: 'one' }, bad('comparison_type')],
    ['group 2', IDCARD_PARAMS, { group: '2' }, bad('group')],
    ['group 1.0', IDCARD_PARAMS, { group: '1.0' }, bad('group')],
    ['group abc', IDCARD_PARAMS, { group: 'abc' }, bad('group')],
    ['idcard_name absent', IDCARD_PARAMS, { idcard_name: undefined }, missing('idcard_name')],
    ['idcard_name 33 chars', IDCARD_PARAMS, { idcard_name: '张'.repeat(33) }, bad('idcard_name')],
    ['idcard_number absent', IDCARD_PARAMS, { idcard_number: undefined }, missing('idcard_number')],
    ['idcard_number 17 chars', IDCARD_PARAMS, { idcard_number: '11010519491231002' }, bad('idcard_number')],
    ['idcard_number 19 chars', IDCARD_PARAMS, { idcard_number: '11010519491231002X1' }, bad('idcard_number')],
    ['idcard_number X inside', IDCARD_PARAMS, { idcard_number: '1101051949123100X2' }, bad('idcard_number')],
    [
      'idcard_number letter end',
      IDCARD_PARAMS,
      { idcard_number: '11010519491231002Y' },
      bad('idcard_number'),
    ],
    ['idcard_threshold 1.01', OCR_PARAMS, { idcard_threshold: '1.01' }, bad('idcard_threshold')],
    ['idcard_threshold -0.1', OCR_PARAMS, { idcard_threshold: '-0.1' }, bad('idcard_threshold')],
    ['idcard_threshold abc', OCR_PARAMS, { idcard_threshold: 'abc' }, bad('idcard_threshold')],
    ['idcard_threshold 0.5.1', OCR_PARAMS, { idcard_threshold: '0.5.1' }, bad('idcard_threshold')],
    ['idcard_retry_time 0', OCR_PARAMS, { idcard_retry_time: '0' }, bad('idcard_retry_time')],
    ['idcard_retry_time 6', OCR_PARAMS, { idcard_retry_time: '6' }, bad('idcard_retry_time')],
    ['idcard_retry_time 2.5', OCR_PARAMS, { idcard_retry_time: '2.5' }, bad('idcard_retry_time')],
    ['idcard_retry_time abc', OCR_PARAMS, { idcard_retry_time: 'abc' }, bad('idcard_retry_time')],
    ['idcard_side 2', OCR_PARAMS, { idcard_side: '2' }, bad('idcard_side')],
    ['idcard_side -1', OCR_PARAMS, { idcard_side: '-1' }, bad('idcard_side')],
    ['liveness_type absent', IDCARD_PARAMS, { liveness_type: undefined }, missing('liveness_type')],
    ['liveness_type meglive', IDCARD_PARAMS, { liveness_type: 'meglive' }, bad('liveness_type')],
    ['liveness_type upper case', IDCARD_PARAMS, { liveness_type: 'VIDEO_NUMBER' }, bad('liveness_type')],
    ['security_level 0', IDCARD_PARAMS, { security_level: '0' }, bad('security_level')],
    ['security_level 4', IDCARD_PARAMS, { security_level: '4' }, bad('security_level')],
    ['security_level 2.5', IDCARD_PARAMS, { security_level: '2.5' }, bad('security_level')],
    ['liveness_preferences 0', IDCARD_PARAMS, { liveness_preferences: '0' }, bad('liveness_preferences')],
    ['liveness_preferences 3', IDCARD_PARAMS, { liveness_preferences: '3' }, bad('liveness_preferences')],
    ['liveness_retry_count 0', IDCARD_PARAMS, { liveness_retry_count: '0' }, bad('liveness_retry_count')],
    ['liveness_retry_count 6', IDCARD_PARAMS, { liveness_retry_count: '6' }, bad('liveness_retry_count')],
    ['liveness_retry_count 2.5', IDCARD_PARAMS, { liveness_retry_count: '2.5' }, bad('liveness_retry_count')],
    ['liveness_retry_count abc', IDCARD_PARAMS, { liveness_retry_count: 'abc' }, bad('liveness_retry_count')],
  ];

  it.each(cases)('%s → 400 %s', async (_label, base, change, error) => {
    const res = await getBizToken(sb, { ...base, ...change });
    expectError(res, 400, error);
    expect(res.body.biz_token).toBeUndefined();
  });

  type FileCase = [
    label: string,
    fields: Record<string, string | undefined>,
    files: Record<string, Upload>,
    error: string,
  ];
  const fileCases: FileCase[] = [
    ['uuid absent', { ...REF_PARAMS, uuid: undefined }, { image_ref1: photo }, missing('uuid')],
    ['uuid 129 bytes', { ...REF_PARAMS, uuid: 'u'.repeat(129) }, { image_ref1: photo }, bad('uuid')],
    ['image_ref1 absent', REF_PARAMS, {}, missing('image_ref1')],
    ['image_ref1 as a text field', REF_PARAMS, { image_ref1: 'aGVsbG8=' }, bad('image_ref1')],
    [
      'image_ref1 not an image',
      REF_PARAMS,
      { image_ref1: { data: Buffer.from('GIF89a....') } },
      bad('image_ref1'),
    ],
    ['image_ref1 empty file', REF_PARAMS, { image_ref1: { data: Buffer.alloc(0) } }, bad('image_ref1')],
    [
      'image_ref1 only a JPEG signature',
      REF_PARAMS,
      { image_ref1: { data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]) } },
      bad('image_ref1'),
    ],
    [
      'image_ref1 only a PNG signature',
      REF_PARAMS,
      { image_ref1: { data: PNG_FIXTURE.buffer.subarray(0, 12), type: 'image/png' } },
      bad('image_ref1'),
    ],
    [
      'image_ref2 not an image',
      REF_PARAMS,
      { image_ref1: photo, image_ref2: { data: Buffer.from('%PDF-1.4') } },
      bad('image_ref2'),
    ],
    [
      'image_ref1 not an image, also with comparison_type 1',
      IDCARD_PARAMS,
      { image_ref1: { data: Buffer.from('nope') } },
      bad('image_ref1'),
    ],
  ];

  it.each(fileCases)('%s → 400 %s', async (_label, fields, files, error) => {
    const res = await getBizToken(sb, fields, files);
    expectError(res, 400, error);
  });

  it('answers the seed example shape on success: request_id, time_used, biz_token', async () => {
    const res = await getBizToken(sb, IDCARD_PARAMS);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body)).toEqual(['request_id', 'time_used', 'biz_token']);
    expect(res.body.request_id).toMatch(REQUEST_ID);
    expect(res.body.time_used).toBeGreaterThanOrEqual(0);
    expect(res.body.biz_token).toMatch(/^\d+,[0-9a-f]{32}$/);
  });

  type Accepted = [
    label: string,
    fields: Record<string, string | undefined>,
    expected: Record<string, unknown>,
  ];
  const accepted: Accepted[] = [
    ['http:// URLs', { ...IDCARD_PARAMS, return_url: 'http://a', notify_url: 'HTTP://b' }, {}],
    ['biz_no of 128 bytes', { ...IDCARD_PARAMS, biz_no: 'b'.repeat(128) }, { biz_no: 'b'.repeat(128) }],
    ['biz_no of 42 CJK chars', { ...IDCARD_PARAMS, biz_no: '号'.repeat(42) }, { biz_no: '号'.repeat(42) }],
    ['no biz_no', { ...IDCARD_PARAMS, biz_no: undefined }, { biz_no: '' }],
    [
      'idcard_name of 32 chars',
      { ...IDCARD_PARAMS, idcard_name: '张'.repeat(32) },
      { has_idcard_data: true },
    ],
    ['lower-case x', { ...IDCARD_PARAMS, idcard_number: '11010519491231002x' }, { has_idcard_data: true }],
    ['OCR without name/number', OCR_PARAMS, { group: 1, has_idcard_data: false }],
    [
      'group 1 bad name ignored',
      { ...OCR_PARAMS, idcard_name: '张'.repeat(40), idcard_number: '1' },
      { group: 1 },
    ],
    [
      'defaults',
      IDCARD_PARAMS,
      {
        group: 0,
        idcard_side: 0,
        idcard_threshold: 0.8,
        idcard_retry_time: 3,
        security_level: 2,
        liveness_preferences: 1,
        liveness_retry_count: 3,
      },
    ],
    ['threshold 0', { ...OCR_PARAMS, idcard_threshold: '0' }, { idcard_threshold: 0 }],
    ['threshold 1', { ...OCR_PARAMS, idcard_threshold: '1' }, { idcard_threshold: 1 }],
    ['threshold .75', { ...OCR_PARAMS, idcard_threshold: '.75' }, { idcard_threshold: 0.75 }],
    ['retry_time 1', { ...OCR_PARAMS, idcard_retry_time: '1' }, { idcard_retry_time: 1 }],
    ['retry_time 5', { ...OCR_PARAMS, idcard_retry_time: '5' }, { idcard_retry_time: 5 }],
    ['idcard_side 1', { ...OCR_PARAMS, idcard_side: '1' }, { idcard_side: 1 }],
    ['security_level 1', { ...IDCARD_PARAMS, security_level: '1' }, { security_level: 1 }],
    ['security_level 3', { ...IDCARD_PARAMS, security_level: '3' }, { security_level: 3 }],
    ['liveness_preferences 2', { ...IDCARD_PARAMS, liveness_preferences: '2' }, { liveness_preferences: 2 }],
    ['liveness_retry_count 1', { ...IDCARD_PARAMS, liveness_retry_count: '1' }, { liveness_retry_count: 1 }],
    ['liveness_retry_count 5', { ...IDCARD_PARAMS, liveness_retry_count: '5' }, { liveness_retry_count: 5 }],
  ];

  it.each(accepted)('accepts %s', async (_label, fields, expected) => {
    const res = await getBizToken(sb, fields);
    expect(res.status).toBe(200);
    expect(sb.flow(res.body.biz_token as string)).toMatchObject(expected);
  });

  it.each([
    ['a JPEG', { image_ref1: photo }, ['ref1']],
    ['a PNG', { image_ref1: { data: PNG_FIXTURE.buffer, type: 'image/png', filename: 'a.png' } }, ['ref1']],
    [
      'two photos',
      { image_ref1: photo, image_ref2: { data: PNG_FIXTURE.buffer, type: 'image/png' } },
      ['ref1', 'ref2'],
    ],
  ])('accepts reference photos: %s', async (_label, files, refs) => {
    const res = await getBizToken(sb, { ...REF_PARAMS, uuid: 'u'.repeat(128) }, files);
    expect(res.status).toBe(200);
    expect(sb.flow(res.body.biz_token as string)).toMatchObject({ comparison_type: 0, image_refs: refs });
  });

  it('comparison_type 0 ignores group and ID-card fields', async () => {
    const res = await getBizToken(
      sb,
      { ...REF_PARAMS, group: '1', idcard_number: 'x' },
      { image_ref1: photo },
    );
    expect(res.status).toBe(200);
    expect(sb.flow(res.body.biz_token as string)).toMatchObject({ group: 0, comparison_type: 0 });
  });

  it('multipart bodies follow the same rules as urlencoded ones', async () => {
    const res = await getBizToken(sb, { ...IDCARD_PARAMS, security_level: '9' }, { image_ref1: photo });
    expectError(res, 400, 'BAD_ARGUMENTS:security_level');
  });

  it('a JSON body carries no form fields, so return_url is missing', async () => {
    const res = await answer(
      await fetch(`${sb.url}/lite/v1/get_biz_token`, {
        method: 'POST',
        headers: { Authorization: `APPCODE ${APPCODE}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(IDCARD_PARAMS),
      }),
    );
    expectError(res, 400, 'MISSING_ARGUMENTS:return_url');
  });

  it('never keeps the name or ID number in the flow state', async () => {
    const res = await getBizToken(sb, IDCARD_PARAMS);
    const state = JSON.stringify(sb.flow(res.body.biz_token as string));
    expect(state).not.toContain(IDCARD_PARAMS.idcard_name);
    expect(state).not.toContain(IDCARD_PARAMS.idcard_number);
  });
});

describe('APPCODE', () => {
  it.each([
    ['a wrong code', { Authorization: 'APPCODE wrong' }],
    ['no header', {}],
    ['another scheme', { Authorization: `Bearer ${APPCODE}` }],
    ['the code alone', { Authorization: APPCODE }],
  ])('get_biz_token with %s → 403 Invalid AppCode', async (_label, headers) => {
    const res = await answer(
      await fetch(`${sb.url}/lite/v1/get_biz_token`, {
        method: 'POST',
        headers,
        body: new URLSearchParams(IDCARD_PARAMS),
      }),
    );
    expectError(res, 403, 'AUTHORIZATION_ERROR:INVALID_APPCODE');
    expect(res.headers.get('x-ca-error-message')).toBe('Invalid AppCode');
  });

  it('get_result checks it too, before the token', async () => {
    const res = await getResult(sb, '1,unknown', 'wrong');
    expectError(res, 403, 'AUTHORIZATION_ERROR:INVALID_APPCODE');
  });

  it('is checked before parameters', async () => {
    const res = await getBizToken(sb, {}, {}, 'wrong');
    expectError(res, 403, 'AUTHORIZATION_ERROR:INVALID_APPCODE');
  });
});

describe('account status', () => {
  afterEach(() => sb.setAccountStatus(null));

  it.each(['NON_ENTERPRISE_CERTIFICATION', 'BALANCE_NOT_ENOUGH', 'ACCOUNT_DISABLED'] as const)(
    '%s → 403 AUTHORIZATION_ERROR:<status> until cleared',
    async (status) => {
      sb.setAccountStatus(status);
      expectError(await getBizToken(sb, IDCARD_PARAMS), 403, `AUTHORIZATION_ERROR:${status}`);
      sb.setAccountStatus(null);
      expect((await getBizToken(sb, IDCARD_PARAMS)).status).toBe(200);
    },
  );

  it('is set and cleared over HTTP, and unknown statuses are refused', async () => {
    const set = await answer(
      await fetch(`${sb.url}/__sandbox/account`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'BALANCE_NOT_ENOUGH' }),
      }),
    );
    expect(set.body).toEqual({ ok: true, status: 'BALANCE_NOT_ENOUGH' });
    expectError(await getBizToken(sb, IDCARD_PARAMS), 403, 'AUTHORIZATION_ERROR:BALANCE_NOT_ENOUGH');
    const refused = await fetch(`${sb.url}/__sandbox/account`, {
      method: 'POST',
      body: '{"status":"BROKE"}',
    });
    expect(refused.status).toBe(400);
    await fetch(`${sb.url}/__sandbox/account`, { method: 'POST', body: '{"status":null}' });
    expect((await getBizToken(sb, IDCARD_PARAMS)).status).toBe(200);
    expect(() => sb.setAccountStatus('BROKE' as never)).toThrow(RangeError);
  });

  it('does not affect get_result of existing tokens', async () => {
    const res = await getBizToken(sb, IDCARD_PARAMS);
    sb.setAccountStatus('ACCOUNT_DISABLED');
    expect((await getResult(sb, res.body.biz_token as string)).body.result_code).toBe('9000');
  });
});

describe('body size limit: 20 MB (20971520 bytes)', () => {
  const post = (body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}) =>
    fetch(`${sb.url}/lite/v1/get_biz_token`, {
      method: 'POST',
      headers: { Authorization: `APPCODE ${APPCODE}`, ...headers },
      body,
      duplex: 'half',
    });

  it('answers 413 text/plain for a multipart body over the limit', async () => {
    const res = await getBizToken(sb, REF_PARAMS, {
      image_ref1: { data: Buffer.alloc(21 * 1024 * 1024, 0xff) },
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('Request Entity Too Large');
  });

  it('answers 413 for a streamed body without Content-Length as it passes the limit', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 25) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await post(stream, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('Request Entity Too Large');
  });

  it('takes a body of exactly 20971520 bytes and refuses one byte more', async () => {
    const params = new URLSearchParams(IDCARD_PARAMS).toString() + '&pad=';
    const exact = params + 'x'.repeat(20971520 - Buffer.byteLength(params));
    const ok = await answer(await post(exact, { 'Content-Type': 'application/x-www-form-urlencoded' }));
    expect(ok.status).toBe(200);
    expect(ok.body.biz_token).toMatch(/^\d+,[0-9a-f]{32}$/);
    const over = await post(exact + 'x', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(over.status).toBe(413);
    expect(await over.text()).toBe('Request Entity Too Large');
  });

  it('keeps serving on the same sandbox after a 413', async () => {
    expect((await getBizToken(sb, IDCARD_PARAMS)).status).toBe(200);
  });
});

describe('unknown paths', () => {
  it.each([
    ['GET', '/lite/v1/nothing'],
    ['POST', '/lite/v1/get_biz_tokens'],
    ['GET', '/lite/v1/get_biz_token'],
    ['POST', '/lite/v1/get_result'],
    ['GET', '/lite/v2/get_result'],
  ])('%s %s → 404 API_NOT_FOUND', async (method, path) => {
    const res = await answer(
      await fetch(`${sb.url}${path}`, { method, headers: { Authorization: `APPCODE ${APPCODE}` } }),
    );
    expectError(res, 404, 'API_NOT_FOUND');
  });
});

describe('get_result arguments', () => {
  it('without biz_token → MISSING_ARGUMENTS:biz_token', async () => {
    const res = await answer(
      await fetch(`${sb.url}/lite/v1/get_result`, { headers: { Authorization: `APPCODE ${APPCODE}` } }),
    );
    expectError(res, 400, 'MISSING_ARGUMENTS:biz_token');
  });

  it('with an unknown token → BAD_ARGUMENTS:biz_token', async () => {
    expectError(
      await getResult(sb, '1700000000,00000000000000000000000000000000'),
      400,
      'BAD_ARGUMENTS:biz_token',
    );
  });
});
