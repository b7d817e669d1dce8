import { FaceIdError } from '../miniprogram/domain/errors';
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

export type Env = Record<string, string | undefined>;

/** Default time-out of one FaceID call, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A variable's value, or CONFIG_MISSING naming it. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new FaceIdError('CONFIG_MISSING', {
      param: name,
      detail: `environment variable ${name} is not set`,
    });
  }
  return value.trim();
}

/** A variable that must be an http(s) URL. */
export function requireUrlEnv(env: Env, name: string): string {
  const value = requireEnv(env, name);
  checkHttpUrl(name, value);
  return value;
}

/** FACEID_TIMEOUT_MS as a positive integer, default 10000. */
export function timeoutFromEnv(env: Env): number {
  const raw = env.FACEID_TIMEOUT_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 120_000) {
    throw new FaceIdError('CONFIG_INVALID', {
      param: 'FACEID_TIMEOUT_MS',
      detail: 'FACEID_TIMEOUT_MS must be 1..120000',
    });
  }
  return value;
}

/** FACEID_BASE_URL without a trailing slash, or the provider's default host. */
export function baseUrlFromEnv(env: Env, fallback: string): string {
  const raw = env.FACEID_BASE_URL?.trim();
  if (!raw) return fallback;
  checkHttpUrl('FACEID_BASE_URL', raw);
  return raw.replace(/\/+$/, '');
}
