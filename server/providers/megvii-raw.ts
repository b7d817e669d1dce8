import { FaceIdError } from '../errors';
import type { FormValue } from './http';
import { answerString, postForm, refuseImage, sdkOnly, type MegviiConfig } from './megvii-common';
import { optionFields, optionValue, validated } from './options';
import { checkMaxBytes, requireValue } from './rules';
import type { FaceIdProvider, IssuedToken, TokenRequest, ValidTokenRequest } from './types';

/** The Singapore host of docs/providers.md#doc-megvii-raw. */
export const RAW_DEFAULT_BASE_URL = 'https://api-sgp.megvii.com';
const RAW_GET_TOKEN_PATH = '/faceid/lite/raw/get_token';
/** The rules of docs/providers.md#doc-megvii-raw beyond the option table, offline. */
function rawRules(req: TokenRequest): void {
  refuseImage(req, 'megvii-raw');
  checkMaxBytes('biz_no', req.bizNo, 128);
  checkMaxBytes('uuid', requireValue('uuid', req.uuid), 512);
  requireValue('image_ref1', req.images?.ref1);
}

/** Checks a request against the product's option table and rules, offline (no call). */
const validateRaw = (req: TokenRequest): ValidTokenRequest => validated('megvii-raw', req, rawRules);

function rawFields(req: ValidTokenRequest): Record<string, FormValue> {
  return {
    biz_no: req.bizNo,
    ...optionFields('megvii-raw', req),
    comparison_type: '0',
    uuid: req.uuid,
    image_ref1: req.images?.ref1,
    image_ref2: req.images?.ref2,
  };
}

/** Raw-GetToken's error codes; its "Is it billed?" column says No for every one. */
const UNBILLED_ERRORS: ReadonlySet<string> = new Set([
  'AUTHENTICATION_ERROR',
  'CONCURRENCY_LIMIT_EXCEEDED',
  'MISSING_ARGUMENTS',
  'BAD_ARGUMENTS',
  'IMAGE_ERROR_UNSUPPORTED_FORMAT',
  'NO_FACE_FOUND',
  'INVALID_IMAGE_SIZE',
  'AUTHORIZATION_ERROR',
  'API_NOT_FOUND',
  'REQUEST_TOO_LARGE',
  'INTERNAL_ERROR',
]);

/** The same error, its message saying that the Raw document's table does not bill it (for the operator's log). */
function withBilling(err: unknown): unknown {
  if (!(err instanceof FaceIdError) || err.status === 0 || !UNBILLED_ERRORS.has(err.code)) return err;
  return new FaceIdError(err.code, {
    status: err.status,
    param: err.param,
    raw: err.raw,
    retryable: err.retryable,
    detail: `${err.message} (not billed, docs/providers.md#doc-megvii-raw)`,
  });
}

/** Megvii FaceID H5 Lite Raw (docs/providers.md#doc-megvii-raw, Singapore): a token for the flash-liveness JS SDK. */
export function createMegviiRawProvider(config: MegviiConfig): FaceIdProvider {
  async function issueToken(req: ValidTokenRequest): Promise<IssuedToken> {
    const lifeTime = Number(optionValue('megvii-raw', req, 'lifeTime'));
    let body: Record<string, unknown>;
    try {
      ({ body } = await postForm(config, RAW_GET_TOKEN_PATH, {
        api_key: config.apiKey,
        api_secret: config.apiSecret,
        ...rawFields(req),
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
    validate: validateRaw,
    issueToken,
    ...sdkOnly('megvii-raw', 'Raw-GetResultFlash'),
  };
}
