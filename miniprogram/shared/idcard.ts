/** Checks for the data a FaceID identity comparison needs: the resident ID number and the name. */

import type { ErrorReason } from './errors';

export type IdNumberProblem = 'empty' | 'length' | 'characters' | 'region' | 'birthdate' | 'checksum';

type Checked<T> = { ok: true; value: T } | { ok: false; code: string; problem: string; reason: ErrorReason };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const PROVINCE_CODES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83, 91,
]);

/** The reason code each ID-number problem is answered with. */
export const ID_REASONS = {
  empty: 'ID_NUMBER_EMPTY',
  length: 'ID_NUMBER_LENGTH',
  characters: 'ID_NUMBER_CHARACTERS',
  region: 'ID_NUMBER_REGION',
  birthdate: 'ID_NUMBER_BIRTHDATE',
  checksum: 'ID_NUMBER_CHECKSUM',
} as const satisfies Record<IdNumberProblem, ErrorReason>;

/** Spaces, hyphens and dashes people type or paste inside an ID number ("110105 19491231 002X"). */
const ID_SEPARATORS = /[\s\u3000\-\u2010-\u2015\u2212\uff0d]/g;

/** Removes spaces and hyphens, turns full-width digits and X into ASCII and upper-cases `x`; before any check. */
export function normalizeIdNumber(raw: string): string {
  return raw
    .replace(ID_SEPARATORS, '')
    .replace(/[\uff10-\uff19\uff38\uff58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase();
}

/** ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID number. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function validBirthDate(yyyymmdd: string, now: Date): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return false;
  return date.getTime() <= now.getTime();
}

/** Validates an 18-character resident ID number; the value returned is normalised (`x` → `X`). */
export function checkIdNumber(raw: unknown, now: Date = new Date()): Checked<string> {
  const fail = (problem: IdNumberProblem): Checked<string> => ({
    ok: false,
    code: 'INVALID_IDCARD_NUMBER',
    problem,
    reason: ID_REASONS[problem],
  });
  if (typeof raw !== 'string') return fail('empty');
  const value = normalizeIdNumber(raw);
  if (value === '') return fail('empty');
  if (value.length !== 18) return fail('length');
  if (!/^\d{17}[\dX]$/.test(value)) return fail('characters');
  if (!PROVINCE_CODES.has(Number(value.slice(0, 2)))) return fail('region');
  if (!validBirthDate(value.slice(6, 14), now)) return fail('birthdate');
  if (idCheckChar(value.slice(0, 17)) !== value[17]) return fail('checksum');
  return { ok: true, value };
}

/** Longest name FaceID accepts, in characters (docs/providers.md#doc-megvii-lite, INVALID_NAME_FORMAT). */
export const MAX_NAME_CHARS = 32;

/** Why a name is refused; pages turn it into their own locale's words. */
export type NameProblem = 'empty' | 'encoding' | 'characters' | 'dot' | 'length';

/** The separator of minority names on a resident ID card (阿依古丽·买买提): U+00B7 MIDDLE DOT. */
const NAME_DOT = '\u00b7';

/** Dots people type instead of U+00B7 (bullet, hyphenation point, katakana and full-width middle dots). */
const DOT_LOOKALIKES = /[\u2022\u2027\u2219\u22c5\u30fb\uff65]/g;

/** Code point ranges of the Han characters a resident ID card can bear (basic block, extensions A–I, compatibility). */
const HAN_RANGES: readonly [number, number][] = [
  [0x3007, 0x3007],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
  [0x20000, 0x2a6df],
  [0x2a700, 0x2ebef],
  [0x2ebf0, 0x2ee5f],
  [0x2f800, 0x2fa1f],
  [0x30000, 0x323af],
];

function isHan(codePoint: number): boolean {
  return HAN_RANGES.some(([low, high]) => codePoint >= low && codePoint <= high);
}

/** The reason code each name problem is answered with. */
export const NAME_REASONS = {
  empty: 'NAME_EMPTY',
  encoding: 'NAME_ENCODING',
  characters: 'NAME_CHARACTERS',
  dot: 'NAME_DOT',
  length: 'NAME_LENGTH',
} as const satisfies Record<NameProblem, ErrorReason>;

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/** Trims the name and writes every middle-dot look-alike as the ID card's "·". */
function normalizeName(raw: string): string {
  return raw.trim().replace(DOT_LOOKALIKES, NAME_DOT);
}

/**
 * Validates a name as a resident ID card bears it: Han characters (rare ones outside the BMP included), and "·"
 * only between two of them, at most 32 characters. Digits, Latin letters, emoji, spaces and markup are refused.
 */
export function checkName(raw: unknown): Checked<string> {
  const fail = (problem: NameProblem): Checked<string> => ({
    ok: false,
    code: 'INVALID_NAME_FORMAT',
    problem,
    reason: NAME_REASONS[problem],
  });
  if (typeof raw !== 'string' || raw.trim() === '') return fail('empty');
  if (hasLoneSurrogate(raw)) return fail('encoding');
  const value = normalizeName(raw);
  const chars = Array.from(value);
  for (const char of chars) {
    if (char !== NAME_DOT && !isHan(char.codePointAt(0) as number)) return fail('characters');
  }
  const misplacedDot = chars.some(
    (char, i) => char === NAME_DOT && (i === 0 || i === chars.length - 1 || chars[i - 1] === NAME_DOT),
  );
  if (misplacedDot) return fail('dot');
  if (chars.length > MAX_NAME_CHARS) return fail('length');
  return { ok: true, value };
}
