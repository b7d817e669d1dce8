/**
 * The sandbox's own copy of each Megvii seed's error table, written as the seed writes its rows
 * (HTTP status, error field, error text with its `<key>`/`<param>`/`<reason>` placeholder).
 * It shares nothing with the backend it stands in for.
 */

/** Where a seed puts the error text: a JSON member, or the plain-text body (413). */
type ErrorField = 'error' | 'error_message' | 'text';

/** One row of a seed's error table. */
export interface MegviiErrorRow {
  /** The code the error text starts with; `Request Entity Too Large` is REQUEST_TOO_LARGE. */
  code: string;
  status: number;
  field: ErrorField;
  /** The text between the code and its parameter when the row carries one (`: `, `:` or nothing). */
  sep?: string;
}

/** A seed row: status, error field and the text of the seed's "错误信息" column. */
type SeedRow = readonly [status: number, field: ErrorField, text: string];

const TOO_LARGE = 'Request Entity Too Large';

/** Reads a seed row's text: the code, then the separator before the placeholder, if any. */
function fromSeed([status, field, text]: SeedRow): MegviiErrorRow {
  if (text === TOO_LARGE) return { code: 'REQUEST_TOO_LARGE', status, field: 'text' };
  const match = /^([A-Z_]+)(.*?)(<(?:key|param|reason)>)?$/.exec(text);
  if (!match || (match[2] !== '' && !match[3])) throw new Error(`not a seed error text: ${text}`);
  return { code: match[1], status, field, ...(match[3] ? { sep: match[2] } : {}) };
}

const table = (rows: readonly SeedRow[]): readonly MegviiErrorRow[] => rows.map(fromSeed);

/** docs/providers.md#doc-megvii-lite (Lite-GetToken), "GetToken 特有的" then "通用的" ERROR_MESSAGE. */
export const LITE_ERRORS = table([
  [400, 'error_message', 'IMAGE_ERROR_UNSUPPORTED_FORMAT: <param>'],
  [400, 'error_message', 'NO_FACE_FOUND'],
  [400, 'error_message', 'MULTIPLE_FACES'],
  [400, 'error_message', 'INVALID_NAME_FORMAT'],
  [400, 'error_message', 'INVALID_IDCARD_NUMBER'],
  [403, 'error_message', 'AUTHENTICATION_ERROR'],
  [403, 'error_message', 'AUTHORIZATION_ERROR: <reason>'],
  [403, 'error_message', 'CONCURRENCY_LIMIT_EXCEEDED'],
  [400, 'error_message', 'MISSING_ARGUMENTS: <key>'],
  [400, 'error_message', 'BAD_ARGUMENTS: <key>'],
  [404, 'error_message', 'API_NOT_FOUND'],
  [500, 'error_message', 'INTERNAL_ERROR'],
]);

/** docs/providers.md#doc-megvii-app (App-GetBizToken), "ERROR信息": the field is `error`; 413 is plain text. */
export const APP_ERRORS = table([
  [400, 'error', 'MISSING_ARGUMENTS: <key>'],
  [400, 'error', 'BAD_ARGUMENTS: <key>'],
  [400, 'error', 'IMAGE_ERROR_UNSUPPORTED_FORMAT:<param>'],
  [400, 'error', 'NO_FACE_FOUND:<param>'],
  [400, 'error', 'INVALID_IMAGE_SIZE<param>'],
  [400, 'error', 'LOW_QUALITY'],
  [400, 'error', 'MULTIPLE_FACES'],
  [403, 'error', 'AUTHENTICATION_ERROR'],
  [403, 'error', 'AUTHORIZATION_ERROR: <reason>'],
  [403, 'error', 'CONCURRENCY_LIMIT_EXCEEDED'],
  [404, 'error', 'API_NOT_FOUND'],
  [413, 'text', TOO_LARGE],
  [500, 'error', 'INTERNAL_ERROR'],
]);

/** docs/providers.md#doc-megvii-overseas (overseas H5 get_token): its "错误字段名称" column differs per row. */
export const OVERSEAS_ERRORS = table([
  [400, 'error_message', 'IMAGE_ERROR_UNSUPPORTED_FORMAT:<param>'],
  [400, 'error_message', 'NO_FACE_FOUND'],
  [400, 'error_message', 'MULTIPLE_FACES'],
  [403, 'error', 'AUTHENTICATION_ERROR'],
  [403, 'error', 'AUTHORIZATION_ERROR:<reason>'],
  [403, 'error_message', 'CONCURRENCY_LIMIT_EXCEEDED'],
  [400, 'error_message', 'MISSING_ARGUMENTS:<key>'],
  [400, 'error_message', 'BAD_ARGUMENTS:<key>'],
  [404, 'error', 'API_NOT_FOUND'],
  [500, 'error_message', 'INTERNAL_ERROR'],
]);

/** docs/providers.md#doc-megvii-raw (Raw-GetToken), "Universal Errors": the field is `error_message`; 413 is plain text. */
export const RAW_ERRORS = table([
  [403, 'error_message', 'AUTHENTICATION_ERROR'],
  [403, 'error_message', 'CONCURRENCY_LIMIT_EXCEEDED'],
  [400, 'error_message', 'MISSING_ARGUMENTS:<key>'],
  [400, 'error_message', 'BAD_ARGUMENTS:<key>'],
  [400, 'error_message', 'IMAGE_ERROR_UNSUPPORTED_FORMAT:<param>'],
  [400, 'error_message', 'NO_FACE_FOUND:<param>'],
  [400, 'error_message', 'INVALID_IMAGE_SIZE:<param>'],
  [403, 'error_message', 'AUTHORIZATION_ERROR:<reason>'],
  [404, 'error_message', 'API_NOT_FOUND'],
  [413, 'text', TOO_LARGE],
  [500, 'error_message', 'INTERNAL_ERROR'],
]);

/** The error text a row answers: the 413 text, or the code followed by its parameter when it has one. */
export function errorText(row: MegviiErrorRow, param?: string): string {
  if (row.field === 'text') return TOO_LARGE;
  return row.sep !== undefined && param ? `${row.code}${row.sep}${param}` : row.code;
}

/** The row of a table for a code. */
export function errorRow(rows: readonly MegviiErrorRow[], code: string): MegviiErrorRow | undefined {
  return rows.find((row) => row.code === code);
}
