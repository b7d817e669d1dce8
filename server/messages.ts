/**
 * The functions' Chinese messages, for the console, CI callers and logs only: the page words every code and reason
 * itself (miniprogram/i18n/).
 */
import type { ErrorCode, ErrorReason } from '../miniprogram/shared/errors';
import { MAX_NAME_CHARS } from '../miniprogram/shared/idcard';

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

/** The console's Chinese message for a reason, where a function names a cause more precise than its code. */
export const REASON_MESSAGES_ZH: Readonly<Record<ErrorReason, string>> = {
  NAME_EMPTY: '请输入姓名',
  NAME_ENCODING: '姓名包含无法识别的字符',
  NAME_CHARACTERS: '姓名只能填写身份证上的汉字，少数民族姓名中间的点用“·”',
  NAME_DOT: '姓名中的“·”只能写在两个汉字之间',
  NAME_LENGTH: `姓名不能超过 ${MAX_NAME_CHARS} 个字`,
  ID_NUMBER_EMPTY: '请输入身份证号',
  ID_NUMBER_LENGTH: '身份证号应为 18 位',
  ID_NUMBER_CHARACTERS: '身份证号只能包含数字，最后一位可以是 X',
  ID_NUMBER_REGION: '身份证号的地区码无效',
  ID_NUMBER_BIRTHDATE: '身份证号中的出生日期无效',
  ID_NUMBER_CHECKSUM: '身份证号校验位不正确，请核对',
  PHOTO_NOT_OWN: '只能使用您本人上传的照片',
  PHOTO_UNREADABLE: '照片读取失败，请重新上传',
  PHOTO_LIMIT: '上传照片的次数过多，请明天再试',
  OUTSIDE_MINIPROGRAM: '请在小程序中打开',
  OTHER_CALLER: '请在本小程序中使用',
  WECHAT_SELF_ONLY: '微信人脸核身只能由本人在小程序中发起',
  BIZ_NO_FORMAT: '业务流水号须为 5 到 32 位字母、数字、_ 或 -',
  BIZ_NO_USED: '该业务流水号已使用，请重新发起认证',
  TOKEN_BEING_ISSUED: '正在创建认证，请稍候',
  TOKEN_LIMIT: '发起认证过于频繁，请稍后再试',
  RESULT_CALLS_USED: '认证结果确认中，请稍后在“我的认证记录”中查看',
  RESULT_INCOMPLETE: '认证结果暂不完整，请稍后再查看',
  RESULT_FROM_SDK: '该认证方式的结果由客户端 SDK 返回，无法在此查询',
  QUERY_LIMIT: '查询过于频繁，请稍后再试',
};

/** The console's message for a person's token budget used up, naming the minutes until the next window. */
export function tokenLimitMessageZh(minutes: number): string {
  return `发起认证过于频繁，请 ${minutes} 分钟后再试`;
}

/** The console's Chinese message for an error code (and its parameter, where it names one). */
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
