/** Checks for the data a FaceID identity comparison needs: the resident ID number and the name. */

export type IdNumberProblem = 'empty' | 'length' | 'characters' | 'region' | 'birthdate' | 'checksum';

export type Checked<T> =
  { ok: true; value: T } | { ok: false; code: string; problem: string; message: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const PROVINCE_CODES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83, 91,
]);

const ID_MESSAGES: Record<IdNumberProblem, string> = {
  empty: '请输入身份证号',
  length: '身份证号应为 18 位',
  characters: '身份证号只能包含数字，最后一位可以是 X',
  region: '身份证号的地区码无效',
  birthdate: '身份证号中的出生日期无效',
  checksum: '身份证号校验位不正确，请核对',
};

/** Trims the ID number and upper-cases a trailing `x`. */
export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
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
    message: ID_MESSAGES[problem],
  });
  if (typeof raw !== 'string' || raw.trim() === '') return fail('empty');
  const value = normalizeIdNumber(raw);
  if (value.length !== 18) return fail('length');
  if (!/^\d{17}[\dX]$/.test(value)) return fail('characters');
  if (!PROVINCE_CODES.has(Number(value.slice(0, 2)))) return fail('region');
  if (!validBirthDate(value.slice(6, 14), now)) return fail('birthdate');
  if (idCheckChar(value.slice(0, 17)) !== value[17]) return fail('checksum');
  return { ok: true, value };
}

/** Longest name FaceID accepts, in characters (seed 000, INVALID_NAME_FORMAT). */
export const MAX_NAME_CHARS = 32;

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

/** Validates a person's name: non-empty, well-formed Unicode (so valid UTF-8), at most 32 characters. */
export function checkName(raw: unknown): Checked<string> {
  const fail = (problem: string, message: string): Checked<string> => ({
    ok: false,
    code: 'INVALID_NAME_FORMAT',
    problem,
    message,
  });
  if (typeof raw !== 'string' || raw.trim() === '') return fail('empty', '请输入姓名');
  const value = raw.trim();
  if (hasLoneSurrogate(value)) return fail('encoding', '姓名包含无法识别的字符');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return fail('characters', '姓名包含无效字符');
  if (Array.from(value).length > MAX_NAME_CHARS) return fail('length', `姓名不能超过 ${MAX_NAME_CHARS} 个字`);
  return { ok: true, value };
}
