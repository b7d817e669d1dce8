/** The result codes of FaceID get_result (docs/providers.md#doc-fidlite), each on its outcome family; the page words them. */

export type Outcome =
  | 'passed'
  | 'not_same_person'
  | 'identity_mismatch'
  | 'idcard_error'
  | 'fake_idcard'
  | 'liveness_attack'
  | 'liveness_failed'
  | 'account_error'
  | 'cancelled'
  | 'not_started'
  /** The token's life ended without a final result (no FaceID result code). */
  | 'expired';

interface ResultCodeRow {
  code: number;
  message: string;
  outcome: Outcome;
  /** Whether starting a new verification makes sense for the user. */
  retryable: boolean;
}

/** Every row of the fidlite document's result-code table, in the seed's order. */
export const RESULT_CODES: readonly ResultCodeRow[] = [
  {
    code: 1000,
    message: 'SUCCESS',
    outcome: 'passed',
    retryable: false,
  },
  {
    code: 2000,
    message: 'PASS_LIVING_NOT_THE_SAME',
    outcome: 'not_same_person',
    retryable: true,
  },
  {
    code: 3000,
    message: 'NO_ID_CARD_NUMBER',
    outcome: 'identity_mismatch',
    retryable: true,
  },
  {
    code: 3000,
    message: 'ID_NUMBER_NAME_NOT_MATCH',
    outcome: 'identity_mismatch',
    retryable: true,
  },
  {
    code: 3100,
    message: 'IDCARD_PHOTO_FRONTSIDE',
    outcome: 'idcard_error',
    retryable: true,
  },
  {
    code: 3100,
    message: 'IDCARD_BACKSIDE_BLURRED',
    outcome: 'idcard_error',
    retryable: true,
  },
  {
    code: 3100,
    message: 'NO_FACE_FOUND_IDCARD',
    outcome: 'idcard_error',
    retryable: true,
  },
  {
    code: 3100,
    message: 'IDCARD_PHOTO_NOTFRONTSIDE',
    outcome: 'idcard_error',
    retryable: true,
  },
  {
    code: 3100,
    message: 'IDCARD_PHOTO_NOTBACKSIDE',
    outcome: 'idcard_error',
    retryable: true,
  },
  {
    code: 3200,
    message: 'FAIL_OCR_FAKE_IDCARD',
    outcome: 'fake_idcard',
    retryable: false,
  },
  {
    code: 4100,
    message: 'FAIL_LIVING_FACE_ATTACK',
    outcome: 'liveness_attack',
    retryable: false,
  },
  {
    code: 4100,
    message: 'CHANGE_FACE_ATTACK',
    outcome: 'liveness_attack',
    retryable: false,
  },
  {
    code: 4200,
    message: 'NO_FACE_FOUND',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'FACE_QUALITY_TOO_LOW',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'INVALID_VIDEO_DURATION',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_TOO_LARGE',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'SR_ERROR',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'NOT_SYNCHRONIZED',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'NO_AUDIO',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_FORMAT_UNSUPPORTED',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'LIP_VOICE_NOT_SYNC',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_OK',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_MANY_TIMES',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_INTERNAL_ERROR',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    code: 5000,
    message: 'NON_ENTERPRISE_CERTIFICATION',
    outcome: 'account_error',
    retryable: false,
  },
  {
    code: 5000,
    message: 'BALANCE_NOT_ENOUGH',
    outcome: 'account_error',
    retryable: false,
  },
  {
    code: 5000,
    message: 'ACCOUNT_DISABLED',
    outcome: 'account_error',
    retryable: false,
  },
  {
    code: 6000,
    message: 'USER_CANCEL',
    outcome: 'cancelled',
    retryable: true,
  },
  {
    code: 9000,
    message: 'LIVING_NOT_START',
    outcome: 'not_started',
    retryable: true,
  },
];

/** A WeChat 人脸核身 2.0 result: the `verify_ret` values it stands for, on the family code of the table above. */
interface WechatResultRow extends ResultCodeRow {
  verifyRets: readonly number[];
}

