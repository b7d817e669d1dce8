import type { TokenOptions } from '../../miniprogram/domain/events';
import type { FormValue } from './http';
import {
  answerString,
  checkFlag,
  checkMode,
  onlyWith,
  postForm,
  sdkOnly,
  type MegviiConfig,
} from './megvii-common';
import { megviiSign, randomRdm, SIGN_VALIDITY_S } from './megvii-sign';
import { checkIntRange, checkMaxBytes, checkOneOf, requireValue } from './rules';
import type { FaceIdProvider, IssuedToken, TokenRequest } from './types';

/** The host of App-GetBizToken (docs/providers.md#doc-megvii-app). */
export const APP_DEFAULT_BASE_URL = 'https://api.megvii.com';
export const APP_GET_BIZ_TOKEN_PATH = '/faceid/v3/sdk/get_biz_token';
/** A biz_token is valid for one hour (docs/providers.md#doc-megvii-app). */
export const APP_TOKEN_TTL_MS = 60 * 60 * 1000;
/** liveness_type sent when the caller names none (the seed requires one). */
export const DEFAULT_LIVENESS_TYPE = 'meglive';

export interface AppConfig extends MegviiConfig {
  /** The sign's `rdm` (tests fix it); default 10 random digits. */
  rdm?: () => string;
}

const APP_OPTIONS: readonly (keyof TokenOptions)[] = [
  'livenessType',
  'livenessActionCount',
  'eyesCloseDetection',
  'failWhenMultipleFaces',
  'faceQualityThreshold',
  'returnFaces',
  'securityLevel',
  'forceCompare',
  'verbose',
  'multiOrientedDetection',
  'livenessTimeout',
];

/** The Megvii App document's parameter rules, offline: each liveness_type's own parameters, comparison 1 or 0. */
export function validateApp(req: TokenRequest): void {
  checkMode(req, ['idcard', 'reference'], 'megvii-app');
  const o = req.options;
  checkMaxBytes('biz_no', req.bizNo, 128);
  const type = o.livenessType ?? DEFAULT_LIVENESS_TYPE;
  checkOneOf('liveness_type', type, ['meglive', 'still', 'raw_image']);
  onlyWith('liveness_action_count', o.livenessActionCount, type === 'meglive', 'liveness_type meglive');
  checkIntRange('liveness_action_count', o.livenessActionCount, 1, 3);
  onlyWith('eyes_close_detection', o.eyesCloseDetection, type === 'still', 'liveness_type still');
  checkFlag('eyes_close_detection', o.eyesCloseDetection);
  const raw = type === 'raw_image';
  onlyWith('image', req.images?.image, raw, 'liveness_type raw_image');
  onlyWith('fail_when_multiple_faces', o.failWhenMultipleFaces, raw, 'liveness_type raw_image');
  onlyWith('face_quality_threshold', o.faceQualityThreshold, raw, 'liveness_type raw_image');
  onlyWith('return_faces', o.returnFaces, raw, 'liveness_type raw_image');
  if (raw) requireValue('image', req.images?.image);
  checkFlag('fail_when_multiple_faces', o.failWhenMultipleFaces);
  checkIntRange('face_quality_threshold', o.faceQualityThreshold, 0, 100);
  checkFlag('return_faces', o.returnFaces);
  checkOneOf('security_level', o.securityLevel, [1, 2, 3, 4]);
  checkFlag('force_compare', o.forceCompare);
  checkFlag('verbose', o.verbose);
  checkFlag('multi_oriented_detection', o.multiOrientedDetection);
  checkIntRange('liveness_timeout', o.livenessTimeout, 5, 60);
  if (req.mode === 'idcard') {
    requireValue('idcard_name', req.idcard?.name);
    requireValue('idcard_number', req.idcard?.number);
  } else {
    checkMaxBytes('uuid', requireValue('uuid', req.uuid), 128);
    requireValue('image_ref1', req.images?.ref1);
  }
}

function appFields(req: TokenRequest): Record<string, FormValue> {
  const o = req.options;
  const comparing = req.mode === 'idcard';
  return {
    liveness_type: o.livenessType ?? DEFAULT_LIVENESS_TYPE,
    comparison_type: comparing ? 1 : 0,
    idcard_name: comparing ? req.idcard?.name : undefined,
    idcard_number: comparing ? req.idcard?.number : undefined,
    uuid: comparing ? undefined : req.uuid,
    image_ref1: req.images?.ref1,
    image_ref2: req.images?.ref2,
    biz_no: req.bizNo,
    liveness_timeout: o.livenessTimeout,
    liveness_action_count: o.livenessActionCount,
    eyes_close_detection: o.eyesCloseDetection,
    image: req.images?.image,
    fail_when_multiple_faces: o.failWhenMultipleFaces,
    face_quality_threshold: o.faceQualityThreshold,
    return_faces: o.returnFaces,
    verbose: o.verbose,
    security_level: o.securityLevel,
    force_compare: o.forceCompare,
    multi_oriented_detection: o.multiOrientedDetection,
  };
}

/** Megvii FaceID App (docs/providers.md#doc-megvii-app): a v3-signed get_biz_token whose biz_token starts the MegLiveStill SDK. */
export function createMegviiAppProvider(config: AppConfig): FaceIdProvider {
  async function issueToken(req: TokenRequest): Promise<IssuedToken> {
    validateApp(req);
    const currentTime = Math.floor(config.now() / 1000);
    const sign = megviiSign(config.apiSecret, {
      apiKey: config.apiKey,
      expireTime: currentTime + SIGN_VALIDITY_S,
      currentTime,
      rdm: (config.rdm ?? randomRdm)(),
    });
    const { body } = await postForm(config, APP_GET_BIZ_TOKEN_PATH, {
      sign,
      sign_version: 'hmac_sha1',
      ...appFields(req),
    });
    const bizToken = answerString(body, 'biz_token', 'get_biz_token');
    return {
      bizToken,
      expiresAt: config.now() + APP_TOKEN_TTL_MS,
      client: { kind: 'sdk', token: bizToken },
    };
  }

  return {
    name: 'megvii-app',
    modes: ['idcard', 'reference'],
    optionKeys: APP_OPTIONS,
    validate: validateApp,
    issueToken,
    ...sdkOnly('megvii-app', "the MegLiveStill SDK and Megvii's SDK get_result"),
  };
}
