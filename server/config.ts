/**
 * The functions' configuration: every FACEID_* variable, declared once (its doc, its default and how its value is
 * read), read from the environment once per invocation and handed to the domain functions as a typed Config. No
 * other server code reads the environment. A function reads a variable where it uses `config.FACEID_…`; the
 * deployment (cloudbaserc.json) gives each function exactly the variables its bundle reads that way.
 */
import { FaceIdError } from './errors';
import type { Thresholds } from '../miniprogram/shared/events';
import { PRODUCTS, type ProductName } from '../miniprogram/shared/token-options';
import { checkHttpUrl } from './providers/rules';

import manifest from '../cloudbaserc.json';

/** The time-out declared for a cloud function in cloudbaserc.json, in milliseconds. */
export function declaredTimeoutMs(name: string): number {
  const declared = manifest.functions.find((fn) => fn.name === name);
  if (!declared) throw new Error(`cloudbaserc.json declares no function ${name}`);
  return declared.timeout * 1000;
}

/** A `requesting` record older than getBizToken's time-out was left by a stopped invocation. */
export const REQUESTING_STALE_MS = declaredTimeoutMs('getBizToken');

/** Environment variables by name, as the process (or a test) has them. */
export type Env = Record<string, string | undefined>;

/** Default time-out of one FaceID call, in milliseconds. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Hosts of Megvii Lite by FACEID_REGION (reference notes): cn (default), idn, sgp. */
export const LITE_HOSTS = {
  cn: 'https://api.megvii.com',
  idn: 'https://api-idn.megvii.com',
  sgp: 'https://api-sgp.megvii.com',
} as const;

const THRESHOLDS: readonly (keyof Thresholds)[] = ['1e-3', '1e-4', '1e-5', '1e-6'];

/** One variable: a one-line doc, its default as the operator writes it, and how its value is read. */
export interface Variable<T> {
  doc: string;
  default?: string;
  /** Reads the trimmed value (undefined when unset or blank); throws CONFIG_MISSING/CONFIG_INVALID naming it. */
  read(value: string | undefined, name: string): T;
}

function invalid(name: string, detail: string): FaceIdError {
  return new FaceIdError('CONFIG_INVALID', { param: name, detail: `${name} ${detail}` });
}

function required(value: string | undefined, name: string): string {
  if (value === undefined)
    throw new FaceIdError('CONFIG_MISSING', {
      param: name,
      detail: `environment variable ${name} is not set`,
    });
  return value;
}

function requiredUrl(value: string | undefined, name: string): string {
  const url = required(value, name);
  checkHttpUrl(name, url);
  return url;
}

/** A required one-line text of at most `max` characters. */
function requiredText(max: number) {
  return (value: string | undefined, name: string): string => {
    const text = required(value, name);
    // eslint-disable-next-line no-control-regex
    if (text.length > max || /[\u0000-\u001f]/.test(text))
      throw invalid(name, `must be one line of at most ${max} characters`);
    return text;
  };
}

function oneOf<T extends string>(allowed: readonly T[], fallback: T) {
  return (value: string | undefined, name: string): T => {
    const chosen = value ?? fallback;
    if (!(allowed as readonly string[]).includes(chosen))
      throw invalid(name, `must be one of ${allowed.join(', ')}`);
    return chosen as T;
  };
}

function wholeNumber(min: number, max: number, fallback: number) {
  return (value: string | undefined, name: string): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw invalid(name, `must be ${min}..${max}`);
    return n;
  };
}

/** A `<count>/<seconds>` budget (1..100000 per 1..86400 s). */
function countPerWindow(fallback: string) {
  return (value: string | undefined, name: string): { count: number; windowMs: number } => {
    const match = /^(\d+)\/(\d+)$/.exec(value ?? fallback);
    const count = match ? Number(match[1]) : NaN;
    const seconds = match ? Number(match[2]) : NaN;
    if (!(count >= 1 && count <= 100_000 && seconds >= 1 && seconds <= 86_400))
      throw invalid(name, 'must be <count>/<seconds>');
    return { count, windowMs: seconds * 1000 };
  };
}

