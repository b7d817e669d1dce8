/** The business's own reference for one verification (getBizToken's `externalRef`), checked on both sides. */

/** Longest reference, in characters. */
export const MAX_EXTERNAL_REF_LENGTH = 128;

const EXTERNAL_REF = /^[A-Za-z0-9_.:-]+$/;

/** Whether `value` is a reference the business may send: 1–128 characters of letters, digits and `_ . : -`. */
export function isExternalRef(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_EXTERNAL_REF_LENGTH && EXTERNAL_REF.test(value);
}
