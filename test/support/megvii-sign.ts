/** The tests' own readers of Megvii's signatures: what FaceID checks, to hold the backend's signing to it. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The fields of a Megvii v3 signature ("App-鉴权说明"): times in Unix seconds, `rdm` 10 random digits. */
interface SignFields {
  apiKey: string;
  expireTime: number;
  currentTime: number;
  rdm: string;
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

/** `sign` of a Lite notify: lower-case hex SHA-1 of api_secret followed by the `data` text. */
export function liteNotifySign(apiSecret: string, data: string): string {
  return createHash('sha1')
    .update(apiSecret + data, 'utf8')
    .digest('hex');
}
