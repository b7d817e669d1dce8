import { createHash, timingSafeEqual } from 'node:crypto';
import { FaceIdError } from '../errors';
import type { Thresholds } from '../../miniprogram/shared/events';
import type { Config } from '../config';
import { readComparison, readImages } from './fidlite';
import type { FormValue } from './http';
import { megviiConfig, postForm, answerString, type MegviiConfig } from './megvii-common';
import { numeric } from './rules';
import type {
  FaceIdProvider,
  IdcardFields,
  IssuedToken,
  NotifyRef,
  ProviderResult,
  ValidTokenRequest,
} from './types';

/** Megvii's H5 (Lite) products: docs/providers.md#doc-megvii-lite on api.megvii.com, docs/providers.md#doc-megvii-overseas on api-idn.megvii.com. */
export interface H5Config extends MegviiConfig {
  returnUrl: string;
  notifyUrl: string;
  /** The false-accept band a comparison must reach to pass. */
  threshold: keyof Thresholds;
  /** get_result's `return_image` (0: none). */
  returnImage: number;
}

const GET_TOKEN_PATH = '/faceid/lite/get_token';
const GET_RESULT_PATH = '/faceid/lite/get_result';
const DO_PATH = '/faceid/lite/do';
/** get_result may be called 3 times a day per biz_id (reference notes). */
const LITE_RESULT_CALLS_PER_DAY = 3;

/** The H5 products' settings: the Megvii pair, return/notify URLs (for tokens), FACEID_MATCH_THRESHOLD. */
export function h5Config(
  config: Config,
  now: () => number,
  purpose: 'token' | 'result',
  defaultBaseUrl: string,
): H5Config {
  const threshold = config.FACEID_MATCH_THRESHOLD;
  return {
    ...megviiConfig(config, now, defaultBaseUrl),
    returnUrl: purpose === 'token' ? config.FACEID_RETURN_URL : '',
    notifyUrl: purpose === 'token' ? config.FACEID_NOTIFY_URL : '',
    threshold,
    returnImage: config.FACEID_KEEP_IMAGES ? 1 : 0,
  };
}

/** Calls get_token with the product's fields; the answer's token opens `<host>/faceid/lite/do?token=`. */
async function issueH5Token(config: H5Config, fields: Record<string, FormValue>): Promise<IssuedToken> {
  const { body } = await postForm(config, GET_TOKEN_PATH, {
    api_key: config.apiKey,
    api_secret: config.apiSecret,
    return_url: config.returnUrl,
    notify_url: config.notifyUrl,
    ...fields,
  });
  const token = answerString(body, 'token', 'get_token');
  const bizId = answerString(body, 'biz_id', 'get_token');
  const expired = numeric(body.expired_time);
  if (expired === undefined) {
    throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: 'get_token answered without expired_time' });
  }
  return {
    bizToken: token,
    resultRef: bizId,
    expiresAt: expired * 1000,
    client: { kind: 'h5', url: `${config.baseUrl}${DO_PATH}?token=${encodeURIComponent(token)}` },
  };
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** A liveness attack the face_genuineness block reports, as a 4100 message of docs/providers.md#doc-fidlite. */
function attack(liveness: Json): string | undefined {
  const g = obj(liveness.face_genuineness);
  if (numeric(g.face_replaced) === 1) return 'CHANGE_FACE_ATTACK';
  for (const kind of ['synthetic_face', 'mask', 'screen_replay']) {
    const confidence = numeric(g[`${kind}_confidence`]);
    const threshold = numeric(g[`${kind}_threshold`]);
    if (confidence !== undefined && threshold !== undefined && confidence >= threshold)
      return 'FAIL_LIVING_FACE_ATTACK';
  }
  return undefined;
}

/** The result code and message of a get_result answer (the table in docs/providers.md). */
function classify(
  body: Json,
  comparisons: NonNullable<ProviderResult['verification']>,
  threshold: keyof Thresholds,
): [number, string] {
  const status = body.status;
  switch (status) {
    case 'NOT_STARTED':
    case 'PROCESSING':
      return [9000, 'LIVING_NOT_START'];
    case 'CANCELLED':
      return [6000, 'USER_CANCEL'];
    case 'TIMEOUT':
      return [6000, 'TIMEOUT'];
    case 'WEBRTC_UNSUPPORTED':
      return [4200, 'VIDEO_FORMAT_UNSUPPORTED'];
    case 'OK':
    case 'FAILED':
      break;
    default:
      throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: 'get_result answered an unknown status' });
  }
  const liveness = obj(body.liveness_result);
  const attacked = attack(liveness);
  if (attacked) return [4100, attacked];
  if (liveness.result !== undefined && liveness.result !== 'PASS') return [4200, 'VIDEO_MANY_TIMES'];
  const compared = Object.values(comparisons).filter((c) => c !== undefined);
  if (compared.some((c) => c.confidence < c.thresholds[threshold])) return [2000, 'PASS_LIVING_NOT_THE_SAME'];
  return status === 'OK' ? [1000, 'SUCCESS'] : [4200, 'VIDEO_INTERNAL_ERROR'];
}