/** Every FACEID_* variable the functions read. README's Configuration section lists the same (a test checks). */
export const VARIABLES = {
  FACEID_PROVIDER: {
    doc: 'the FaceID product: fidlite, megvii-lite, megvii-app, megvii-overseas, megvii-raw or wechat',
    default: 'fidlite',
    read: oneOf(Object.keys(PRODUCTS) as ProductName[], 'fidlite'),
  },
  FACEID_APPCODE: { doc: 'Aliyun market AppCode for fidlite (secret)', read: required },
  FACEID_API_KEY: { doc: 'api_key of the Megvii products (secret)', read: required },
  FACEID_API_SECRET: { doc: 'api_secret of the Megvii products (secret)', read: required },
  FACEID_WECHAT_APPSECRET: {
    doc: "the mini-program's AppSecret for WeChat 人脸核身 2.0's access token (secret)",
    read: required,
  },
  FACEID_BASE_URL: {
    doc: "overrides the active product's FaceID host",
    read: (value: string | undefined, name: string): string | undefined => {
      if (value === undefined) return undefined;
      checkHttpUrl(name, value);
      return value.replace(/\/+$/, '');
    },
  },
  FACEID_REGION: {
    doc: "Megvii Lite's regional host: cn, idn or sgp",
    default: 'cn',
    read: oneOf(Object.keys(LITE_HOSTS) as (keyof typeof LITE_HOSTS)[], 'cn'),
  },
  FACEID_MATCH_THRESHOLD: {
    doc: "false-accept band a Megvii H5 product's comparison must reach: 1e-3, 1e-4, 1e-5 or 1e-6",
    default: '1e-4',
    read: oneOf(THRESHOLDS, '1e-4'),
  },
  FACEID_NOTIFY_URL: { doc: 'notify_url for get_biz_token (http/https)', read: requiredUrl },
  FACEID_RETURN_URL: { doc: 'return_url for get_biz_token (http/https)', read: requiredUrl },
  FACEID_TIMEOUT_MS: {
    doc: 'time-out of one FaceID call, in milliseconds (1..120000)',
    default: String(DEFAULT_TIMEOUT_MS),
    read: wholeNumber(1, 120_000, DEFAULT_TIMEOUT_MS),
  },
  FACEID_RATE_LIMIT: {
    doc: 'tokens per user per window, <count>/<seconds>',
    default: '5/600',
    read: countPerWindow('5/600'),
  },
  FACEID_API_KEYS_SHA256: {
    doc: "SHA-256 hex hashes of the query API's keys, comma-separated (several during a rotation)",
    read: (value: string | undefined, name: string): string[] | undefined => {
      if (value === undefined) return undefined;
      const hashes = value.split(',').map((hash) => hash.trim().toLowerCase());
      if (!hashes.every((hash) => /^[0-9a-f]{64}$/.test(hash)))
        throw invalid(name, 'must be SHA-256 hex hashes (64 hex digits each), comma-separated');
      return hashes;
    },
  },
  FACEID_API_RATE_LIMIT: {
    doc: 'query API requests per key per window, <count>/<seconds>',
    default: '60/60',
    read: countPerWindow('60/60'),
  },
  FACEID_WEBHOOK_URL: {
    doc: "the business's receiver of every final result (https; http only to a loopback address)",
    read: (value: string | undefined, name: string): URL | undefined => {
      if (value === undefined) return undefined;
      const url = URL.canParse(value) ? new URL(value) : undefined;
      const loopback = url !== undefined && /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(url.hostname);
      if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)))
        throw invalid(name, 'must be an https:// URL (http:// only to a loopback address)');
      return url;
    },
  },
  FACEID_WEBHOOK_SECRET: {
    doc: "the key of the webhook's HMAC-SHA256 signature, at least 16 characters (secret)",
    read: (value: string | undefined, name: string): string => {
      const secret = required(value, name);
      if (secret.length < 16) throw invalid(name, 'must be at least 16 characters');
      return secret;
    },
  },
  FACEID_MINIPROGRAM_APPID: {
    doc: "this mini-program's AppID: a WeChat call carrying another APPID is refused",
    read: (value: string | undefined, name: string): string | undefined => {
      if (value !== undefined && !/^wx[0-9a-z]{16}$/i.test(value))
        throw invalid(name, 'must be an AppID, wx and 16 letters or digits');
      return value;
    },
  },
  FACEID_RETENTION_DAYS: {
    doc: 'days a record is kept before purgeVerifications deletes it (1..3650)',
    default: '30',
    read: wholeNumber(1, 3650, 30),
  },
  FACEID_KEEP_IMAGES: {
    doc: "1 keeps get_result's evidence images in cloud storage",
    read: (value: string | undefined): boolean => value === '1',
  },
  FACEID_OPERATOR_NAME: {
    doc: 'who the privacy policy\'s "我们" is: the operator\'s legal name (at most 100 characters)',
    read: requiredText(100),
  },
  FACEID_OPERATOR_CONTACT: {
    doc: 'how a person reaches the operator about their data: phone, e-mail or address (at most 200 characters)',
    read: requiredText(200),
  },
  FACEID_LOG: {
    doc: "off silences the functions' JSON log lines",
    read: (value: string | undefined): boolean => value !== 'off',
  },
} satisfies Record<string, Variable<unknown>>;

type Variables = typeof VARIABLES;

/** The configuration, one typed value per variable, each read on first use and kept for the invocation. */
export type Config = { readonly [K in keyof Variables]: ReturnType<Variables[K]['read']> };

/**
 * The configuration over an environment (the process's by default): each variable is read when first used and
 * kept, so a missing or invalid one fails only the function that needs it, with CONFIG_MISSING/CONFIG_INVALID.
 */
export function readConfig(env: Env = process.env): Config {
  const config = {};
  for (const [name, variable] of Object.entries(VARIABLES) as [string, Variable<unknown>][]) {
    let read: { value: unknown } | undefined;
    Object.defineProperty(config, name, {
      enumerable: true,
      get: () => (read ??= { value: variable.read(env[name]?.trim() || undefined, name) }).value,
    });
  }
  return config as Config;
}

/** FACEID_TIMEOUT_MS of an environment (the operator's deploy checks run the functions' own reading). */
export function timeoutFromEnv(env: Env): number {
  return readConfig(env).FACEID_TIMEOUT_MS;
}
