/**
 * The sandbox's own reading of Megvii signatures, written from the reference notes ("App-鉴权说明" and the Lite
 * notify): it shares nothing with the backend's signing code.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What an App v3 signature's signed text says: `a=<api_key>&b=<expire_time>&c=<current_time>&d=<rdm>`. */
interface AppSign {
  apiKey: string;
  /** Unix seconds; 0 makes a single-use signature. */
  expireTime: number;
  currentTime: number;
  rdm: string;
  /** Whether the HMAC-SHA1 in front of the signed text was made with the secret asked about. */
  madeWith(apiSecret: string): boolean;
}

const SHA1_BYTES = 20;
const SIGNED_TEXT = /^a=([^&]+)&b=(\d{1,12})&c=(\d{1,12})&d=(\d{10})$/;

/** Reads `base64(HMAC-SHA1(api_secret, raw) ++ raw)`; undefined when it is not standard base64 of that shape. */
export function readAppSign(sign: string): AppSign | undefined {
  if (sign.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(sign)) return undefined;
  const bytes = Buffer.from(sign, 'base64');
  const mac = bytes.subarray(0, SHA1_BYTES);
  const raw = bytes.subarray(SHA1_BYTES);
  const fields = SIGNED_TEXT.exec(raw.toString('utf8'));
  if (mac.length < SHA1_BYTES || !fields) return undefined;
  return {
    apiKey: fields[1],
    expireTime: Number(fields[2]),
    currentTime: Number(fields[3]),
    rdm: fields[4],
    madeWith: (apiSecret) => timingSafeEqual(createHmac('sha1', apiSecret).update(raw).digest(), mac),
  };
}

/** The `sign` of a Lite notify or return: lower-case hex SHA-1 of api_secret followed by the `data` text. */
export function liteNotifySign(apiSecret: string, data: string): string {
  return createHash('sha1').update(`${apiSecret}${data}`, 'utf8').digest('hex');
}
