import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LITE_ERRORS } from '../support/megvii-errors';
import type { H5Config } from '../../server/providers/megvii-h5';
import { liteNotifySign } from '../support/megvii-sign';
import { readConfig } from '../../server/config';
import { createMegviiLiteProvider, liteHost } from '../../server/providers/megvii-lite';
import type { FaceIdProvider, TokenRequest } from '../../server/providers/types';
import type { Sandbox } from '../../dev/sandbox';
import { JPEG, PNG, finishH5, formOf, itParsesEveryRow } from '../support/megvii';
import { useSandboxUpstream, type RecordingUpstream } from '../support/recording-upstream';
import {
  h5ConfigFor,
  idcardRequest as request,
  issueThrough,
  NOW,
  referenceRequest as reference,
} from './providers/builders';

let sandbox: Sandbox;
let upstream: RecordingUpstream;
let config: H5Config;
let provider: FaceIdProvider;

const issue = issueThrough(() => provider);

const pair = useSandboxUpstream({ apiKey: 'lite-key', apiSecret: 'lite-secret' });

beforeEach(async () => {
  ({ sandbox, upstream } = pair);
  config = h5ConfigFor(upstream.url, { apiKey: 'lite-key', apiSecret: 'lite-secret', now: () => NOW });
  provider = createMegviiLiteProvider(config);
});

