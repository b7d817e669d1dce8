/** The tests' copy of the Megvii documents' error tables: what FaceID answers, for the tests to send and expect. */
import type { ErrorCode } from '../../miniprogram/shared/errors';

/** Where a seed puts the error text: a JSON member, or (413) the plain-text body. */
type ErrorField = 'error' | 'error_message' | 'text';

/** One row of a seed's error table. */
export interface MegviiErrorRow {
  /** The code the error text starts with, as FaceIdError names it (`Request Entity Too Large` is REQUEST_TOO_LARGE). */
  code: ErrorCode;
  status: number;
  field: ErrorField;
  /** What follows the code (`<key>`, `<param>`, `<reason>`) and how the seed writes the separator. */
  param?: { sep: string };
  /** The Raw document's "Is it billed?" column (docs/providers.md#doc-megvii-raw). */
  billed?: boolean;
}

const row = (
  code: ErrorCode,
  status: number,
  field: ErrorField,
  sep?: string,
  billed?: boolean,
): MegviiErrorRow => ({
  code,
  status,
  field,
  ...(sep === undefined ? {} : { param: { sep } }),
  ...(billed === undefined ? {} : { billed }),
});

/** Lite-GetToken (docs/providers.md#doc-megvii-lite): every row answers `error_message`. */
export const LITE_ERRORS: readonly MegviiErrorRow[] = [
  row('IMAGE_ERROR_UNSUPPORTED_FORMAT', 400, 'error_message', ': '),
  row('NO_FACE_FOUND', 400, 'error_message'),
  row('MULTIPLE_FACES', 400, 'error_message'),
  row('INVALID_NAME_FORMAT', 400, 'error_message'),
  row('INVALID_IDCARD_NUMBER', 400, 'error_message'),
  row('AUTHENTICATION_ERROR', 403, 'error_message'),
  row('AUTHORIZATION_ERROR', 403, 'error_message', ': '),
  row('CONCURRENCY_LIMIT_EXCEEDED', 403, 'error_message'),
  row('MISSING_ARGUMENTS', 400, 'error_message', ': '),
  row('BAD_ARGUMENTS', 400, 'error_message', ': '),
  row('API_NOT_FOUND', 404, 'error_message'),
  row('INTERNAL_ERROR', 500, 'error_message'),
];

/** App-GetBizToken (docs/providers.md#doc-megvii-app): every row answers `error`, 413 plain text. */
export const APP_ERRORS: readonly MegviiErrorRow[] = [
  row('MISSING_ARGUMENTS', 400, 'error', ': '),
  row('BAD_ARGUMENTS', 400, 'error', ': '),
  row('IMAGE_ERROR_UNSUPPORTED_FORMAT', 400, 'error', ':'),
  row('NO_FACE_FOUND', 400, 'error', ':'),
  row('INVALID_IMAGE_SIZE', 400, 'error', ''),
  row('LOW_QUALITY', 400, 'error'),
  row('MULTIPLE_FACES', 400, 'error'),
  row('AUTHENTICATION_ERROR', 403, 'error'),
  row('AUTHORIZATION_ERROR', 403, 'error', ': '),
  row('CONCURRENCY_LIMIT_EXCEEDED', 403, 'error'),
  row('API_NOT_FOUND', 404, 'error'),
  row('REQUEST_TOO_LARGE', 413, 'text'),
  row('INTERNAL_ERROR', 500, 'error'),
];

/** Overseas H5 get_token (docs/providers.md#doc-megvii-overseas): the "错误字段名称" column differs per row. */
export const OVERSEAS_ERRORS: readonly MegviiErrorRow[] = [
  row('IMAGE_ERROR_UNSUPPORTED_FORMAT', 400, 'error_message', ':'),
  row('NO_FACE_FOUND', 400, 'error_message'),
  row('MULTIPLE_FACES', 400, 'error_message'),
  row('AUTHENTICATION_ERROR', 403, 'error'),
  row('AUTHORIZATION_ERROR', 403, 'error', ':'),
  row('CONCURRENCY_LIMIT_EXCEEDED', 403, 'error_message'),
  row('MISSING_ARGUMENTS', 400, 'error_message', ':'),
  row('BAD_ARGUMENTS', 400, 'error_message', ':'),
  row('API_NOT_FOUND', 404, 'error'),
  row('INTERNAL_ERROR', 500, 'error_message'),
];

/** Raw-GetToken (docs/providers.md#doc-megvii-raw): `error_message`, 413 plain text, with its "billed" column (all No). */
export const RAW_ERRORS: readonly MegviiErrorRow[] = [
  row('AUTHENTICATION_ERROR', 403, 'error_message', undefined, false),
  row('CONCURRENCY_LIMIT_EXCEEDED', 403, 'error_message', undefined, false),
  row('MISSING_ARGUMENTS', 400, 'error_message', ':', false),
  row('BAD_ARGUMENTS', 400, 'error_message', ':', false),
  row('IMAGE_ERROR_UNSUPPORTED_FORMAT', 400, 'error_message', ':', false),
  row('NO_FACE_FOUND', 400, 'error_message', ':', false),
  row('INVALID_IMAGE_SIZE', 400, 'error_message', ':', false),
  row('AUTHORIZATION_ERROR', 403, 'error_message', ':', false),
  row('API_NOT_FOUND', 404, 'error_message', undefined, false),
  row('REQUEST_TOO_LARGE', 413, 'text', undefined, false),
  row('INTERNAL_ERROR', 500, 'error_message', undefined, false),
];

/** The error text a row answers: `Request Entity Too Large` for 413, otherwise the code and its parameter. */
export function errorText(r: MegviiErrorRow, param?: string): string {
  if (r.code === 'REQUEST_TOO_LARGE') return 'Request Entity Too Large';
  return r.param && param ? `${r.code}${r.param.sep}${param}` : r.code;
}

/** The row of a table for a code. */
export function errorRow(table: readonly MegviiErrorRow[], code: string): MegviiErrorRow | undefined {
  return table.find((r) => r.code === code);
}
