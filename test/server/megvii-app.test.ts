import { createMegviiAppProvider } from '../../server/providers/megvii-app';
import { APP_ERRORS } from '../support/megvii-errors';
import { megviiSign, randomRdm } from '../../server/providers/megvii-sign';
import { readSign, signMatches } from '../support/megvii-sign';
import type { FaceIdProvider, TokenRequest } from '../../server/providers/types';
import type { Sandbox } from '../../dev/sandbox';
import { JPEG, PNG, formOf, itParsesEveryRow } from '../support/megvii';
import { useSandboxUpstream, type RecordingUpstream } from '../support/recording-upstream';
import {
  idcardRequest as request,
  issueThrough,
  megviiConfigFor,
  referenceRequest as reference,
} from './providers/builders';

const PATH = '/faceid/v3/sdk/get_biz_token';
let sandbox: Sandbox;
let upstream: RecordingUpstream;
let config: Parameters<typeof createMegviiAppProvider>[0];
let provider: FaceIdProvider;

const issue = issueThrough(() => provider);
let now: number;

const pair = useSandboxUpstream({ apiKey: 'app-key', apiSecret: 'app-secret' });

beforeEach(async () => {
  ({ sandbox, upstream } = pair);
  now = sandbox.clock.now();
  config = {
    ...megviiConfigFor(upstream.url, { apiKey: 'app-key', apiSecret: 'app-secret', now: () => now }),
    rdm: () => '0799687066',
  };
  provider = createMegviiAppProvider(config);
});

describe('Megvii v3 sign (App-鉴权说明)', () => {
  it('matches the public test vector', () => {
    const sign = megviiSign('UjYGdN9CBZKsDBLB5-5v3DykPXY6dw3q', {
      apiKey: 'ICVvC_xUs6177WEtyUNwIH8J6NfGu50t',
      expireTime: 1530762218,
      currentTime: 1530762118,
      rdm: '0799687066',
    });
    expect(sign).toBe(
      'SPzLRbDBgTGC2A8YdDaa7Jrny+5hPUlDVnZDX3hVczYxNzdXRXR5VU53SUg4SjZOZkd1NTB0JmI9MTUzMDc2MjIxOCZjPTE1MzA3NjIxMTgmZD0wNzk5Njg3MDY2',
    );
    const read = readSign(sign)!;
    expect(read.fields).toEqual({
      apiKey: 'ICVvC_xUs6177WEtyUNwIH8J6NfGu50t',
      expireTime: 1530762218,
      currentTime: 1530762118,
      rdm: '0799687066',
    });
    expect(signMatches('UjYGdN9CBZKsDBLB5-5v3DykPXY6dw3q', read)).toBe(true);
    expect(signMatches('other', read)).toBe(false);
    expect(readSign('not base64!')).toBeUndefined();
    expect(readSign(Buffer.from('x'.repeat(30)).toString('base64'))).toBeUndefined();
  });

  it('rdm is 10 decimal digits', () => {
    for (let i = 0; i < 50; i++) expect(randomRdm()).toMatch(/^\d{10}$/);
  });
});

