/**
 * The operator's side of a deployment: the variables (process environment over an untracked `.env`), the CloudBase
 * credentials, each function's values, and the same configuration checks the functions make at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { FaceIdError } from '../../server/errors';
import { rateLimitFromEnv } from '../../server/app/get-biz-token';
import { retentionDays } from '../../server/app/records';
import { readConfig, timeoutFromEnv, type Env } from '../../server/config';
import { createProvider } from '../../server/providers';
import { DEFAULT_RETRY } from '../../server/providers/resilience';
import type { CloudbaseManifest, FunctionDeclaration } from '../functions-manifest';
import { isSecretVariable } from '../deliver/secret-scan';

/** The variables of a `.env` file; none when it does not exist. */
export function readDotEnv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

/** The operator's variables: the process environment wins over `.env`; empty values count as unset. */
export function operatorEnv(processEnv: NodeJS.ProcessEnv, dotEnv: Record<string, string>): Env {
  const merged: Env = {};
  for (const [name, value] of [...Object.entries(dotEnv), ...Object.entries(processEnv)])
    if (value !== undefined && value.trim() !== '') merged[name] = value.trim();
  return merged;
}

/** What the management API needs: the environment and a CAM key allowed to manage it. */
export interface Credentials {
  envId: string;
  secretId: string;
  secretKey: string;
  token?: string;
  region?: string;
}

/** The credentials from TCB_ENV (the manifest's envId variable), TCB_SECRET_ID and TCB_SECRET_KEY, or the missing names. */
export function credentialsFrom(env: Env, envIdVariable: string): Credentials | { missing: string[] } {
  const names = [envIdVariable, 'TCB_SECRET_ID', 'TCB_SECRET_KEY'];
  const [envId, secretId, secretKey] = names.map((name) => env[name]);
  if (!envId || !secretId || !secretKey) return { missing: names.filter((name) => !env[name]) };
  return {
    envId,
    secretId,
    secretKey,
    token: env.TCB_SESSION_TOKEN,
    region: env.TCB_REGION,
  };
}

/** The values a function is deployed with: its declared variables that the operator set. */
export function functionVariables(fn: FunctionDeclaration, env: Env): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of Object.keys(fn.envVariables).sort())
    if (env[name] !== undefined) values[name] = env[name];
  return values;
}

/** A variable's value as it may be printed: secrets never, other values as they are. */
export function shownValue(name: string, value: string): string {
  return isSecretVariable(name) ? '(hidden)' : value;
}

/** What is wrong with the values before anything changes: variables to set, and values that would fail. */
interface ConfigProblems {
  missing: string[];
  invalid: string[];
}

const PLACEHOLDER = 'https://placeholder.invalid/';

/** Variables the FaceID product in FACEID_PROVIDER needs (asked of the functions' own configuration code). */
function missingFaceIdVariables(values: Env): { missing: string[]; invalid: string[] } {
  const trial: Env = { ...values };
  const missing: string[] = [];
  for (let round = 0; round < 20; round++) {
    try {
      createProvider({ env: trial, now: Date.now, purpose: 'token' });
      return { missing, invalid: [] };
    } catch (err) {
      if (!(err instanceof FaceIdError) || !err.param) throw err;
      if (err.code !== 'CONFIG_MISSING') return { missing, invalid: [`${err.param}: ${err.message}`] };
      missing.push(err.param);
      trial[err.param] = PLACEHOLDER;
    }
  }
  return { missing, invalid: [] };
}

/** The longest a function may wait on FaceID with FACEID_TIMEOUT_MS: every retried attempt timing out, and the back-offs. */
function worstFaceIdWaitMs(timeoutMs: number): number {
  let backoff = 0;
  for (let i = 0; i < DEFAULT_RETRY.attempts - 1; i++)
    backoff += Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** i);
  return DEFAULT_RETRY.attempts * timeoutMs + backoff;
}

/** Seconds a function calling FaceID keeps for its database and storage work beyond the wait on FaceID. */
const FUNCTION_WORK_MARGIN_S = 5;

/**
 * Checks the values every function will run with, with the functions' own parsers: missing variables (named),
 * malformed values, and a FACEID_TIMEOUT_MS the declared function time-outs cannot hold.
 */
export function checkConfiguration(manifest: CloudbaseManifest, env: Env): ConfigProblems {
  const declared = new Set(manifest.functions.flatMap((fn) => Object.keys(fn.envVariables)));
  const values: Env = Object.fromEntries(
    [...declared].filter((n) => env[n] !== undefined).map((n) => [n, env[n]]),
  );
  const problems: ConfigProblems = { missing: [], invalid: [] };
  const attempt = (check: () => unknown): void => {
    try {
      check();
    } catch (err) {
      if (err instanceof FaceIdError && err.param) problems.invalid.push(`${err.param}: ${err.message}`);
      else throw err;
    }
  };
  if (declared.has('FACEID_PROVIDER')) {
    const faceid = missingFaceIdVariables(values);
    problems.missing.push(...faceid.missing);
    problems.invalid.push(...faceid.invalid);
  }
  // Who the privacy policy's 我们 is: every deployment names its operator and contact.
  for (const name of ['FACEID_OPERATOR_NAME', 'FACEID_OPERATOR_CONTACT'] as const)
    if (declared.has(name))
      if (values[name]?.trim()) attempt(() => readConfig(values)[name]);
      else problems.missing.push(name);
  if (declared.has('FACEID_RATE_LIMIT')) attempt(() => rateLimitFromEnv(values));
  if (declared.has('FACEID_RETENTION_DAYS')) attempt(() => retentionDays(values));
  if (declared.has('FACEID_MINIPROGRAM_APPID')) attempt(() => readConfig(values).FACEID_MINIPROGRAM_APPID);
  if (declared.has('FACEID_API_KEYS_SHA256')) attempt(() => readConfig(values).FACEID_API_KEYS_SHA256);
  if (declared.has('FACEID_API_RATE_LIMIT')) attempt(() => readConfig(values).FACEID_API_RATE_LIMIT);
  if (declared.has('FACEID_WEBHOOK_URL') && values.FACEID_WEBHOOK_URL?.trim()) {
    attempt(() => readConfig(values).FACEID_WEBHOOK_URL);
    if (!values.FACEID_WEBHOOK_SECRET?.trim()) problems.missing.push('FACEID_WEBHOOK_SECRET');
    else attempt(() => readConfig(values).FACEID_WEBHOOK_SECRET);
  }
  if (declared.has('FACEID_TIMEOUT_MS'))
    attempt(() => {
      const needS = Math.ceil(worstFaceIdWaitMs(timeoutFromEnv(values)) / 1000) + FUNCTION_WORK_MARGIN_S;
      for (const fn of manifest.functions)
        if ('FACEID_TIMEOUT_MS' in fn.envVariables && fn.timeout < needS)
          problems.invalid.push(
            `FACEID_TIMEOUT_MS: ${timeoutFromEnv(values)} ms needs ${fn.name}'s time-out to be at least ${needS} s (cloudbaserc.json declares ${fn.timeout} s)`,
          );
    });
  return problems;
}