describe('megvii-lite get_token request (docs/providers.md#doc-megvii-lite)', () => {
  it('posts multipart/form-data with the key pair and every field for typed ID-card details', async () => {
    const issued = await issue(
      request({
        options: {
          procedureType: 'video',
          livenessPreferences: 'video_strict',
          webTitle: '实名认证',
          sceneId: 'scene_1',
          idcardUneditableField: 'idcard_number,idcard_valid_date',
          multiOrientedDetection: 1,
          bizExtraData: 'extra',
        },
      }),
    );
    const { fields, files } = await formOf(upstream.calls('/faceid/lite/get_token')[0]);
    expect(fields).toEqual({
      api_key: 'lite-key',
      api_secret: 'lite-secret',
      return_url: 'https://example.invalid/return',
      notify_url: 'https://example.invalid:443/notify',
      biz_no: 'biz-1',
      biz_extra_data: 'extra',
      web_title: '实名认证',
      scene_id: 'scene_1',
      procedure_type: 'video',
      liveness_preferences: 'video_strict',
      multi_oriented_detection: '1',
      comparison_type: '1',
      idcard_mode: '0',
      idcard_uneditable_field: 'idcard_number,idcard_valid_date',
      idcard_name: '张三',
      idcard_number: '11010519491231002X',
    });
    expect(files).toEqual({});
    expect(issued).toEqual({
      bizToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      resultRef: expect.stringMatching(/^\d+,/),
      expiresAt: expect.any(Number),
      client: { kind: 'h5', url: `${upstream.url}/faceid/lite/do?token=${issued.bizToken}` },
    });
    expect(issued.expiresAt % 1000).toBe(0);
  });

  it('sends idcard_mode 1 (photograph the card) for OCR and no name or number', async () => {
    await issue(request({ mode: 'ocr', idcard: undefined, options: { idcardMode: 2 } }));
    const { fields } = await formOf(upstream.calls('/faceid/lite/get_token')[0]);
    expect(fields).toMatchObject({ comparison_type: '1', idcard_mode: '2' });
    expect(fields).not.toHaveProperty('idcard_name');
    await issue(request({ mode: 'ocr', idcard: undefined }));
    expect((await formOf(upstream.calls('/faceid/lite/get_token')[1])).fields.idcard_mode).toBe('1');
  });

  it('sends comparison_type 0 with uuid and both reference photos as files', async () => {
    await issue(reference({ images: { ref1: JPEG, ref2: PNG } }));
    const { fields, files } = await formOf(upstream.calls('/faceid/lite/get_token')[0]);
    expect(fields).toMatchObject({ comparison_type: '0', uuid: 'user-1' });
    expect(fields).not.toHaveProperty('idcard_mode');
    expect(files).toEqual({ image_ref1: 'image_ref1.jpg', image_ref2: 'image_ref2.png' });
  });

  it.each(
    (
      [
        [{ mode: 'liveness' }, 'INVALID_EVENT', 'mode'],
        [{ bizNo: 'x'.repeat(129) }, 'BAD_ARGUMENTS', 'biz_no'],
        [{ options: { bizExtraData: 'x'.repeat(4097) } }, 'BAD_ARGUMENTS', 'biz_extra_data'],
        [{ options: { webTitle: '实'.repeat(11) } }, 'BAD_ARGUMENTS', 'web_title'],
        [{ options: { sceneId: 'has space' } }, 'BAD_ARGUMENTS', 'scene_id'],
        [{ options: { procedureType: 'flash' } }, 'BAD_ARGUMENTS', 'procedure_type'],
        [{ options: { livenessPreferences: 2 } }, 'BAD_ARGUMENTS', 'liveness_preferences'],
        [
          { options: { livenessPreferences: 'selfie_no_metadata_check' } },
          'BAD_ARGUMENTS',
          'liveness_preferences',
        ],
        [
          { options: { procedureType: 'selfie', livenessPreferences: 'video_strict' } },
          'BAD_ARGUMENTS',
          'liveness_preferences',
        ],
        [{ options: { multiOrientedDetection: 2 as 0 } }, 'BAD_ARGUMENTS', 'multi_oriented_detection'],
        [{ options: { idcardMode: 5 as 0 } }, 'BAD_ARGUMENTS', 'idcard_mode'],
        [{ options: { idcardMode: 1 } }, 'BAD_ARGUMENTS', 'idcard_mode'],
        [{ options: { idcardUneditableField: 'idcard_gender' } }, 'BAD_ARGUMENTS', 'idcard_uneditable_field'],
        [{ options: { idcardUneditableField: 'idcard_name,' } }, 'BAD_ARGUMENTS', 'idcard_uneditable_field'],
        [{ idcard: undefined }, 'MISSING_ARGUMENTS', 'idcard_name'],
        [{ idcard: { name: '张三', number: '' } }, 'MISSING_ARGUMENTS', 'idcard_number'],
        [{ mode: 'ocr', idcard: undefined, options: { idcardMode: 0 } }, 'MISSING_ARGUMENTS', 'idcard_name'],
        [{ images: { image: JPEG } }, 'INVALID_EVENT', 'image'],
      ] as Array<[Partial<TokenRequest>, string, string]>
    ).map(([o, c, p]) => [c, p, o] as const),
  )('refuses %s:%s offline (case %#)', async (code, param, over) => {
    await expect(issue(request(over))).rejects.toMatchObject({ code, param });
    expect(upstream.requests).toHaveLength(0);
  });

  it.each(
    (
      [
        [{ uuid: undefined }, 'MISSING_ARGUMENTS', 'uuid'],
        [{ uuid: 'u'.repeat(513) }, 'BAD_ARGUMENTS', 'uuid'],
        [{ images: {} }, 'MISSING_ARGUMENTS', 'image_ref1'],
        [{ options: { idcardMode: 1 } }, 'BAD_ARGUMENTS', 'idcard_mode'],
        [{ options: { idcardUneditableField: 'idcard_name' } }, 'BAD_ARGUMENTS', 'idcard_uneditable_field'],
      ] as Array<[Partial<TokenRequest>, string, string]>
    ).map(([o, c, p]) => [c, p, o] as const),
  )('refuses reference %s:%s offline (case %#)', async (code, param, over) => {
    await expect(issue(reference(over))).rejects.toMatchObject({ code, param });
    expect(upstream.requests).toHaveLength(0);
  });

  it('accepts the boundary values, and the sandbox accepts them too', async () => {
    const edges: TokenRequest[] = [
      request({
        bizNo: 'b'.repeat(128),
        options: {
          webTitle: '实'.repeat(10) + 'ab',
          bizExtraData: 'x'.repeat(4096),
          multiOrientedDetection: 0,
        },
      }),
      request({
        mode: 'ocr',
        idcard: undefined,
        options: { idcardMode: 4, procedureType: 'selfie', livenessPreferences: 'selfie_no_metadata_check' },
      }),
      request({ mode: 'ocr', idcard: undefined, options: { idcardMode: 3, livenessPreferences: 'none' } }),
      reference({ uuid: 'u'.repeat(512), options: { multiOrientedDetection: 1 } }),
      request({
        options: { idcardUneditableField: 'idcard_name,idcard_number,idcard_valid_date,idcard_issued_by' },
      }),
    ];
    for (const edge of edges) await expect(issue(edge)).resolves.toMatchObject({ client: { kind: 'h5' } });
  });
});

