import type { FormValue } from './http';
import { answerString, onlyWith, postForm, sdkOnly, type MegviiConfig } from './megvii-common';
import { megviiSign, randomRdm, SIGN_VALIDITY_S } from './megvii-sign';
import { optionFields, optionValue, validated } from './options';
import { checkMaxBytes, requireValue } from './rules';
import type { FaceIdProvider, IssuedToken, TokenRequest, ValidTokenRequest } from './types';

/** The host of docs/providers.md#doc-megvii-app (App-GetBizToken). */
export const APP_DEFAULT_BASE_URL = 'https://api.megvii.com';
const APP_GET_BIZ_TOKEN_PATH = '/faceid/v3/sdk/get_biz_token';
/** A biz_token is valid for one hour (docs/providers.md#doc-megvii-app). */
const APP_TOKEN_TTL_MS = 60 * 60 * 1000;

interface AppConfig extends MegviiConfig {
  /** The sign's `rdm` (tests fix it); default 10 random digits. */
  rdm?: () => string;
}

/** The rules of docs/providers.md#doc-megvii-app beyond the option table, offline: the face photo only with liveness_type raw_image. */
function appRules(req: TokenRequest): void {
  checkMaxBytes('biz_no', req.bizNo, 128);
  const raw = optionValue('megvii-app', req, 'livenessType') === 'raw_image';
  onlyWith('image', req.images?.image, raw, 'liveness_type raw_image');
  if (raw) requireValue('image', req.images?.image);
  if (req.mode === 'idcard') {
    requireValue('idcard_name', req.idcard?.name);
    requireValue('idcard_number', req.idcard?.number);
  } else {
    checkMaxBytes('uuid', requireValue('uuid', req.uuid), 128);
    requireValue('image_ref1', req.images?.ref1);
  }
}

/** Checks a request against the product's option table and rules, offline (no call). */
const validateApp = (req: TokenRequest): ValidTokenRequest => validated('megvii-app', req, appRules);

function appFields(req: ValidTokenRequest): Record<string, FormValue> {
  const comparing = req.mode === 'idcard';
  return {
    ...optionFields('megvii-app', req),
    comparison_type: comparing ? 1 : 0,
    idcard_name: comparing ? req.idcard?.name : undefined,
    idcard_number: comparing ? req.idcard?.number : undefined,
    uuid: comparing ? undefined : req.uuid,
    image_ref1: req.images?.ref1,
    image_ref2: req.images?.ref2,
    biz_no: req.bizNo,
    image: req.images?.image,
  };
}

/** Megvii FaceID App (docs/providers.md#doc-megvii-app): a v3-signed get_biz_token whose biz_token starts the MegLiveStill SDK. */
export function createMegviiAppProvider(config: AppConfig): FaceIdProvider {
  async function issueToken(req: ValidTokenRequest): Promise<IssuedToken> {
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
    validate: validateApp,
    issueToken,
    ...sdkOnly('megvii-app', "the MegLiveStill SDK and Megvii's SDK get_result"),
  };
}