describe('megvii-app get_biz_token request (docs/providers.md#doc-megvii-app)', () => {
  it('signs with the injected clock and posts every field for ID-card comparison, meglive', async () => {
    const issued = await issue(
      request({
        options: {
          livenessType: 'meglive',
          livenessActionCount: 2,
          livenessTimeout: 30,
          securityLevel: 4,
          forceCompare: 1,
          verbose: 1,
          multiOrientedDetection: 0,
        },
      }),
    );
    const { fields, files } = await formOf(upstream.calls(PATH)[0]);
    const { sign, ...rest } = fields;
    expect(rest).toEqual({
      sign_version: 'hmac_sha1',
      liveness_type: 'meglive',
      comparison_type: '1',
      idcard_name: '张三',
      idcard_number: '11010519491231002X',
      biz_no: 'biz-1',
      liveness_timeout: '30',
      liveness_action_count: '2',
      verbose: '1',
      security_level: '4',
      force_compare: '1',
      multi_oriented_detection: '0',
    });
    expect(files).toEqual({});
    const c = Math.floor(now / 1000);
    expect(readSign(sign)!.fields).toEqual({
      apiKey: 'app-key',
      expireTime: c + 300,
      currentTime: c,
      rdm: '0799687066',
    });
    expect(sign).toBe(
      megviiSign('app-secret', { apiKey: 'app-key', expireTime: c + 300, currentTime: c, rdm: '0799687066' }),
    );
    expect(issued).toEqual({
      bizToken: expect.stringMatching(/^\d+,/),
      expiresAt: now + 3_600_000,
      client: { kind: 'sdk', token: issued.bizToken },
    });
  });

  it('still and raw_image send their own parameters; reference sends uuid and the photos', async () => {
    await issue(
      reference({
        images: { ref1: JPEG, ref2: PNG },
        options: { livenessType: 'still', eyesCloseDetection: 1 },
      }),
    );
    let sent = await formOf(upstream.calls(PATH)[0]);
    expect(sent.fields).toMatchObject({
      liveness_type: 'still',
      eyes_close_detection: '1',
      comparison_type: '0',
      uuid: 'user-1',
    });
    expect(sent.files).toEqual({ image_ref1: 'image_ref1.jpg', image_ref2: 'image_ref2.png' });
    await issue(
      request({
        images: { image: { ...JPEG, filename: 'image.jpg' } },
        options: {
          livenessType: 'raw_image',
          failWhenMultipleFaces: 0,
          faceQualityThreshold: 50,
          returnFaces: 1,
        },
      }),
    );
    sent = await formOf(upstream.calls(PATH)[1]);
    expect(sent.fields).toMatchObject({
      liveness_type: 'raw_image',
      fail_when_multiple_faces: '0',
      face_quality_threshold: '50',
      return_faces: '1',
    });
    expect(sent.files).toEqual({ image: 'image.jpg' });
  });

  it.each(
    (
      [
        [{ mode: 'ocr' }, 'INVALID_EVENT', 'mode'],
        [{ mode: 'liveness' }, 'INVALID_EVENT', 'mode'],
        [{ bizNo: 'x'.repeat(129) }, 'BAD_ARGUMENTS', 'biz_no'],
        [{ options: { livenessType: 'flash' as 'still' } }, 'BAD_ARGUMENTS', 'liveness_type'],
        [{ options: { livenessActionCount: 0 } }, 'BAD_ARGUMENTS', 'liveness_action_count'],
        [{ options: { livenessActionCount: 4 } }, 'BAD_ARGUMENTS', 'liveness_action_count'],
        [
          { options: { livenessType: 'still', livenessActionCount: 2 } },
          'BAD_ARGUMENTS',
          'liveness_action_count',
        ],
        [
          { options: { livenessType: 'still', eyesCloseDetection: 2 as 0 } },
          'BAD_ARGUMENTS',
          'eyes_close_detection',
        ],
        [{ options: { eyesCloseDetection: 1 } }, 'BAD_ARGUMENTS', 'eyes_close_detection'],
        [{ options: { livenessType: 'raw_image' } }, 'MISSING_ARGUMENTS', 'image'],
        [{ images: { image: JPEG } }, 'BAD_ARGUMENTS', 'image'],
        [{ options: { failWhenMultipleFaces: 1 } }, 'BAD_ARGUMENTS', 'fail_when_multiple_faces'],
        [{ options: { returnFaces: 1 } }, 'BAD_ARGUMENTS', 'return_faces'],
        [{ options: { faceQualityThreshold: 50 } }, 'BAD_ARGUMENTS', 'face_quality_threshold'],
        ...[-1, 101, 50.5].map((v) => [
          { images: { image: JPEG }, options: { livenessType: 'raw_image', faceQualityThreshold: v } },
          'BAD_ARGUMENTS',
          'face_quality_threshold',
        ]),
        [
          { images: { image: JPEG }, options: { livenessType: 'raw_image', returnFaces: 2 } },
          'BAD_ARGUMENTS',
          'return_faces',
        ],
        [{ options: { securityLevel: 5 as 4 } }, 'BAD_ARGUMENTS', 'security_level'],
        [{ options: { forceCompare: 2 as 0 } }, 'BAD_ARGUMENTS', 'force_compare'],
        [{ options: { verbose: 2 as 0 } }, 'BAD_ARGUMENTS', 'verbose'],
        [{ options: { multiOrientedDetection: 2 as 0 } }, 'BAD_ARGUMENTS', 'multi_oriented_detection'],
        [{ options: { livenessTimeout: 4 } }, 'BAD_ARGUMENTS', 'liveness_timeout'],
        [{ options: { livenessTimeout: 61 } }, 'BAD_ARGUMENTS', 'liveness_timeout'],
        [{ idcard: undefined }, 'MISSING_ARGUMENTS', 'idcard_name'],
        [
          { mode: 'reference', idcard: undefined, uuid: 'u'.repeat(129), images: { ref1: JPEG } },
          'BAD_ARGUMENTS',
          'uuid',
        ],
        [{ mode: 'reference', idcard: undefined, uuid: 'u', images: {} }, 'MISSING_ARGUMENTS', 'image_ref1'],
        [{ mode: 'reference', idcard: undefined, images: { ref1: JPEG } }, 'MISSING_ARGUMENTS', 'uuid'],
      ] as Array<[Partial<TokenRequest>, string, string]>
    ).map(([o, c, p]) => [c, p, o] as const),
  )('refuses %s:%s offline (case %#)', async (code, param, over) => {
    await expect(issue(request(over))).rejects.toMatchObject({ code, param });
    expect(upstream.requests).toHaveLength(0);
  });

  it('accepts the boundary values, and the sandbox accepts them too', async () => {
    const edges: TokenRequest[] = [
      request({
        bizNo: 'b'.repeat(128),
        options: { livenessActionCount: 1, livenessTimeout: 5, securityLevel: 1 },
      }),
      request({
        options: {
          livenessActionCount: 3,
          livenessTimeout: 60,
          securityLevel: 4,
          forceCompare: 0,
          verbose: 0,
        },
      }),
      request({ options: { livenessType: 'still', eyesCloseDetection: 0 } }),
      request({ images: { image: JPEG }, options: { livenessType: 'raw_image', faceQualityThreshold: 0 } }),
      request({ images: { image: JPEG }, options: { livenessType: 'raw_image', faceQualityThreshold: 100 } }),
      reference({ uuid: 'u'.repeat(128) }),
    ];
    for (const edge of edges) await expect(issue(edge)).resolves.toMatchObject({ client: { kind: 'sdk' } });
  });
});

