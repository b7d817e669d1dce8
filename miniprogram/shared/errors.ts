/** One error type for every FaceID seed's errors and for the product's own, with a Chinese message to show. */

/** Error codes FaceID answers with (the FaceID documents, docs/providers.md#vendor-documents). */
export const FACEID_ERROR_CODES = [
  'MISSING_ARGUMENTS',
  'BAD_ARGUMENTS',
  'AUTHENTICATION_ERROR',
  'AUTHORIZATION_ERROR',
  'CONCURRENCY_LIMIT_EXCEEDED',
  'IMAGE_ERROR_UNSUPPORTED_FORMAT',
  'NO_FACE_FOUND',
  'MULTIPLE_FACES',
  'INVALID_IMAGE_SIZE',
  'LOW_QUALITY',
  'INVALID_NAME_FORMAT',
  'INVALID_IDCARD_NUMBER',
  'API_NOT_FOUND',
  'INTERNAL_ERROR',
  'REQUEST_TOO_LARGE',
] as const;

/** Codes of the product itself: transport failures, configuration, the caller's input, access. */
export const APP_ERROR_CODES = [
  'UPSTREAM_TIMEOUT',
  'NETWORK_ERROR',
  'BAD_UPSTREAM_RESPONSE',
  'UPSTREAM_ERROR',
  'SERVICE_BUSY',
  'CONFIG_MISSING',
  'CONFIG_INVALID',
  'INVALID_EVENT',
  'INVALID_IMAGE',
  'PHOTO_EXPIRED',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONSENT_REQUIRED',
  'RATE_LIMITED',
  'VERIFICATION_IN_PROGRESS',
  'VERIFICATION_UNCONFIRMED',
  'INVALID_EXTERNAL_REF',
  'UNAUTHORIZED',
  'AMBIGUOUS',
  'INTERNAL',
] as const;

type FaceIdErrorCode = (typeof FACEID_ERROR_CODES)[number];
type AppErrorCode = (typeof APP_ERROR_CODES)[number];
export type ErrorCode = FaceIdErrorCode | AppErrorCode;

/** What a cloud function returns to the page when it fails. */
export interface ClientError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  param?: string;
  /** RATE_LIMITED: when the person may start again (epoch milliseconds). */
  retryAt?: number;
}

const PARAM_NAMES_ZH: Record<string, string> = {
  idcard_name: '姓名',
  idcard_number: '身份证号',
  idcardName: '姓名',
  idcardNumber: '身份证号',
  image_ref1: '参考照片',
  image_ref2: '第二张参考照片',
  imageRef1: '参考照片',
  imageRef2: '第二张参考照片',
  image: '照片',
  uuid: '用户标识',
  biz_no: '业务流水号',
  bizNo: '业务流水号',
  biz_token: '认证凭证',
  bizToken: '认证凭证',
  mode: '认证方式',
};

function paramZh(param?: string): string {
  if (!param) return '';
  return PARAM_NAMES_ZH[param] ?? param;
}

const RETRYABLE = new Set<ErrorCode>([
  'CONCURRENCY_LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
  'UPSTREAM_TIMEOUT',
  'NETWORK_ERROR',
  'BAD_UPSTREAM_RESPONSE',
  'UPSTREAM_ERROR',
  'SERVICE_BUSY',
  'RATE_LIMITED',
  'VERIFICATION_IN_PROGRESS',
  'VERIFICATION_UNCONFIRMED',
]);

/** Whether the same request may succeed if sent again later. */
export function isRetryableCode(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

/** The Chinese message a page shows for an error code (and its parameter, where it names one). */
export function errorMessageZh(code: ErrorCode, param?: string): string {
  const p = paramZh(param);
  switch (code) {
    case 'MISSING_ARGUMENTS':
      return p ? `缺少${p}，请补充后重试` : '缺少必要信息，请补充后重试';
    case 'BAD_ARGUMENTS':
      return p ? `${p}格式不正确，请检查后重试` : '提交的信息格式不正确，请检查后重试';
    case 'AUTHENTICATION_ERROR':
    case 'AUTHORIZATION_ERROR':
      return '认证服务暂不可用（服务授权失败），请联系客服';
    case 'CONCURRENCY_LIMIT_EXCEEDED':
      return '当前认证人数较多，请稍后重试';
    case 'IMAGE_ERROR_UNSUPPORTED_FORMAT':
      return `${p || '照片'}无法识别，请换一张 JPG 或 PNG 照片`;
    case 'NO_FACE_FOUND':
      return `${p || '照片'}中没有检测到人脸，请换一张正脸清晰的照片`;
    case 'MULTIPLE_FACES':
      return '照片中有多张人脸，请使用只有本人的照片';
    case 'INVALID_IMAGE_SIZE':
      return `${p || '照片'}尺寸过大（长宽不能超过 4096 像素），请换一张照片`;
    case 'LOW_QUALITY':
      return '照片质量太差，请换一张清晰的正脸照片';
    case 'INVALID_NAME_FORMAT':
      return '姓名格式不正确（不超过 32 个字）';
    case 'INVALID_IDCARD_NUMBER':
      return '身份证号格式不正确，请核对';
    case 'API_NOT_FOUND':
      return '认证服务地址配置错误，请联系客服';
    case 'INTERNAL_ERROR':
      return '认证服务暂时出错，请稍后重试';
    case 'REQUEST_TOO_LARGE':
      return '上传的文件过大（不能超过 20MB），请压缩后重试';
    case 'UPSTREAM_TIMEOUT':
      return '认证服务响应超时，请稍后重试';
    case 'NETWORK_ERROR':
      return '无法连接认证服务，请稍后重试';
    case 'BAD_UPSTREAM_RESPONSE':
    case 'UPSTREAM_ERROR':
      return '认证服务返回异常，请稍后重试';
    case 'SERVICE_BUSY':
      return '认证服务繁忙，请稍后再试';
    case 'CONFIG_MISSING':
    case 'CONFIG_INVALID':
      return '认证服务尚未配置完成，请联系客服';
    case 'INVALID_EVENT':
      return p ? `${p}不正确，请检查后重试` : '请求内容不正确，请检查后重试';
    case 'INVALID_IMAGE':
      return p ? `${p}不是有效的图片，请换一张照片` : '照片无效，请换一张 JPG 或 PNG 照片';
    case 'PHOTO_EXPIRED':
      return '这张照片已删除，请重新选择一张照片';
    case 'NOT_FOUND':
      return '没有找到这次认证记录';
    case 'FORBIDDEN':
      return '无权查看这次认证记录';
    case 'CONSENT_REQUIRED':
      return '请先阅读并同意最新的认证说明';
    case 'RATE_LIMITED':
      return '发起认证过于频繁，请稍后再试';
    case 'VERIFICATION_IN_PROGRESS':
      return '认证正在创建中，请稍后再删除';
    case 'VERIFICATION_UNCONFIRMED':
      return '上次认证未能确认，请重新开始';
    case 'INVALID_EXTERNAL_REF':
      return '业务方的认证编号不正确（最多 128 位字母、数字或 _ . : -），请返回业务方重新进入';
    case 'UNAUTHORIZED':
      return '查询密钥缺失或不正确';
    case 'AMBIGUOUS':
      return '多条认证记录使用了这个业务流水号，请改用业务方认证编号查询';
    case 'INTERNAL':
      return '系统出错了，请稍后重试';
  }
}
