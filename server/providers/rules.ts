import { FaceIdError } from '../errors';

/** Byte length of a string in UTF-8, as FaceID counts field limits. */
function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Throws BAD_ARGUMENTS:<param> unless the value is an integer within [min, max] (or absent). */
export function checkIntRange(param: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaceIdError('BAD_ARGUMENTS', {
      param,
      detail: `${param} must be an integer in ${min}..${max}`,
    });
  }
}

/** Throws BAD_ARGUMENTS:<param> unless the value is one of the allowed ones (or absent). */
export function checkOneOf<T>(param: string, value: unknown, allowed: readonly T[]): void {
  if (value === undefined) return;
  if (!allowed.includes(value as T)) {
    throw new FaceIdError('BAD_ARGUMENTS', {
      param,
      detail: `${param} must be one of ${allowed.join(', ')}`,
    });
  }
}

/** Throws BAD_ARGUMENTS:<param> unless the value is a finite number within [min, max] (or absent). */
export function checkNumberRange(param: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new FaceIdError('BAD_ARGUMENTS', { param, detail: `${param} must be a number in ${min}..${max}` });
  }
}

/** Throws BAD_ARGUMENTS:<param> when a string is longer than `max` UTF-8 bytes. */
export function checkMaxBytes(param: string, value: string | undefined, max: number): void {
  if (value !== undefined && utf8Bytes(value) > max) {
    throw new FaceIdError('BAD_ARGUMENTS', { param, detail: `${param} is longer than ${max} bytes` });
  }
}

/** Throws MISSING_ARGUMENTS:<param> when a required value is absent or empty. */
export function requireValue<T>(param: string, value: T | undefined | null | ''): T {
  if (value === undefined || value === null || value === '') {
    throw new FaceIdError('MISSING_ARGUMENTS', { param });
  }
  return value;
}

/** Throws CONFIG_INVALID naming the variable unless the URL starts with http:// or https://. */
export function checkHttpUrl(variable: string, url: string): void {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) {
    throw new FaceIdError('CONFIG_INVALID', {
      param: variable,
      detail: `${variable} must start with http:// or https://`,
    });
  }
}

/** Reads a number that FaceID may send as a string. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}
