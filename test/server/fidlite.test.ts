import { FaceIdError } from '../../server/errors';
import { createFidliteProvider } from '../../server/providers/fidlite';
import { callUpstream } from '../../server/providers/http';
import type { FaceIdProvider, TokenRequest } from '../../server/providers/types';
import { JPEG_FIXTURE, PNG_FIXTURE } from '../../dev/sandbox/fixtures';
import type { Sandbox } from '../../dev/sandbox';
import { completeFlow } from '../support/component-driver';
import { useSandboxUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { issueThrough, tokenRequest as request } from './providers/builders';

const APPCODE = 'contract-appcode-0123456789';
let sandbox: Sandbox;
let upstream: RecordingUpstream;
let provider: FaceIdProvider;

const issue = issueThrough(() => provider);

const pair = useSandboxUpstream({ appcode: APPCODE });

beforeEach(async () => {
  ({ sandbox, upstream } = pair);
  provider = createFidliteProvider({
    appcode: APPCODE,
    baseUrl: upstream.url,
    returnUrl: 'https://example.invalid/return',
    notifyUrl: 'https://example.invalid:443/notify',
    timeoutMs: 3000,
    now: () => 1_000_000,
  });
});

describe('fidlite get_biz_token request', () => {
  it('posts url-encoded form with the APPCODE header and every field for ID-card details', async () => {
    const issued = await issue(
      request({
        mode: 'idcard',
        idcard: { name: '张三', number: '11010519491231002X' },
        options: { securityLevel: 3, livenessPreferences: 2, livenessRetryCount: 5 },
      }),
    );
    expect(issued).toEqual({
      bizToken: expect.any(String),
      expiresAt: 1_000_000 + 3_600_000,
      client: { kind: 'component', token: issued.bizToken },
    });
    const [sent] = upstream.calls('/lite/v1/get_biz_token');
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe(`APPCODE ${APPCODE}`);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=UTF-8');
    expect(Object.fromEntries(new URLSearchParams(sent.body.toString()))).toEqual({
      return_url: 'https://example.invalid/return',
      notify_url: 'https://example.invalid:443/notify',
      biz_no: 'biz-1',
      liveness_type: 'video_number',
      comparison_type: '1',
      group: '0',
      idcard_name: '张三',
      idcard_number: '11010519491231002X',
      security_level: '3',
      liveness_preferences: '2',
      liveness_retry_count: '5',
    });
  });

  it('sends group=1 and the OCR options for an OCR token', async () => {
    await issue(request({ options: { idcardSide: 1, idcardRetryTime: 2, idcardThreshold: 0.6 } }));
    const fields = Object.fromEntries(
      new URLSearchParams(upstream.calls('/lite/v1/get_biz_token')[0].body.toString()),
    );
    expect(fields).toMatchObject({
      comparison_type: '1',
      group: '1',
      idcard_side: '1',
      idcard_retry_time: '2',
      idcard_threshold: '0.6',
    });
    expect(fields).not.toHaveProperty('idcard_name');
  });

  it('sends reference photos as multipart files with comparison_type=0 and uuid', async () => {
    await issue(
      request({
        mode: 'reference',
        uuid: 'user-1',
        images: {
          ref1: { data: JPEG_FIXTURE.buffer, filename: 'image_ref1.jpg', contentType: 'image/jpeg' },
          ref2: { data: PNG_FIXTURE.buffer, filename: 'image_ref2.png', contentType: 'image/png' },
        },
      }),
    );
    const [sent] = upstream.calls('/lite/v1/get_biz_token');
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const text = sent.body.toString('latin1');
    expect(text).toMatch(/name="comparison_type"\r\n\r\n0\r\n/);
    expect(text).toMatch(/name="uuid"\r\n\r\nuser-1\r\n/);
    expect(text).toMatch(/name="image_ref1"; filename="image_ref1.jpg"\r\nContent-Type: image\/jpeg/);
    expect(text).toMatch(/name="image_ref2"; filename="image_ref2.png"\r\nContent-Type: image\/png/);
  });

  it.each([
    [{ options: { securityLevel: 0 } }, 'security_level'],
    [{ options: { securityLevel: 4 } }, 'security_level'],
    [{ options: { livenessPreferences: 3 } }, 'liveness_preferences'],
    [{ options: { livenessRetryCount: 0 } }, 'liveness_retry_count'],
    [{ options: { livenessRetryCount: 2.5 } }, 'liveness_retry_count'],
    [{ options: { idcardRetryTime: 6 } }, 'idcard_retry_time'],
    [{ options: { idcardSide: 2 } }, 'idcard_side'],
    [{ options: { idcardThreshold: -0.1 } }, 'idcard_threshold'],
    [{ bizNo: 'x'.repeat(129) }, 'biz_no'],
    [
      {
        mode: 'reference' as const,
        uuid: 'u'.repeat(129),
        images: { ref1: { data: JPEG_FIXTURE.buffer, filename: 'a.jpg', contentType: 'image/jpeg' } },
      },
      'uuid',
    ],
  ])('refuses %j as BAD_ARGUMENTS:%s without a call', async (over, param) => {
    await expect(issue(request(over as Partial<TokenRequest>))).rejects.toMatchObject({
      code: 'BAD_ARGUMENTS',
      param,
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it.each([
    [{ mode: 'idcard' as const }, 'idcard_name'],
    [{ mode: 'idcard' as const, idcard: { name: '张三', number: '' } }, 'idcard_number'],
    [{ mode: 'reference' as const, images: {} }, 'uuid'],
    [{ mode: 'reference' as const, uuid: 'u1' }, 'image_ref1'],
  ])('refuses %j as MISSING_ARGUMENTS:%s without a call', async (over, param) => {
    await expect(issue(request(over))).rejects.toMatchObject({
      code: 'MISSING_ARGUMENTS',
      param,
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('accepts the boundary values of every range', () => {
    for (const options of [
      {
        securityLevel: 1 as const,
        livenessRetryCount: 1,
        idcardRetryTime: 1,
        idcardThreshold: 0,
        idcardSide: 0 as const,
        livenessPreferences: 1 as const,
      },
      {
        securityLevel: 3 as const,
        livenessRetryCount: 5,
        idcardRetryTime: 5,
        idcardThreshold: 1,
        idcardSide: 1 as const,
        livenessPreferences: 2 as const,
      },
    ]) {
      expect(() => provider.validate(request({ options, bizNo: 'b'.repeat(128) }))).not.toThrow();
    }
  });
});

describe('fidlite error rows (docs/providers.md#doc-fidlite) as the sandbox answers them', () => {
  const post = (form: Record<string, string>, appcode = APPCODE) =>
    callUpstream({
      method: 'POST',
      url: `${sandbox.url}/lite/v1/get_biz_token`,
      headers: { Authorization: `APPCODE ${appcode}` },
      form,
      timeoutMs: 3000,
    });
  const base = {
    return_url: 'https://a.invalid/r',
    notify_url: 'https://a.invalid/n',
    liveness_type: 'video_number',
    comparison_type: '1',
    group: '1',
  };

  it.each([
    [{ ...base, return_url: undefined as unknown as string }, 400, 'MISSING_ARGUMENTS', 'return_url'],
    [{ ...base, security_level: '9' }, 400, 'BAD_ARGUMENTS', 'security_level'],
    [{ ...base, liveness_type: 'meglive' }, 400, 'BAD_ARGUMENTS', 'liveness_type'],
  ])('%j → %i %s:%s', async (form, status, code, param) => {
    const clean = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined));
    await expect(post(clean)).rejects.toMatchObject({ status, code, param });
  });

  it('403 AUTHORIZATION_ERROR for a wrong AppCode', async () => {
    await expect(post(base, 'wrong')).rejects.toMatchObject({
      status: 403,
      code: 'AUTHORIZATION_ERROR',
      retryable: false,
    });
  });

  it.each([
    [429, 'CONCURRENCY_LIMIT_EXCEEDED'],
    [500, 'INTERNAL_ERROR'],
    [413, 'REQUEST_TOO_LARGE'],
  ])('%i → %s', async (status, code) => {
    sandbox.injectFault({ kind: 'status', status, times: 1 } as never);
    const err = (await post(base).catch((e: unknown) => e)) as FaceIdError;
    expect(err).toBeInstanceOf(FaceIdError);
    expect(err).toMatchObject({ status, code });
  });

  it('a real 413 body over 20 MB is plain text and becomes REQUEST_TOO_LARGE', async () => {
    const big = { data: Buffer.alloc(21 * 1024 * 1024, 1), filename: 'big.jpg', contentType: 'image/jpeg' };
    const err = await callUpstream({
      method: 'POST',
      url: `${sandbox.url}/lite/v1/get_biz_token`,
      headers: { Authorization: `APPCODE ${APPCODE}` },
      form: { ...base, image_ref1: big },
      // Sending 21 MB over loopback takes seconds on a busy machine: a time-out far above that, so only size counts.
      timeoutMs: 120_000,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 413,
      code: 'REQUEST_TOO_LARGE',
      message: expect.stringContaining('Request Entity Too Large'),
    });
  }, 150_000);
});

describe('fidlite get_result', () => {
  it('sends the token and parses every field', async () => {
    const { bizToken } = await issue(request());
    await completeFlow(sandbox.url, bizToken, 'SUCCESS');
    const result = await provider.fetchResult({ bizToken });
    const [sent] = upstream.calls('/lite/v1/get_result');
    expect(sent.method).toBe('GET');
    expect(sent.headers.authorization).toBe(`APPCODE ${APPCODE}`);
    expect(new URL(sent.path, 'http://x').searchParams.get('biz_token')).toBe(bizToken);
    expect(result).toMatchObject({ bizToken, bizNo: 'biz-1', resultCode: 1000, resultMessage: 'SUCCESS' });
    expect(result.verification?.idcard).toEqual({
      confidence: expect.any(Number),
      thresholds: {
        '1e-3': expect.any(Number),
        '1e-4': expect.any(Number),
        '1e-5': expect.any(Number),
        '1e-6': expect.any(Number),
      },
    });
    expect(result.idcard).toMatchObject({ name: '张三', idcardNumber: '11010519491231002X' });
    expect(Object.keys(result.images ?? {})).toEqual(
      expect.arrayContaining(['image_best', 'idcard_frontside']),
    );
  });

  it('an unknown token is BAD_ARGUMENTS:biz_token', async () => {
    await expect(provider.fetchResult({ bizToken: '1,deadbeef' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENTS',
      param: 'biz_token',
      status: 400,
    });
  });

  it('a body without result_code is BAD_UPSTREAM_RESPONSE, a non-JSON body too', async () => {
    sandbox.injectFault({ kind: 'malformed', path: '/lite/v1/get_result', times: 1 } as never);
    await expect(provider.fetchResult({ bizToken: '1,deadbeef' })).rejects.toMatchObject({
      code: 'BAD_UPSTREAM_RESPONSE',
    });
  });
});
