/** The result codes of FaceID get_result (docs/providers.md#doc-fidlite), each mapped to what the user is told. */

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
  /** Short Chinese title for the result page. */
  title: string;
  /** One or two sentences a user understands. */
  detail: string;
  /** Whether starting a new verification makes sense for the user. */
  retryable: boolean;
}

const OCR_RETRY = '请在光线充足处，将身份证平放并正对镜头重新拍摄。';
const VIDEO_RETRY = '请在安静、光线充足的环境中，正对屏幕重新录制。';

/** Every row of the fidlite document's result-code table, in the seed's order. */
export const RESULT_CODES: readonly ResultCodeRow[] = [
  {
    code: 1000,
    message: 'SUCCESS',
    outcome: 'passed',
    title: '认证通过',
    detail: '您的人脸与身份信息一致，认证已完成。',
    retryable: false,
  },
  {
    code: 2000,
    message: 'PASS_LIVING_NOT_THE_SAME',
    outcome: 'not_same_person',
    title: '人脸比对未通过',
    detail: '活体检测已通过，但人脸与身份证照片或参考照片不是同一人。请确认由本人操作。',
    retryable: true,
  },
  {
    code: 3000,
    message: 'NO_ID_CARD_NUMBER',
    outcome: 'identity_mismatch',
    title: '身份信息核验未通过',
    detail: '权威数据源中没有这个身份证号。请核对身份证号后重试。',
    retryable: true,
  },
  {
    code: 3000,
    message: 'ID_NUMBER_NAME_NOT_MATCH',
    outcome: 'identity_mismatch',
    title: '身份信息核验未通过',
    detail: '身份证号与姓名不一致。请核对姓名和身份证号后重试。',
    retryable: true,
  },
  {
    code: 3100,
    message: 'IDCARD_PHOTO_FRONTSIDE',
    outcome: 'idcard_error',
    title: '身份证识别失败',
    detail: `身份证人像面无法识别（可能模糊、有阴影或光线不足）。${OCR_RETRY}`,
    retryable: true,
  },
  {
    code: 3100,
    message: 'IDCARD_BACKSIDE_BLURRED',
    outcome: 'idcard_error',
    title: '身份证识别失败',
    detail: `身份证国徽面无法识别（可能模糊、有阴影或光线不足）。${OCR_RETRY}`,
    retryable: true,
  },
  {
    code: 3100,
    message: 'NO_FACE_FOUND_IDCARD',
    outcome: 'idcard_error',
    title: '身份证识别失败',
    detail: `身份证人像面上没有找到人脸。${OCR_RETRY}`,
    retryable: true,
  },
  {
    code: 3100,
    message: 'IDCARD_PHOTO_NOTFRONTSIDE',
    outcome: 'idcard_error',
    title: '身份证识别失败',
    detail: `拍摄的不是身份证人像面。${OCR_RETRY}`,
    retryable: true,
  },
  {
    code: 3100,
    message: 'IDCARD_PHOTO_NOTBACKSIDE',
    outcome: 'idcard_error',
    title: '身份证识别失败',
    detail: `拍摄的不是身份证国徽面。${OCR_RETRY}`,
    retryable: true,
  },
  {
    code: 3200,
    message: 'FAIL_OCR_FAKE_IDCARD',
    outcome: 'fake_idcard',
    title: '证件核验未通过',
    detail: '系统判断拍摄的证件不是有效的居民身份证原件。请使用本人身份证原件。',
    retryable: false,
  },
  {
    code: 4100,
    message: 'FAIL_LIVING_FACE_ATTACK',
    outcome: 'liveness_attack',
    title: '活体检测未通过',
    detail: '系统未能确认是真人本人操作。请本人直接面对手机摄像头完成验证。',
    retryable: false,
  },
  {
    code: 4100,
    message: 'CHANGE_FACE_ATTACK',
    outcome: 'liveness_attack',
    title: '活体检测未通过',
    detail: '视频中出现了不同的人。请本人独自完成验证。',
    retryable: false,
  },
  {
    code: 4200,
    message: 'NO_FACE_FOUND',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: `视频中没有检测到人脸。${VIDEO_RETRY}`,
    retryable: true,
  },
  {
    code: 4200,
    message: 'FACE_QUALITY_TOO_LOW',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: `视频画面质量太差。${VIDEO_RETRY}`,
    retryable: true,
  },
  {
    code: 4200,
    message: 'INVALID_VIDEO_DURATION',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: '视频长度不符合要求（应为 2 到 20 秒）。请重新录制。',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_TOO_LARGE',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: '视频文件过大。请缩短录制时间后重试。',
    retryable: true,
  },
  {
    code: 4200,
    message: 'SR_ERROR',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: `未能识别您读出的数字。${VIDEO_RETRY}请清晰地读出屏幕上的数字。`,
    retryable: true,
  },
  {
    code: 4200,
    message: 'NOT_SYNCHRONIZED',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: '读数字时的口型不符合要求。请正对镜头，清晰地读出屏幕上的数字。',
    retryable: true,
  },
  {
    code: 4200,
    message: 'NO_AUDIO',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: '视频中没有声音。请允许使用麦克风后重试。',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_FORMAT_UNSUPPORTED',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: '视频格式无法识别。请更新微信后重试。',
    retryable: true,
  },
  {
    code: 4200,
    message: 'LIP_VOICE_NOT_SYNC',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: '视频中的声音与口型不同步。请重新录制。',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_OK',
    outcome: 'liveness_failed',
    title: '视频验证未完成',
    detail: '视频可用，但验证流程没有完成。请重新开始验证。',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_MANY_TIMES',
    outcome: 'liveness_failed',
    title: '视频验证未通过',
    detail: '视频上传次数已达上限。请稍后重新开始验证。',
    retryable: true,
  },
  {
    code: 4200,
    message: 'VIDEO_INTERNAL_ERROR',
    outcome: 'liveness_failed',
    title: '视频验证出错',
    detail: '活体验证服务内部出错。请稍后重试。',
    retryable: true,
  },
  {
    code: 5000,
    message: 'NON_ENTERPRISE_CERTIFICATION',
    outcome: 'account_error',
    title: '服务暂不可用',
    detail: '认证服务账户尚未完成企业认证。请联系服务提供方。',
    retryable: false,
  },
  {
    code: 5000,
    message: 'BALANCE_NOT_ENOUGH',
    outcome: 'account_error',
    title: '服务暂不可用',
    detail: '认证服务账户余额不足。请联系服务提供方。',
    retryable: false,
  },
  {
    code: 5000,
    message: 'ACCOUNT_DISABLED',
    outcome: 'account_error',
    title: '服务暂不可用',
    detail: '认证服务账户已停用。请联系服务提供方。',
    retryable: false,
  },
  {
    code: 6000,
    message: 'USER_CANCEL',
    outcome: 'cancelled',
    title: '您已退出验证',
    detail: '验证没有完成。需要时可以重新开始。',
    retryable: true,
  },
  {
    code: 9000,
    message: 'LIVING_NOT_START',
    outcome: 'not_started',
    title: '验证尚未开始',
    detail: '还没有进行人脸验证。请开始验证。',
    retryable: true,
  },
];