/** The table's row of a code and message (the same row for every product that reports it). */
function tableRow(code: number, message: string): ResultCodeRow {
  const row = RESULT_CODES.find((r) => r.code === code && r.message === message);
  if (!row) throw new Error(`no result-code row ${code} ${message}`);
  return row;
}

/**
 * Every `verify_ret` of queryVerifyInfo (developers.weixin.qq.com/miniprogram/dev/server/API/face/api_queryverifyinfo)
 * on the outcome families above; passed only for 10000 with errcode 0.
 */
export const WECHAT_RESULTS: readonly WechatResultRow[] = [
  { verifyRets: [10000], ...tableRow(1000, 'SUCCESS') },
  { verifyRets: [90002, 90003, 90004, 90005, 90006], ...tableRow(6000, 'USER_CANCEL') },
  {
    verifyRets: [90008],
    code: 4200,
    message: 'CAMERA_DENIED',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    verifyRets: [90009],
    code: 4200,
    message: 'MICROPHONE_DENIED',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    verifyRets: [90010],
    code: 4200,
    message: 'CAMERA_MICROPHONE_DENIED',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    verifyRets: [90001, 90109],
    code: 4200,
    message: 'DEVICE_UNSUPPORTED',
    outcome: 'liveness_failed',
    retryable: false,
  },
  {
    verifyRets: [90007, 90012],
    code: 4200,
    message: 'WECHAT_NETWORK_ERROR',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    verifyRets: [90018, 90104, 90105, 90106, 90110, 90199],
    code: 4200,
    message: 'WECHAT_SYSTEM_ERROR',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    verifyRets: [90011, 90013, 90014],
    code: 4200,
    message: 'FACE_DATA_INVALID',
    outcome: 'liveness_failed',
    retryable: true,
  },
  {
    verifyRets: [90017, 90107],
    code: 4200,
    message: 'VERIFY_TIMEOUT',
    outcome: 'liveness_failed',
    retryable: true,
  },
];

/** The WeChat result of a `verify_ret`, or undefined for a value the document does not list. */
export function wechatResult(verifyRet: number): WechatResultRow | undefined {
  return WECHAT_RESULTS.find((row) => row.verifyRets.includes(verifyRet));
}

/** WeChat results whose one next step is to allow the camera (and microphone) in WeChat's settings. */
export const WECHAT_PERMISSION_MESSAGES: ReadonlySet<string> = new Set([
  'CAMERA_DENIED',
  'MICROPHONE_DENIED',
  'CAMERA_MICROPHONE_DENIED',
]);

const FAMILY_FALLBACK: Record<number, Outcome> = {
  1000: 'passed',
  2000: 'not_same_person',
  3000: 'identity_mismatch',
  3100: 'idcard_error',
  3200: 'fake_idcard',
  4100: 'liveness_attack',
  4200: 'liveness_failed',
  5000: 'account_error',
  6000: 'cancelled',
  9000: 'not_started',
};

/** Outcomes after which the flow is over and the result will not change. */
export function isFinalOutcome(outcome: Outcome): boolean {
  return outcome !== 'not_started';
}

/**
 * Looks up a result code and message. An unknown message within a known family takes the family's first row
 * (FaceID may add messages); an unknown family is `undefined`.
 */
export function describeResult(code: number | string, message?: string): ResultCodeRow | undefined {
  const numeric = typeof code === 'string' ? Number(code) : code;
  if (!Number.isFinite(numeric)) return undefined;
  const exact =
    RESULT_CODES.find((row) => row.code === numeric && row.message === message) ??
    WECHAT_RESULTS.find((row) => row.code === numeric && row.message === message);
  if (exact) return exact;
  if (!(numeric in FAMILY_FALLBACK)) return undefined;
  const first = RESULT_CODES.find((row) => row.code === numeric);
  if (!first) return undefined;
  return { ...first, message: message ?? first.message };
}
