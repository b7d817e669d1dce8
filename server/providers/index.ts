import { FaceIdError } from '../../miniprogram/domain/errors';
import { baseUrlFromEnv, requireEnv, requireUrlEnv, timeoutFromEnv, type Env } from '../config';
import { createFidliteProvider, FIDLITE_DEFAULT_BASE_URL } from './fidlite';
import { APP_DEFAULT_BASE_URL, createMegviiAppProvider } from './megvii-app';
import { megviiConfigFromEnv } from './megvii-common';
import { h5ConfigFromEnv } from './megvii-h5';
import { createMegviiLiteProvider, liteHostFromEnv } from './megvii-lite';
import { createMegviiOverseasProvider, OVERSEAS_DEFAULT_BASE_URL } from './megvii-overseas';
import { createMegviiRawProvider, RAW_DEFAULT_BASE_URL } from './megvii-raw';
import { resilient } from './resilience';
import { PRODUCTS } from '../../miniprogram/domain/token-options';
import type { FaceIdProvider, ProviderName } from './types';

export interface ProviderContext {
  env: Env;
  now: () => number;
  /** Whether tokens will be issued (needs return/notify URLs), or only results read. */
  purpose: 'token' | 'result';
}

type ProviderFactory = (ctx: ProviderContext) => FaceIdProvider;

const FACTORIES: Partial<Record<ProviderName, ProviderFactory>> = {
  fidlite: ({ env, now, purpose }) =>
    createFidliteProvider({
      appcode: requireEnv(env, 'FACEID_APPCODE'),
      baseUrl: baseUrlFromEnv(env, FIDLITE_DEFAULT_BASE_URL),
      returnUrl: purpose === 'token' ? requireUrlEnv(env, 'FACEID_RETURN_URL') : '',
      notifyUrl: purpose === 'token' ? requireUrlEnv(env, 'FACEID_NOTIFY_URL') : '',
      timeoutMs: timeoutFromEnv(env),
      now,
    }),
  'megvii-lite': ({ env, now, purpose }) =>
    createMegviiLiteProvider(h5ConfigFromEnv(env, now, purpose, liteHostFromEnv(env))),
  'megvii-overseas': ({ env, now, purpose }) =>
    createMegviiOverseasProvider(h5ConfigFromEnv(env, now, purpose, OVERSEAS_DEFAULT_BASE_URL)),
  'megvii-app': ({ env, now }) =>
    createMegviiAppProvider(megviiConfigFromEnv(env, now, APP_DEFAULT_BASE_URL)),
  'megvii-raw': ({ env, now }) =>
    createMegviiRawProvider(megviiConfigFromEnv(env, now, RAW_DEFAULT_BASE_URL)),
};

/** Registers a provider factory (one module per FaceID product). */
export function registerProvider(name: ProviderName, factory: ProviderFactory): void {
  FACTORIES[name] = factory;
}

/** The name in FACEID_PROVIDER (default fidlite), checked. */
export function providerNameFromEnv(env: Env): ProviderName {
  const raw = (env.FACEID_PROVIDER ?? '').trim() || 'fidlite';
  if (!Object.prototype.hasOwnProperty.call(PRODUCTS, raw)) {
    throw new FaceIdError('CONFIG_INVALID', { param: 'FACEID_PROVIDER', detail: `unknown provider ${raw}` });
  }
  return raw as ProviderName;
}

/** Builds the provider FACEID_PROVIDER names; a missing variable fails with CONFIG_MISSING before any call. */
export function createProvider(ctx: ProviderContext): FaceIdProvider {
  const name = providerNameFromEnv(ctx.env);
  const factory = FACTORIES[name];
  if (!factory)
    throw new FaceIdError('CONFIG_INVALID', { param: 'FACEID_PROVIDER', detail: `${name} is not available` });
  return resilient(factory(ctx));
}