describe('megvii-app error rows (docs/providers.md#doc-megvii-app)', () => {
  itParsesEveryRow(
    APP_ERRORS,
    PATH,
    () => sandbox.url,
    () => issue(request()),
  );

  it('the sandbox verifies the sign: wrong secret INVALID_SIGN, unknown key AUTHENTICATION_ERROR, old EXPIRED_SIGN', async () => {
    await expect(
      issue(request(), createMegviiAppProvider({ ...config, apiSecret: 'x' })),
    ).rejects.toMatchObject({
      status: 403,
      code: 'AUTHORIZATION_ERROR',
      param: 'INVALID_SIGN',
    });
    await expect(
      issue(request(), createMegviiAppProvider({ ...config, apiKey: 'other' })),
    ).rejects.toMatchObject({
      status: 403,
      code: 'AUTHENTICATION_ERROR',
    });
    now -= 301_000;
    await expect(issue(request())).rejects.toMatchObject({
      status: 403,
      code: 'AUTHORIZATION_ERROR',
      param: 'EXPIRED_SIGN',
    });
  });

  it('a real body over 20 MB is answered as plain text 413', async () => {
    const big = { data: Buffer.alloc(21 * 1024 * 1024, 1), filename: 'big.jpg', contentType: 'image/jpeg' };
    // Sending 21 MB over loopback takes seconds on a busy machine: a time-out far above that, so only size counts.
    const patient = createMegviiAppProvider({ ...config, timeoutMs: 120_000 });
    await expect(issue(reference({ images: { ref1: big } }), patient)).rejects.toMatchObject({
      status: 413,
      code: 'REQUEST_TOO_LARGE',
    });
  }, 150_000);

  it('results and notifies are not in the seeds: typed INVALID_EVENT, no call', async () => {
    await expect(provider.fetchResult({ bizToken: 't' })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      retryable: false,
    });
    expect(() => provider.readNotify({ data: '{}' })).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT' }),
    );
    expect(upstream.requests).toHaveLength(0);
  });
});
