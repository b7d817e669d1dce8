import { FaceIdError } from '../errors';
import { callUpstream, type FormValue } from './http';
import { optionFields, validated } from './options';
import { checkMaxBytes, numeric, requireValue } from './rules';
import type {
  Comparison,
  FaceIdProvider,
  IdcardFields,
  IssuedToken,
  NotifyRef,
  ProviderResult,
  TokenRequest,
  ValidTokenRequest,
} from './types';

/** The Aliyun market host of FaceID Lite (docs/providers.md#doc-fidlite). */
export const FIDLITE_DEFAULT_BASE_URL = 'https://fidlite.market.alicloudapi.com';

/** A biz_token lives one hour (docs/providers.md#doc-fidlite). */
const FIDLITE_TOKEN_TTL_MS = 60 * 60 * 1000;

interface FidliteConfig {
  appcode: string;
  baseUrl: string;
  returnUrl: string;
  notifyUrl: string;
  timeoutMs: number;
  now: () => number;
}

/** A `{ confidence, thresholds }` block, or undefined when it is incomplete. */
export function readComparison(value: unknown): Comparison | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const t = (v.thresholds ?? {}) as Record<string, unknown>;
  const confidence = numeric(v.confidence);
  const thresholds = {
    '1e-3': numeric(t['1e-3']),
    '1e-4': numeric(t['1e-4']),
    '1e-5': numeric(t['1e-5']),
    '1e-6': numeric(t['1e-6']),
  };
  if (confidence === undefined || Object.values(thresholds).some((x) => x === undefined)) return undefined;
  return { confidence, thresholds: thresholds as Comparison['thresholds'] };
}

function readIdcard(value: unknown): IdcardFields | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
  return {
    name: str(v.name),
    idcardNumber: str(v.idcard_number),
    gender: str(v.gender),
    validDateEnd: str(v.valid_date_end),
  };
}

/** The non-empty base64 images of an `images` object. */
export function readImages(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>))
    if (typeof v === 'string' && v) out[key] = v;
  return Object.keys(out).length ? out : undefined;
}

/** The rules of docs/providers.md#doc-fidlite beyond the option table, offline. */
function fidliteRules(req: TokenRequest): void {
  checkMaxBytes('biz_no', req.bizNo, 128);
  if (req.mode === 'idcard') {
    requireValue('idcard_name', req.idcard?.name);
    requireValue('idcard_number', req.idcard?.number);
  }
  if (req.mode === 'reference') {
    checkMaxBytes('uuid', requireValue('uuid', req.uuid), 128);
    requireValue('image_ref1', req.images?.ref1);
  }
}

/** Checks a request against the product's option table and rules, offline (no call). */
const validateFidlite = (req: TokenRequest): ValidTokenRequest => validated('fidlite', req, fidliteRules);

/** FaceID Lite through the Aliyun API market (docs/providers.md#doc-fidlite): APPCODE auth, biz_token for the mini-program component. */
export function createFidliteProvider(config: FidliteConfig): FaceIdProvider {
  const base = config.baseUrl.replace(/\/+$/, '');
  const headers = { Authorization: `APPCODE ${config.appcode}` };

  function tokenForm(req: ValidTokenRequest): Record<string, FormValue> {
    const form: Record<string, FormValue> = {
      return_url: config.returnUrl,
      notify_url: config.notifyUrl,
      biz_no: req.bizNo,
      liveness_type: 'video_number',
      ...optionFields('fidlite', req),
    };
    if (req.mode === 'idcard') {
      Object.assign(form, {
        comparison_type: 1,
        group: 0,
        idcard_name: req.idcard?.name,
        idcard_number: req.idcard?.number,
      });
    } else if (req.mode === 'ocr') {
      Object.assign(form, { comparison_type: 1, group: 1 });
    } else {
      Object.assign(form, {
        comparison_type: 0,
        uuid: req.uuid,
        image_ref1: req.images?.ref1,
        image_ref2: req.images?.ref2,
      });
    }
    return form;
  }

  async function issueToken(req: ValidTokenRequest): Promise<IssuedToken> {
    const { body } = await callUpstream({
      method: 'POST',
      url: `${base}/lite/v1/get_biz_token`,
      headers,
      form: tokenForm(req),
      timeoutMs: config.timeoutMs,
    });
    const bizToken = body.biz_token;
    if (typeof bizToken !== 'string' || bizToken === '') {
      throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: 'get_biz_token answered without biz_token' });
    }
    return {
      bizToken,
      expiresAt: config.now() + FIDLITE_TOKEN_TTL_MS,
      client: { kind: 'component', token: bizToken },
    };
  }

  async function fetchResult(ref: { bizToken: string }): Promise<ProviderResult> {
    const { body } = await callUpstream({
      method: 'GET',
      url: `${base}/lite/v1/get_result?biz_token=${encodeURIComponent(ref.bizToken)}`,
      headers,
      timeoutMs: config.timeoutMs,
    });
    const resultCode = numeric(body.result_code);
    if (resultCode === undefined || typeof body.result_message !== 'string') {
      throw new FaceIdError('BAD_UPSTREAM_RESPONSE', {
        detail: 'get_result answered without result_code/result_message',
      });
    }
    const v = (body.verification ?? {}) as Record<string, unknown>;
    const verification = {
      idcard: readComparison(v.idcard),
      ref1: readComparison(v.ref1),
      ref2: readComparison(v.ref2),
    };
    const hasVerification = Object.values(verification).some(Boolean);
    return {
      bizToken: typeof body.biz_token === 'string' ? body.biz_token : ref.bizToken,
      bizNo: typeof body.biz_no === 'string' ? body.biz_no : '',
      resultCode,
      resultMessage: body.result_message,
      verification: hasVerification ? verification : undefined,
      idcard: readIdcard(body.idcard_result),
      images: readImages(body.images),
    };
  }

  function readNotify(fields: Record<string, string>): NotifyRef {
    let data: unknown;
    try {
      data = JSON.parse(fields.data ?? '');
    } catch {
      throw new FaceIdError('INVALID_EVENT', { param: 'data', detail: 'notify data is not JSON' });
    }
    const bizToken = (data as Record<string, unknown> | null)?.biz_token;
    if (typeof bizToken !== 'string' || bizToken === '' || bizToken.length > 256) {
      throw new FaceIdError('INVALID_EVENT', { param: 'biz_token', detail: 'notify data has no biz_token' });
    }
    return { bizToken };
  }

  return {
    name: 'fidlite',
    validate: validateFidlite,
    issueToken,
    fetchResult,
    readNotify,
  };
}