describe('megvii-lite error rows (docs/providers.md#doc-megvii-lite)', () => {
  itParsesEveryRow(
    LITE_ERRORS,
    '/faceid/lite/get_token',
    () => sandbox.url,
    () => issue(request()),
  );

  it('a wrong api_secret is 403 AUTHENTICATION_ERROR, a missing one MISSING_ARGUMENTS', async () => {
    const wrong = createMegviiLiteProvider({ ...config, apiSecret: 'nope' });
    await expect(issue(request(), wrong)).rejects.toMatchObject({
      status: 403,
      code: 'AUTHENTICATION_ERROR',
    });
    const empty = createMegviiLiteProvider({ ...config, apiSecret: '' });
    await expect(issue(request(), empty)).rejects.toMatchObject({
      status: 400,
      code: 'MISSING_ARGUMENTS',
      param: 'api_secret',
    });
  });

  it('the sandbox answers the seed rules the provider could not see: name and ID number format', async () => {
    await expect(issue(request({ idcard: { name: '张三', number: '123' } }))).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_IDCARD_NUMBER',
    });
    await expect(
      issue(request({ idcard: { name: '张'.repeat(33), number: '11010519491231002X' } })),
    ).rejects.toMatchObject({ status: 400, code: 'INVALID_NAME_FORMAT' });
  });
});

