import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** The fields of a Megvii v3 signature ("App-鉴权说明"): times in Unix seconds, `rdm` 10 random digits. */
interface SignFields {
  apiKey: string;
  /** 0 makes a single-use signature. */
  expireTime: number;
  currentTime: number;
  rdm: string;
}

/** How long a signature this backend makes stays valid, in seconds. */
export const SIGN_VALIDITY_S = 300;

/** A random 10-digit decimal string (leading zeros kept). */
export function randomRdm(): string {
  return String(randomInt(0, 10_000_000_000)).padStart(10, '0');
}

/** The signed text `a=<api_key>&b=<expire_time>&c=<current_time>&d=<rdm>`. */
function signRaw(fields: SignFields): string {
  return `a=${fields.apiKey}&b=${fields.expireTime}&c=${fields.currentTime}&d=${fields.rdm}`;
}

/** `base64(HMAC-SHA1(api_secret, raw) ++ raw)`, standard base64 (Megvii's public algorithm). */
export function megviiSign(apiSecret: string, fields: SignFields): string {
  const raw = Buffer.from(signRaw(fields), 'utf8');
  const mac = createHmac('sha1', apiSecret).update(raw).digest();
  return Buffer.concat([mac, raw]).toString('base64');
}

/** The fields a signature carries, or undefined when it is not a well-formed v3 signature. */
export function readSign(sign: string): { fields: SignFields; mac: Buffer; raw: Buffer } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sign)) return undefined;
  const bytes = Buffer.from(sign, 'base64');
  if (bytes.length <= 20) return undefined;
  const raw = bytes.subarray(20);
  const match = /^a=([^&]+)&b=(\d{1,12})&c=(\d{1,12})&d=(\d{10})$/.exec(raw.toString('utf8'));
  if (!match) return undefined;
  const fields = {
    apiKey: match[1],
    expireTime: Number(match[2]),
    currentTime: Number(match[3]),
    rdm: match[4],
  };
  return { fields, mac: bytes.subarray(0, 20), raw };
}

/** Whether a signature read with readSign was made with this secret. */
export function signMatches(apiSecret: string, signed: { mac: Buffer; raw: Buffer }): boolean {
  const expected = createHmac('sha1', apiSecret).update(signed.raw).digest();
  return timingSafeEqual(expected, signed.mac);
}