function readIdcardInfo(value: unknown): IdcardFields | undefined {
  const info = obj(value);
  const validDate = str(info.idcard_valid_date);
  const fields: IdcardFields = {
    name: str(info.idcard_name),
    idcardNumber: str(info.idcard_number),
    validDateEnd: validDate?.split('-')[1]?.replace(/\D/g, '') || undefined,
  };
  return Object.values(fields).some(Boolean) ? fields : undefined;
}

/** Maps a Lite get_result answer to the result terms of docs/providers.md#doc-fidlite. */
function mapLiteResult(body: Json, bizToken: string, threshold: keyof Thresholds): ProviderResult {
  const verify = obj(body.verify_result);
  const verification = {
    idcard: readComparison(verify.result_faceid) ?? readComparison(verify.result_idcard_datasource),
    ref1: readComparison(verify.result_ref1),
    ref2: readComparison(verify.result_ref2),
  };
  const [resultCode, resultMessage] = classify(body, verification, threshold);
  return {
    bizToken,
    bizNo: str(obj(body.biz_info).biz_no) ?? '',
    resultCode,
    resultMessage,
    verification: Object.values(verification).some(Boolean) ? verification : undefined,
    idcard: readIdcardInfo(body.idcard_info),
    images: readImages(body.images),
  };
}

/** Reads get_result for a biz_id (POST, so the secret never sits in a URL). */
async function fetchH5Result(
  config: H5Config,
  ref: { bizToken: string; resultRef?: string },
): Promise<ProviderResult> {
  if (!ref.resultRef) {
    throw new FaceIdError('INVALID_EVENT', { param: 'biz_id', detail: 'the record has no biz_id' });
  }
  const { body } = await postForm(config, GET_RESULT_PATH, {
    api_key: config.apiKey,
    api_secret: config.apiSecret,
    biz_id: ref.resultRef,
    return_image: config.returnImage,
  });
  return mapLiteResult(body, ref.bizToken, config.threshold);
}

/** `sign` of a Lite notify: lower-case hex SHA-1 of api_secret followed by the `data` text (Megvii's Lite docs). */
function liteNotifySign(apiSecret: string, data: string): string {
  return createHash('sha1')
    .update(apiSecret + data, 'utf8')
    .digest('hex');
}

/** Verifies a Lite notify's `sign` (FORBIDDEN on mismatch) and returns its biz_id. */
function readSignedNotify(apiSecret: string, fields: Record<string, string>): NotifyRef {
  const data = fields.data;
  if (!data) throw new FaceIdError('INVALID_EVENT', { param: 'data', detail: 'notify has no data' });
  const expected = Buffer.from(liteNotifySign(apiSecret, data), 'utf8');
  const given = Buffer.from((fields.sign ?? '').toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new FaceIdError('FORBIDDEN', { param: 'sign', detail: 'notify sign does not match' });
  }
  let parsed: Json;
  try {
    parsed = obj(JSON.parse(data));
  } catch {
    throw new FaceIdError('INVALID_EVENT', { param: 'data', detail: 'notify data is not JSON' });
  }
  const bizId = str(obj(parsed.biz_info).biz_id) ?? str(parsed.biz_id);
  if (!bizId || bizId.length > 256) {
    throw new FaceIdError('INVALID_EVENT', { param: 'biz_id', detail: 'notify data has no biz_id' });
  }
  return { resultRef: bizId };
}

/** What distinguishes one H5 product: its name, its validation and its get_token fields. */
interface H5Product {
  name: FaceIdProvider['name'];
  validate: FaceIdProvider['validate'];
  fields(req: ValidTokenRequest): Record<string, FormValue>;
}

/** An H5 product over Lite's protocol: get_token, get_result within 3 calls a day, signed notifies. */
export function createH5Provider(config: H5Config, product: H5Product): FaceIdProvider {
  return {
    name: product.name,
    resultCallsPerDay: LITE_RESULT_CALLS_PER_DAY,
    validate: product.validate,
    issueToken: (req) => issueH5Token(config, product.fields(req)),
    fetchResult: (ref) => fetchH5Result(config, ref),
    readNotify: (fields) => readSignedNotify(config.apiSecret, fields),
  };
}
