/** Settings of the FaceID stand-in: where its sandbox server is, and the vendor component's fixed facts. */

/** The sandbox started by `npm run sandbox` (dev/sandbox). */
const DEFAULT_HOST = 'http://127.0.0.1:8787';

export const API_PREFIX = '/lite/v1';

/** Storage keys the vendor component removes when it exits; the stand-in does the same. */
export const VENDOR_STORAGE_KEYS = [
  'result',
  'name',
  'idcard_number',
  'valid_date',
  'issued_by',
  'image_ref_ocridcardback',
  'image_ref_ocridcardfront',
] as const;

export const COUNTDOWN_SECONDS = 3;
export const VIDEO_MIN_SECONDS = 0.5;
export const VIDEO_MAX_SECONDS = 20;
export const VIDEO_MAX_BYTES = 20971520;
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

/** The longest name the FaceID API takes, in characters. */
const NAME_MAX_CHARS = 32;
/** A resident ID number as FaceID takes it: 17 digits and a digit or X. */
const ID_NUMBER_SHAPE = /^\d{17}[\dX]$/;

/** Why the name and ID number cannot be sent as they are, in the person's words; '' when they can. */
export function idcardFieldsProblem(name: string, number: string): string {
  if (!name.trim()) return '请填写姓名';
  if ([...name].length > NAME_MAX_CHARS) return `姓名最多 ${NAME_MAX_CHARS} 个字`;
  if (!number.trim()) return '请填写身份证号';
  if (!ID_NUMBER_SHAPE.test(number.trim().toUpperCase()))
    return '请填写 18 位身份证号，最后一位可以是数字或 X';
  return '';
}

/** The host to talk to: `getApp().globalData.faceidHost` when set, otherwise DEFAULT_HOST. */
export function faceidHost(): string {
  try {
    const host = getApp<IAppOption>()?.globalData?.faceidHost;
    if (typeof host === 'string' && host !== '') return host.replace(/\/+$/, '');
  } catch {
    // getApp is not available before the App is registered.
  }
  return DEFAULT_HOST;
}
