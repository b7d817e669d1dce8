import { OVERSEAS_ERRORS } from '../support/megvii-errors';
import type { H5Config } from '../../server/providers/megvii-h5';
import { createMegviiOverseasProvider } from '../../server/providers/megvii-overseas';
import type { FaceIdProvider, TokenRequest } from '../../server/providers/types';
import type { Sandbox } from '../../dev/sandbox';
import { JPEG, PNG, finishH5, formOf, itParsesEveryRow } from '../support/megvii';
import { useSandboxUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { h5ConfigFor, issueThrough, referenceRequest as request } from './providers/builders';

const PATH = '/idn/faceid/lite/get_token';
let sandbox: Sandbox;
let upstream: RecordingUpstream;
let config: H5Config;
let provider: FaceIdProvider;

const issue = issueThrough(() => provider);

const pair = useSandboxUpstream();

beforeEach(async () => {
  ({ sandbox, upstream } = pair);
  config = h5ConfigFor(`${upstream.url}/idn`, { apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret });
  provider = createMegviiOverseasProvider(config);
});

describe('megvii-overseas get_token request (docs/providers.md#doc-megvii-overseas)', () => {
  it('posts form-data with every advanced parameter and the photos, and answers the idn H5 page', async () => {
    const issued = await issue(
      request({
        images: { ref1: JPEG, ref2: PNG },
        options: {
          sceneId: 's1',
          language: 'en',
          procedureType: 'video',
          procedurePriority: 'still',
          bizExtraData: 'x',
          getShootingError: 1,
          maximumShootingTime: 15,
          multiOrientedDetection: 1,
          failWhenRefMultipleFaces: 0,
          returnMultifacesTag: 1,
          fmpMode: 0,
          getFailReason: 1,
          faceOcclusionDetection: 1,
          eyeCloseDetection: 1,
          actionHttpMethod: 'GET',
          redirectType: 1,
        },
      }),
    );
    const { fields, files } = await formOf(upstream.calls(PATH)[0]);
    expect(fields).toEqual({
      api_key: sandbox.apiKey,
      api_secret: sandbox.apiSecret,
      return_url: 'https://example.invalid/return',
      notify_url: 'https://example.invalid:443/notify',
      biz_no: 'biz-1',
      scene_id: 's1',
      language: 'en',
      procedure_type: 'video',
      procedure_priority: 'still',
      comparison_type: '0',
      uuid: 'user-1',
      biz_extra_data: 'x',
      get_shooting_error: '1',
      maximum_shooting_time: '15',
      multi_oriented_detection: '1',
      fail_when_ref_multiple_faces: '0',
      return_multifaces_tag: '1',
      fmp_mode: '0',
      get_fail_reason: '1',
      face_occlusion_detection: '1',
      eye_close_detection: '1',
      action_http_method: 'GET',
      redirect_type: '1',
    });
    expect(files).toEqual({ image_ref1: 'image_ref1.jpg', image_ref2: 'image_ref2.png' });
    expect(issued.client).toEqual({
      kind: 'h5',
      url: `${upstream.url}/idn/faceid/lite/do?token=${issued.bizToken}`,
    });
  });

  it('liveness only: comparison_type -1 with uuid and no photo; the result passes without a comparison', async () => {
    const issued = await issue(request({ mode: 'liveness', images: undefined }));
    const { fields, files } = await formOf(upstream.calls(PATH)[0]);
    expect(fields).toMatchObject({ comparison_type: '-1', uuid: 'user-1' });
    expect(files).toEqual({});
    const back = await finishH5(issued.client.kind === 'h5' ? issued.client.url : '', 'PASS');
    expect(back).toContain('method="POST"');
    const result = await provider.fetchResult(issued);
    expect(result).toMatchObject({ resultCode: 1000, resultMessage: 'SUCCESS', verification: undefined });
    expect(upstream.calls('/idn/faceid/lite/get_result')).toHaveLength(1);
  });

  it.each(
    (
      [
        [{ mode: 'idcard' }, 'INVALID_EVENT', 'mode'],
        [{ mode: 'ocr' }, 'INVALID_EVENT', 'mode'],
        [{ bizNo: 'x'.repeat(129) }, 'BAD_ARGUMENTS', 'biz_no'],
        [{ uuid: undefined }, 'MISSING_ARGUMENTS', 'uuid'],
        [{ mode: 'liveness', uuid: 'u'.repeat(513) }, 'BAD_ARGUMENTS', 'uuid'],
        [{ images: {} }, 'MISSING_ARGUMENTS', 'image_ref1'],
        [{ options: { language: 'e n' } }, 'BAD_ARGUMENTS', 'language'],
        [{ options: { language: 1 } }, 'BAD_ARGUMENTS', 'language'],
        [{ options: { procedureType: '' } }, 'BAD_ARGUMENTS', 'procedure_type'],
        [{ options: { procedurePriority: 'a/b' } }, 'BAD_ARGUMENTS', 'procedure_priority'],
        [{ options: { sceneId: 'x'.repeat(65) } }, 'BAD_ARGUMENTS', 'scene_id'],
        [{ options: { bizExtraData: 'x'.repeat(4097) } }, 'BAD_ARGUMENTS', 'biz_extra_data'],
        [{ options: { maximumShootingTime: 1 } }, 'BAD_ARGUMENTS', 'maximum_shooting_time'],
        [{ options: { maximumShootingTime: 61 } }, 'BAD_ARGUMENTS', 'maximum_shooting_time'],
        [{ options: { actionHttpMethod: 'PUT' as 'GET' } }, 'BAD_ARGUMENTS', 'action_http_method'],
        ...(
          [
            'getShootingError',
            'multiOrientedDetection',
            'failWhenRefMultipleFaces',
            'returnMultifacesTag',
            'fmpMode',
            'getFailReason',
            'faceOcclusionDetection',
            'eyeCloseDetection',
            'redirectType',
          ] as const
        ).map((key) => [
          { options: { [key]: 2 } },
          'BAD_ARGUMENTS',
          key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
        ]),
      ] as Array<[Partial<TokenRequest>, string, string]>
    ).map(([o, c, p]) => [c, p, o] as const),
  )('refuses %s:%s offline (case %#)', async (code, param, over) => {
    await expect(issue(request(over))).rejects.toMatchObject({ code, param });
    expect(upstream.requests).toHaveLength(0);
  });

  it('accepts the boundary values, and the sandbox accepts them too', async () => {
    for (const edge of [
      request({
        bizNo: 'b'.repeat(128),
        uuid: 'u'.repeat(512),
        options: { maximumShootingTime: 2, actionHttpMethod: 'POST' },
      }),
      request({
        mode: 'liveness',
        images: undefined,
        options: { maximumShootingTime: 60, bizExtraData: 'x'.repeat(4096) },
      }),
    ]) {
      await expect(issue(edge)).resolves.toMatchObject({ client: { kind: 'h5' } });
    }
  });
});

describe('megvii-overseas error rows (docs/providers.md#doc-megvii-overseas, some in `error`, others in `error_message`)', () => {
  itParsesEveryRow(
    OVERSEAS_ERRORS,
    PATH,
    () => sandbox.url,
    () => issue(request()),
  );

  it('a wrong key pair is 403 AUTHENTICATION_ERROR', async () => {
    const wrong = createMegviiOverseasProvider({ ...config, apiKey: 'nope' });
    await expect(issue(request(), wrong)).rejects.toMatchObject({
      status: 403,
      code: 'AUTHENTICATION_ERROR',
    });
  });
});
