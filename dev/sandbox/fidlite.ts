/** FaceID "fidlite" as the Aliyun market serves it (docs/providers.md#doc-fidlite): get_biz_token and get_result behind an APPCODE. */
import type { ParsedBody } from './body';
import { RESULT_JPEG, SAMPLE_IDCARD } from './fixtures';
import type { Flow, FlowConfig } from './flows';
import { imageInfo } from './images';
import type { SandboxProvider } from './provider';
import { ApiError, MAX_BODY_BYTES, type RequestContext, type RouteRegistry } from './server';

export const FIDLITE_PREFIX = '/lite/v1';

/** The thresholds of the fidlite document's verification example. */
export const THRESHOLDS = Object.freeze({
  '1e-3': 62.168713,
  '1e-4': 69.31534,
  '1e-5': 74.39926,
  '1e-6': 78.038055,
});
/** Confidence reported when the faces match (the fidlite document's example). */
export const PASS_CONFIDENCE = 86.4735;
/** Confidence reported for PASS_LIVING_NOT_THE_SAME. */
export const NOT_SAME_CONFIDENCE = 41.2087;

const missing = (key: string): ApiError => new ApiError(400, `MISSING_ARGUMENTS:${key}`);
const bad = (key: string): ApiError => new ApiError(400, `BAD_ARGUMENTS:${key}`);

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const URL_PATTERN = /^https?:\/\/\S+$/i;
const ID_NUMBER = /^\d{17}[\dXx]$/;

/** Reads a text parameter; empty counts as absent, a file under a text name is malformed. */
function param(body: ParsedBody, key: string): string | undefined {
  const value = body.fields.get(key);
  if (value === undefined && body.files.has(key)) throw bad(key);
  return value === '' ? undefined : value;
}

function required(body: ParsedBody, key: string): string {
  const value = param(body, key);
  if (value === undefined) throw missing(key);
  return value;
}

function integer(body: ParsedBody, key: string, allowed: readonly number[], fallback: number): number {
  const value = param(body, key);
  if (value === undefined) return fallback;
  if (!INTEGER.test(value) || !allowed.includes(Number(value))) throw bad(key);
  return Number(value);
}

function url(body: ParsedBody, key: string): string {
  const value = required(body, key);
  if (!URL_PATTERN.test(value)) throw bad(key);
  return value;
}

function maxBytes(value: string, key: string, limit: number): string {
  if (Buffer.byteLength(value, 'utf8') > limit) throw bad(key);
  return value;
}

/** Whether a reference photo was sent; 400 when it is a text field or not a real JPEG/PNG file. */
function image(body: ParsedBody, key: string): boolean {
  const file = body.files.get(key);
  if (!file) {
    if (body.fields.has(key)) throw bad(key);
    return false;
  }
  if (!imageInfo(file.data)) throw bad(key);
  return true;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The document's rules for a name and an ID number (get_biz_token, and the component's confirm steps). */
export function checkIdcardFields(name: string, number: string): void {
  if ([...name].length > 32 || name.includes('\uFFFD')) throw bad('idcard_name');
  if (!ID_NUMBER.test(number)) throw bad('idcard_number');
}

/** Applies the fidlite document's parameter rules to a get_biz_token body; throws the seed's 400 errors. */
function parseBizTokenParams(body: ParsedBody): FlowConfig {
  const returnUrl = url(body, 'return_url');
  const notifyUrl = url(body, 'notify_url');
  const bizNo = maxBytes(param(body, 'biz_no') ?? '', 'biz_no', 128);
  const comparisonType = required(body, 'comparison_type');
  if (comparisonType !== '0' && comparisonType !== '1') throw bad('comparison_type');
  const group = integer(body, 'group', [0, 1], 0) as 0 | 1;
  let hasIdcardData = false;
  if (comparisonType === '1' && group === 0) {
    checkIdcardFields(required(body, 'idcard_name'), required(body, 'idcard_number'));
    hasIdcardData = true;
  }
  const thresholdText = param(body, 'idcard_threshold');
  const idcardThreshold = thresholdText === undefined ? 0.8 : Number(thresholdText);
  if (
    thresholdText !== undefined &&
    (!DECIMAL.test(thresholdText) || !(idcardThreshold >= 0 && idcardThreshold <= 1))
  ) {
    throw bad('idcard_threshold');
  }
  const idcardRetryTime = integer(body, 'idcard_retry_time', range(1, 5), 3);
  const idcardSide = integer(body, 'idcard_side', [0, 1], 0) as 0 | 1;
  if (required(body, 'liveness_type') !== 'video_number') throw bad('liveness_type');
  const securityLevel = integer(body, 'security_level', [1, 2, 3], 2);
  const livenessPreferences = integer(body, 'liveness_preferences', [1, 2], 1);
  const livenessRetryCount = integer(body, 'liveness_retry_count', range(1, 5), 3);
  if (comparisonType === '0') {
    maxBytes(required(body, 'uuid'), 'uuid', 128);
    if (!body.files.has('image_ref1') && !body.fields.has('image_ref1')) throw missing('image_ref1');
  }
  const refs: FlowConfig['refs'] = [];
  if (image(body, 'image_ref1')) refs.push('ref1');
  if (image(body, 'image_ref2')) refs.push('ref2');
  return {
    bizNo,
    returnUrl,
    notifyUrl,
    comparisonType: comparisonType === '1' ? 1 : 0,
    group: comparisonType === '1' ? group : 0,
    idcardSide,
    idcardThreshold,
    idcardRetryTime,
    securityLevel,
    livenessPreferences,
    livenessRetryCount,
    hasIdcardData,
    refs,
  };
}