/** A WeChat 人脸核身 2.0 result: the `verify_ret` values it stands for, on the family code of the table above. */
interface WechatResultRow extends ResultCodeRow {
  verifyRets: readonly number[];
}

/** The table's row of a code and message (the same words for every product that reports it). */
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
    title: '没有摄像头权限',
    detail: '微信没有使用摄像头的权限。请在设置中允许后重试。',
    retryable: true,
  },
  {
    verifyRets: [90009],
    code: 4200,
    message: 'MICROPHONE_DENIED',
    outcome: 'liveness_failed',
    title: '没有麦克风权限',
    detail: '微信没有使用麦克风的权限。请在设置中允许后重试。',
    retryable: true,
  },
  {
    verifyRets: [90010],
    code: 4200,
    message: 'CAMERA_MICROPHONE_DENIED',
    outcome: 'liveness_failed',
    title: '没有摄像头和麦克风权限',
    detail: '微信没有使用摄像头和麦克风的权限。请在设置中允许后重试。',
    retryable: true,
  },
  {
    verifyRets: [90001, 90109],
    code: 4200,
    message: 'DEVICE_UNSUPPORTED',
    outcome: 'liveness_failed',
    title: '这部手机不支持人脸核身',
    detail: '这部手机暂不支持微信人脸核身。请更新微信，或换一部手机，或使用其他方式办理。',
    retryable: false,
  },
  {
    verifyRets: [90007, 90012],
    code: 4200,
    message: 'WECHAT_NETWORK_ERROR',
    outcome: 'liveness_failed',
    title: '网络出错',
    detail: '网络不稳定，验证没有完成。请检查网络后重试。',
    retryable: true,
  },
  {
    verifyRets: [90018, 90104, 90105, 90106, 90110, 90199],
    code: 4200,
    message: 'WECHAT_SYSTEM_ERROR',
    outcome: 'liveness_failed',
    title: '验证服务出错',
    detail: '微信人脸核身暂时出错。请稍后重试。',
    retryable: true,
  },
  {
    verifyRets: [90011, 90013, 90014],
    code: 4200,
    message: 'FACE_DATA_INVALID',
    outcome: 'liveness_failed',
    title: '人脸采集未成功',
    detail: `没有采集到可用的人脸画面。${VIDEO_RETRY}`,
    retryable: true,
  },
  {
    verifyRets: [90017, 90107],
    code: 4200,
    message: 'VERIFY_TIMEOUT',
    outcome: 'liveness_failed',
    title: '验证超时',
    detail: '验证超过了时间仍未完成。请按提示重新验证。',
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

/** What the person is told when the token died before the flow gave a final result (no FaceID code). */
export const EXPIRED_COPY = {
  title: '认证已过期',
  detail: '这次认证超过有效时间仍未完成。需要时可以重新开始。',
} as const;

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
