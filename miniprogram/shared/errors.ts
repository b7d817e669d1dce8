/** The stable codes a cloud function fails with, and the reasons it gives where it knows a more precise cause. */

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

/**
 * Causes more precise than an error code that a function names (the page words each one; without a reason it
 * words the code): the name and ID-number problems, a photo outside the caller's folder, a call from outside the
 * mini-program, the budgets.
 */
export const ERROR_REASONS = [
  'NAME_EMPTY',
  'NAME_ENCODING',
  'NAME_CHARACTERS',
  'NAME_DOT',
  'NAME_LENGTH',
  'ID_NUMBER_EMPTY',
  'ID_NUMBER_LENGTH',
  'ID_NUMBER_CHARACTERS',
  'ID_NUMBER_REGION',
  'ID_NUMBER_BIRTHDATE',
  'ID_NUMBER_CHECKSUM',
  'PHOTO_NOT_OWN',
  'PHOTO_UNREADABLE',
  'PHOTO_LIMIT',
  'OUTSIDE_MINIPROGRAM',
  'OTHER_CALLER',
  'WECHAT_SELF_ONLY',
  'BIZ_NO_FORMAT',
  'BIZ_NO_USED',
  'TOKEN_BEING_ISSUED',
  'TOKEN_LIMIT',
  'RESULT_CALLS_USED',
  'RESULT_INCOMPLETE',
  'RESULT_FROM_SDK',
  'QUERY_LIMIT',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

/** What a cloud function returns to the page when it fails. */
export interface ClientError {
  code: ErrorCode;
  /** The function's Chinese message, for the console and logs; pages word `code` and `reason` themselves. */
  message: string;
  retryable: boolean;
  /** A cause more precise than `code`, where the function knows one. */
  reason?: ErrorReason;
  param?: string;
  /** RATE_LIMITED: when the person may start again (epoch milliseconds). */
  retryAt?: number;
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