/** Whether the flow reads the ID card by OCR (comparison_type 1, group 1). */
export function isOcrFlow(flow: Flow): boolean {
  return flow.config.comparisonType === 1 && flow.config.group === 1;
}

/** The legality block of a recognised side (docs/providers.md#doc-fidlite). */
export function legality(idPhoto: number, threshold: number): Record<string, number> {
  return {
    Photocopy: 0,
    Edited: 0,
    ID_Photo: idPhoto,
    Screen: Number((1 - idPhoto).toFixed(3)),
    Temporary_ID_Photo: 0,
    ID_Photo_Threshold: threshold,
  };
}

function idcardResult(flow: Flow): Record<string, unknown> {
  const { front, back } = flow.ocr;
  const threshold = flow.config.idcardThreshold;
  const s = SAMPLE_IDCARD;
  const when = (side: boolean, value: string): string => (side ? value : '');
  return {
    name: when(front, s.name),
    idcard_number: when(front, s.idcard_number),
    gender: when(front, s.gender),
    nationality: when(front, s.nationality),
    birth_year: when(front, s.birth_year),
    birth_month: when(front, s.birth_month),
    birth_day: when(front, s.birth_day),
    address: when(front, s.address),
    issued_by: when(back, s.issued_by),
    valid_date_start: when(back, s.valid_date_start),
    valid_date_end: when(back, s.valid_date_end),
    ...(front ? { frontside_legality: legality(1, threshold), frontside_completeness: 0 } : {}),
    ...(back ? { backside_legality: legality(0.999, threshold), backside_completeness: 0 } : {}),
    image_portrait: when(front, RESULT_JPEG.buffer.toString('base64')),
  };
}

const FACE_SEEN = new Set([1000, 2000, 3000, 4100]);

/** The get_result answer for a flow (without request_id and time_used). */
function resultBody(flow: Flow): Record<string, unknown> {
  const jpeg = RESULT_JPEG.buffer.toString('base64');
  const base = { biz_token: flow.bizToken, biz_no: flow.config.bizNo };
  const result = flow.result;
  if (!result)
    return { ...base, result_code: '9000', result_message: 'LIVING_NOT_START', action: [], images: {} };
  const code = result.row.code;
  const images: Record<string, string> = {};
  if (result.step === 'video_verify' && FACE_SEEN.has(code)) images.image_best = jpeg;
  if (isOcrFlow(flow) && flow.ocr.front) {
    images.idcard_frontside = jpeg;
    images.idcard_portrait = jpeg;
  }
  if (isOcrFlow(flow) && flow.ocr.back) images.idcard_backside = jpeg;
  const body: Record<string, unknown> = {
    ...base,
    result_code: String(code),
    result_message: result.row.message,
    action: [],
    images,
  };
  if (isOcrFlow(flow) && (flow.ocr.front || flow.ocr.back)) body.idcard_result = idcardResult(flow);
  if (code === 1000 || code === 2000) {
    const compared = {
      confidence: code === 1000 ? PASS_CONFIDENCE : NOT_SAME_CONFIDENCE,
      thresholds: THRESHOLDS,
    };
    const verification: Record<string, unknown> = {};
    if (flow.config.comparisonType === 1) verification.idcard = compared;
    for (const ref of flow.config.refs) verification[ref] = compared;
    body.verification = verification;
  }
  return body;
}

function checkAppcode(ctx: RequestContext, appcode: string): void {
  const match = /^APPCODE\s+(\S+)\s*$/.exec(ctx.req.headers.authorization ?? '');
  if (!match || match[1] !== appcode) {
    throw new ApiError(403, 'AUTHORIZATION_ERROR:INVALID_APPCODE', {
      'X-Ca-Error-Message': 'Invalid AppCode',
    });
  }
}

/** POST get_biz_token and GET get_result under /lite/v1, behind `Authorization: APPCODE <code>`. */
export const fidliteProvider: SandboxProvider = {
  name: 'fidlite',
  register(http: RouteRegistry, { flows, appcode }) {
    http.route({
      method: 'POST',
      path: `${FIDLITE_PREFIX}/get_biz_token`,
      async handler(ctx) {
        checkAppcode(ctx, appcode);
        const body = await ctx.body({ maxBytes: MAX_BODY_BYTES });
        if (flows.accountStatus) throw new ApiError(403, `AUTHORIZATION_ERROR:${flows.accountStatus}`);
        const flow = flows.issue(parseBizTokenParams(body));
        ctx.send(200, { biz_token: flow.bizToken });
      },
    });
    http.route({
      method: 'GET',
      path: `${FIDLITE_PREFIX}/get_result`,
      handler(ctx) {
        checkAppcode(ctx, appcode);
        const token = ctx.url.searchParams.get('biz_token');
        if (!token) throw missing('biz_token');
        const flow = flows.find(token);
        if (!flow) throw bad('biz_token');
        ctx.send(200, resultBody(flow));
      },
    });
  },
};
