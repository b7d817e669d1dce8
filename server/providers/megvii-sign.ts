import { createHmac, randomInt } from 'node:crypto';

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