describe('megvii-lite get_result', () => {
  it.each([
    ['PASS', 1000, 'SUCCESS'],
    ['NOT_SAME', 2000, 'PASS_LIVING_NOT_THE_SAME'],
    ['LIVENESS_FAILED', 4200, 'VIDEO_MANY_TIMES'],
    ['ATTACK', 4100, 'FAIL_LIVING_FACE_ATTACK'],
    ['FACE_REPLACED', 4100, 'CHANGE_FACE_ATTACK'],
    ['CANCELLED', 6000, 'USER_CANCEL'],
    ['TIMEOUT', 6000, 'TIMEOUT'],
    ['WEBRTC_UNSUPPORTED', 4200, 'VIDEO_FORMAT_UNSUPPORTED'],
  ])('the page ending %s reads as %i %s', async (outcome, code, message) => {
    const issued = await issue(request({ mode: 'ocr', idcard: undefined }));
    await finishH5(issued.client.kind === 'h5' ? issued.client.url : '', outcome);
    const result = await provider.fetchResult(issued);
    expect(result).toMatchObject({
      bizToken: issued.bizToken,
      bizNo: 'biz-1',
      resultCode: code,
      resultMessage: message,
    });
    const { fields } = await formOf(upstream.calls('/faceid/lite/get_result')[0]);
    expect(fields).toEqual({
      api_key: 'lite-key',
      api_secret: 'lite-secret',
      biz_id: issued.resultRef,
      return_image: '0',
    });
    if (code === 1000) {
      expect(result.verification?.idcard?.confidence).toBeGreaterThan(
        result.verification!.idcard!.thresholds['1e-4'],
      );
      expect(result.idcard).toMatchObject({
        name: '张三',
        idcardNumber: '11010519491231002X',
        validDateEnd: '20350516',
      });
    }
  });

  it('reads NOT_STARTED and PROCESSING as 9000, and asks for images with return_image=1', async () => {
    const withImages = createMegviiLiteProvider({ ...config, returnImage: 1 });
    const issued = await issue(reference(), withImages);
    expect((await withImages.fetchResult(issued)).resultCode).toBe(9000);
    await fetch(issued.client.kind === 'h5' ? issued.client.url : '');
    expect((await withImages.fetchResult(issued)).resultCode).toBe(9000);
    expect(upstream.calls('/faceid/lite/get_result')).toHaveLength(2);
  });

  it('the sandbox allows 3 get_result calls a day per biz_id, then 403', async () => {
    const issued = await issue(reference());
    for (let i = 0; i < 3; i++) await provider.fetchResult(issued);
    await expect(provider.fetchResult(issued)).rejects.toMatchObject({
      status: 403,
      code: 'AUTHORIZATION_ERROR',
    });
    sandbox.clock.advance(24 * 60 * 60 * 1000);
    await expect(provider.fetchResult(issued)).resolves.toMatchObject({ resultCode: 9000 });
  });

  it('maps every status and threshold of a get_result answer', async () => {
    let answer: Record<string, unknown> = {};
    const faceid = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => faceid.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(faceid.address() as AddressInfo).port}`;
    const compare = (confidence: number) => ({
      confidence,
      thresholds: { '1e-3': 60, '1e-4': 70, '1e-5': 75, '1e-6': 80 },
    });
    const map = (body: Record<string, unknown>, threshold: '1e-4' | '1e-6' = '1e-4') => {
      answer = body;
      return createMegviiLiteProvider({ ...config, baseUrl, threshold }).fetchResult({
        bizToken: 't',
        resultRef: '1,abc',
      });
    };
    const pass = {
      status: 'OK',
      liveness_result: { result: 'PASS' },
      verify_result: { result_ref1: compare(72) },
    };
    try {
      expect((await map(pass)).resultCode).toBe(1000);
      expect((await map(pass, '1e-6')).resultCode).toBe(2000);
      expect((await map({ status: 'OK' })).resultCode).toBe(1000);
      expect(await map({ status: 'FAILED', liveness_result: { result: 'PASS' } })).toMatchObject({
        resultCode: 4200,
        resultMessage: 'VIDEO_INTERNAL_ERROR',
      });
      expect(
        (
          await map({
            status: 'FAILED',
            liveness_result: {
              result: 'FAILED',
              face_genuineness: { mask_confidence: 0.7, mask_threshold: 0.5 },
            },
          })
        ).resultMessage,
      ).toBe('FAIL_LIVING_FACE_ATTACK');
      await expect(map({ status: 'WEIRD' })).rejects.toMatchObject({ code: 'BAD_UPSTREAM_RESPONSE' });
      await expect(map({})).rejects.toMatchObject({ code: 'BAD_UPSTREAM_RESPONSE' });
    } finally {
      await new Promise((resolve) => faceid.close(resolve));
    }
  });
});

describe('megvii-lite notify and config', () => {
  it('reads biz_id from a notify whose sign is SHA-1(api_secret + data), and refuses another sign', () => {
    const data = JSON.stringify({ status: 'OK', biz_info: { biz_id: '1,abc', biz_no: 'b' } });
    const sign = liteNotifySign('lite-secret', data);
    expect(sign).toMatch(/^[0-9a-f]{40}$/);
    expect(provider.readNotify({ data, sign })).toEqual({ resultRef: '1,abc' });
    expect(provider.readNotify({ data, sign: sign.toUpperCase() })).toEqual({ resultRef: '1,abc' });
    expect(() => provider.readNotify({ data, sign: liteNotifySign('other', data) })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', param: 'sign' }),
    );
    expect(() => provider.readNotify({ data })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    const noId = JSON.stringify({ status: 'OK' });
    expect(() => provider.readNotify({ data: noId, sign: liteNotifySign('lite-secret', noId) })).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT' }),
    );
  });

  it('FACEID_REGION picks the Lite host', () => {
    expect(liteHost(readConfig({}))).toBe('https://api.megvii.com');
    expect(liteHost(readConfig({ FACEID_REGION: 'idn' }))).toBe('https://api-idn.megvii.com');
    expect(liteHost(readConfig({ FACEID_REGION: 'sgp' }))).toBe('https://api-sgp.megvii.com');
    expect(() => liteHost(readConfig({ FACEID_REGION: 'us' }))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', param: 'FACEID_REGION' }),
    );
  });
});
