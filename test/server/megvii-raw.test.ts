import { createMegviiRawProvider } from '../../server/providers/megvii-raw';
import { RAW_ERRORS } from '../support/megvii-errors';
import type { MegviiConfig } from '../../server/providers/megvii-common';
import type { FaceIdProvider, TokenRequest } from '../../server/providers/types';
import type { Sandbox } from '../../dev/sandbox';
import { JPEG, PNG, formOf, itParsesEveryRow } from '../support/megvii';
import { useSandboxUpstream, type RecordingUpstream } from '../support/recording-upstream';
import { issueThrough, megviiConfigFor, NOW, referenceRequest as request } from './providers/builders';

const PATH = '/sgp/faceid/lite/raw/get_token';
let sandbox: Sandbox;
let upstream: RecordingUpstream;
let config: MegviiConfig;
let provider: FaceIdProvider;

const issue = issueThrough(() => provider);

const pair = useSandboxUpstream();

beforeEach(async () => {
  ({ sandbox, upstream } = pair);
  config = megviiConfigFor(`${upstream.url}/sgp`, {
    apiKey: sandbox.apiKey,
    apiSecret: sandbox.apiSecret,
    now: () => NOW,
  });
  provider = createMegviiRawProvider(config);
});

describe('megvii-raw get_token request (docs/providers.md#doc-megvii-raw)', () => {
  it('posts form-data with every field; the token lives life_time minutes', async () => {
    const issued = await issue(
      request({
        images: { ref1: JPEG, ref2: PNG },
        options: {
          maxUploadTimes: 3,
          lifeTime: 30,
          colorNumber: 6,
          procedureType: 'raw_flash',
          language: 1,
          livenessPreferences: 'none',
          multiOrientedDetection: 1,
          failWhenRefMultipleFaces: 0,
          returnMultifacesTag: 1,
          faceOcclusionDetection: 1,
        },
      }),
    );
    const { fields, files } = await formOf(upstream.calls(PATH)[0]);
    expect(fields).toEqual({
      api_key: sandbox.apiKey,
      api_secret: sandbox.apiSecret,
      biz_no: 'biz-1',
      color_number: '6',
      liveness_preferences: 'none',
      language: '1',
      procedure_type: 'raw_flash',
      comparison_type: '0',
      uuid: 'user-1',
      multi_oriented_detection: '1',
      fail_when_ref_multiple_faces: '0',
      max_upload_times: '3',
      life_time: '30',
      return_multifaces_tag: '1',
      face_occlusion_detection: '1',
    });
    expect(files).toEqual({ image_ref1: 'image_ref1.jpg', image_ref2: 'image_ref2.png' });
    expect(issued).toEqual({
      bizToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      expiresAt: NOW + 30 * 60_000,
      client: { kind: 'sdk', token: issued.bizToken },
    });
  });

  it('always sends the required max_upload_times and life_time (seed-recommended 5 and 60 by default)', async () => {
    const issued = await issue(request());
    const { fields } = await formOf(upstream.calls(PATH)[0]);
    expect(fields).toMatchObject({ max_upload_times: '5', life_time: '60', comparison_type: '0' });
    expect(issued.expiresAt).toBe(NOW + 60 * 60_000);
  });

  it.each(
    (
      [
        [{ mode: 'idcard' }, 'INVALID_EVENT', 'mode'],
        [{ mode: 'liveness' }, 'INVALID_EVENT', 'mode'],
        [{ bizNo: 'x'.repeat(129) }, 'BAD_ARGUMENTS', 'biz_no'],
        [{ uuid: undefined }, 'MISSING_ARGUMENTS', 'uuid'],
        [{ uuid: 'u'.repeat(513) }, 'BAD_ARGUMENTS', 'uuid'],
        [{ images: {} }, 'MISSING_ARGUMENTS', 'image_ref1'],
        [{ options: { maxUploadTimes: 1 } }, 'BAD_ARGUMENTS', 'max_upload_times'],
        [{ options: { maxUploadTimes: 6 } }, 'BAD_ARGUMENTS', 'max_upload_times'],
        [{ options: { lifeTime: 4 } }, 'BAD_ARGUMENTS', 'life_time'],
        [{ options: { lifeTime: 1441 } }, 'BAD_ARGUMENTS', 'life_time'],
        [{ options: { lifeTime: 60.5 } }, 'BAD_ARGUMENTS', 'life_time'],
        [{ options: { colorNumber: 5 as 4 } }, 'BAD_ARGUMENTS', 'color_number'],
        [{ options: { procedureType: 'video' } }, 'BAD_ARGUMENTS', 'procedure_type'],
        [{ options: { language: 2 } }, 'BAD_ARGUMENTS', 'language'],
        [{ options: { language: 'en' } }, 'BAD_ARGUMENTS', 'language'],
        [{ options: { livenessPreferences: 'video_strict' } }, 'BAD_ARGUMENTS', 'liveness_preferences'],
        [{ options: { multiOrientedDetection: 2 as 0 } }, 'BAD_ARGUMENTS', 'multi_oriented_detection'],
        [{ options: { failWhenRefMultipleFaces: 2 as 0 } }, 'BAD_ARGUMENTS', 'fail_when_ref_multiple_faces'],
        [{ options: { returnMultifacesTag: 2 as 0 } }, 'BAD_ARGUMENTS', 'return_multifaces_tag'],
        [{ options: { faceOcclusionDetection: 2 as 0 } }, 'BAD_ARGUMENTS', 'face_occlusion_detection'],
      ] as Array<[Partial<TokenRequest>, string, string]>
    ).map(([o, c, p]) => [c, p, o] as const),
  )('refuses %s:%s offline (case %#)', async (code, param, over) => {
    await expect(issue(request(over))).rejects.toMatchObject({ code, param });
    expect(upstream.requests).toHaveLength(0);
  });

  it('accepts the boundary values, and the sandbox accepts them too', async () => {
    for (const options of [
      { maxUploadTimes: 2, lifeTime: 5, colorNumber: 4 as const, language: 0 as const },
      { maxUploadTimes: 5, lifeTime: 1440, colorNumber: 8 as const },
    ]) {
      await expect(
        issue(request({ options, uuid: 'u'.repeat(512), bizNo: 'b'.repeat(128) })),
      ).resolves.toMatchObject({
        client: { kind: 'sdk' },
      });
    }
  });
});

describe('megvii-raw error rows (docs/providers.md#doc-megvii-raw, with the billed column)', () => {
  it('keeps the billed column as data: no row is billed', () => {
    expect(RAW_ERRORS).toHaveLength(11);
    expect(RAW_ERRORS.every((row) => row.billed === false)).toBe(true);
  });

  itParsesEveryRow(
    RAW_ERRORS,
    PATH,
    () => sandbox.url,
    () => issue(request()),
    {
      message: expect.stringContaining('not billed'),
    },
  );

  it('results and notifies are not in the seeds', async () => {
    await expect(provider.fetchResult({ bizToken: 't' })).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    expect(() => provider.readNotify({})).toThrow(expect.objectContaining({ code: 'INVALID_EVENT' }));
  });
});
