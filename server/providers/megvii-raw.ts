import { FaceIdError } from '../../miniprogram/domain/errors';
import type { TokenOptions } from '../../miniprogram/domain/events';
import type { FormValue } from './http';
import {
  answerString,
  checkFlag,
  checkMode,
  postForm,
  refuseImage,
  sdkOnly,
  type MegviiConfig,
} from './megvii-common';
import { errorRow, RAW_ERRORS } from './megvii-errors';
import { checkIntRange, checkMaxBytes, checkOneOf, requireValue } from './rules';
import type { FaceIdProvider, IssuedToken, TokenRequest } from './types';

export { RAW_ERRORS } from './megvii-errors';

/** The Singapore host of the Megvii Raw document (docs/providers.md#doc-megvii-raw). */
export const RAW_DEFAULT_BASE_URL = 'https://api-sgp.megvii.com';
export const RAW_GET_TOKEN_PATH = '/faceid/lite/raw/get_token';
/** The values the Megvii Raw document (docs/providers.md#doc-megvii-raw) recommends for its two required settings. */
export const RAW_DEFAULT_MAX_UPLOAD_TIMES = 5;
export const RAW_DEFAULT_LIFE_TIME_MIN = 60;

const RAW_OPTIONS: readonly (keyof TokenOptions)[] = [
  'maxUploadTimes',
  'lifeTime',
  'colorNumber',
  'procedureType',
  'language',
  'livenessPreferences',
  'multiOrientedDetection',
  'failWhenRefMultipleFaces',
  'returnMultifacesTag',
  'faceOcclusionDetection',
];

/** The Megvii Raw document's parameter rules, offline. */
export function validateRaw(req: TokenRequest): void {
  checkMode(req, ['reference'], 'megvii-raw');
  refuseImage(req, 'megvii-raw');
  const o = req.options;
  checkMaxBytes('biz_no', req.bizNo, 128);
  checkIntRange('max_upload_times', o.maxUploadTimes, 2, 5);
  checkIntRange('life_time', o.lifeTime, 5, 1440);
  checkOneOf('color_number', o.colorNumber, [4, 6, 8]);
  checkOneOf('procedure_type', o.procedureType, ['raw_flash']);
  checkOneOf('language', o.language, [0, 1]);
  checkOneOf('liveness_preferences', o.livenessPreferences, ['none']);
  checkFlag('multi_oriented_detection', o.multiOrientedDetection);
  checkFlag('fail_when_ref_multiple_faces', o.failWhenRefMultipleFaces);
  checkFlag('return_multifaces_tag', o.returnMultifacesTag);
  checkFlag('face_occlusion_detection', o.faceOcclusionDetection);
  checkMaxBytes('uuid', requireValue('uuid', req.uuid), 512);
  requireValue('image_ref1', req.images?.ref1);
}

function rawFields(req: TokenRequest, lifeTime: number): Record<string, FormValue> {
  const o = req.options;
  return {
    biz_no: req.bizNo,
    color_number: o.colorNumber,
    liveness_preferences: o.livenessPreferences,
    language: o.language,
    procedure_type: o.procedureType,
    comparison_type: '0',
    uuid: req.uuid,
    image_ref1: req.images?.ref1,
    image_ref2: req.images?.ref2,
    multi_oriented_detection: o.multiOrientedDetection,
    fail_when_ref_multiple_faces: o.failWhenRefMultipleFaces,
    max_upload_times: o.maxUploadTimes ?? RAW_DEFAULT_MAX_UPLOAD_TIMES,
    life_time: lifeTime,
    return_multifaces_tag: o.returnMultifacesTag,
    face_occlusion_detection: o.faceOcclusionDetection,
  };
}

/** The same error, its message saying whether the Megvii Raw document's table bills the call (for the operator's log). */
function withBilling(err: unknown): unknown {
  if (!(err instanceof FaceIdError) || err.status === 0) return err;
  const row = errorRow(RAW_ERRORS, err.code);
  if (!row) return err;
  return new FaceIdError(err.code, {
    status: err.status,
    param: err.param,
    raw: err.raw,
    retryable: err.retryable,
    detail: `${err.message} (${row.billed ? 'billed' : 'not billed'}, Raw-GetToken table)`,
  });
}

/** Megvii FaceID H5 Lite Raw (docs/providers.md#doc-megvii-raw, Singapore): a token for the flash-liveness JS SDK. */
export function createMegviiRawProvider(config: MegviiConfig): FaceIdProvider {
  async function issueToken(req: TokenRequest): Promise<IssuedToken> {
    validateRaw(req);
    const lifeTime = req.options.lifeTime ?? RAW_DEFAULT_LIFE_TIME_MIN;
    let body: Record<string, unknown>;
    try {
      ({ body } = await postForm(config, RAW_GET_TOKEN_PATH, {
        api_key: config.apiKey,
        api_secret: config.apiSecret,
        ...rawFields(req, lifeTime),
      }));
    } catch (err) {
      throw withBilling(err);
    }
    const token = answerString(body, 'token', 'raw/get_token');
    return {
      bizToken: token,
      expiresAt: config.now() + lifeTime * 60 * 1000,
      client: { kind: 'sdk', token },
    };
  }

  return {
    name: 'megvii-raw',
    modes: ['reference'],
    optionKeys: RAW_OPTIONS,
    validate: validateRaw,
    issueToken,
    ...sdkOnly('megvii-raw', 'Raw-GetResultFlash'),
  };
}
