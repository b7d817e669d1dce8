import { FaceIdError } from '../errors';
import { readConfig, type Config, type Env } from '../config';
import { createFidliteProvider, FIDLITE_DEFAULT_BASE_URL } from './fidlite';
import { APP_DEFAULT_BASE_URL, createMegviiAppProvider } from './megvii-app';
import { megviiConfig } from './megvii-common';
import { h5Config } from './megvii-h5';
import { createMegviiLiteProvider, liteHost } from './megvii-lite';
import { createMegviiOverseasProvider, OVERSEAS_DEFAULT_BASE_URL } from './megvii-overseas';
import { createMegviiRawProvider, RAW_DEFAULT_BASE_URL } from './megvii-raw';
import { resilient } from './resilience';
import type { FaceIdProvider, ProviderName } from './types';
import { createWechatProvider, WECHAT_DEFAULT_BASE_URL, type AccessTokenStore } from './wechat';

interface ProviderContext {
  config: Config;
  now: () => number;
  /** Whether tokens will be issued (needs return/notify URLs), or only results read. */
  purpose: 'token' | 'result';
  /** The calling mini-program's AppID (the caller's `APPID`), for WeChat's access token. */
  appid?: string;
  /** Where WeChat's access tokens are kept (the functions' database). */
  accessTokens?: AccessTokenStore;
}

/** Stands for the access-token store where none was given (the operator's deploy checks build providers only). */
const NO_ACCESS_TOKENS: AccessTokenStore = {
  read: () => Promise.reject(new FaceIdError('INTERNAL', { detail: 'no access-token store' })),
  write: () => Promise.reject(new FaceIdError('INTERNAL', { detail: 'no access-token store' })),
};

type ProviderFactory = (ctx: ProviderContext) => FaceIdProvider;

const FACTORIES: Record<ProviderName, ProviderFactory> = {
  fidlite: ({ config, now, purpose }) =>
    createFidliteProvider({
      appcode: config.FACEID_APPCODE,
      baseUrl: config.FACEID_BASE_URL ?? FIDLITE_DEFAULT_BASE_URL,
      returnUrl: purpose === 'token' ? config.FACEID_RETURN_URL : '',
      notifyUrl: purpose === 'token' ? config.FACEID_NOTIFY_URL : '',
      timeoutMs: config.FACEID_TIMEOUT_MS,
      now,
    }),
  'megvii-lite': ({ config, now, purpose }) =>
    createMegviiLiteProvider(h5Config(config, now, purpose, liteHost(config))),
  'megvii-overseas': ({ config, now, purpose }) =>
    createMegviiOverseasProvider(h5Config(config, now, purpose, OVERSEAS_DEFAULT_BASE_URL)),
  'megvii-app': ({ config, now }) => createMegviiAppProvider(megviiConfig(config, now, APP_DEFAULT_BASE_URL)),
  'megvii-raw': ({ config, now }) => createMegviiRawProvider(megviiConfig(config, now, RAW_DEFAULT_BASE_URL)),
  wechat: ({ config, now, appid, accessTokens }) => {
    const secret = config.FACEID_WECHAT_APPSECRET;
    return createWechatProvider({
      appid: () => {
        const chosen = appid ?? config.FACEID_MINIPROGRAM_APPID;
        if (!chosen)
          throw new FaceIdError('CONFIG_MISSING', {
            param: 'FACEID_MINIPROGRAM_APPID',
            detail: 'a call without APPID needs FACEID_MINIPROGRAM_APPID for WeChat',
          });
        return chosen;
      },
      secret: () => secret,
      baseUrl: config.FACEID_BASE_URL ?? WECHAT_DEFAULT_BASE_URL,
      timeoutMs: config.FACEID_TIMEOUT_MS,
      accessTokens: accessTokens ?? NO_ACCESS_TOKENS,
      now,
    });
  },
};

/**
 * Builds the provider FACEID_PROVIDER names; a missing variable fails with CONFIG_MISSING before any call. An
 * environment instead of a configuration is read as the functions read theirs (the operator's deploy checks).
 */
export function createProvider(
  ctx: ProviderContext | (Omit<ProviderContext, 'config'> & { env: Env }),
): FaceIdProvider {
  const config = 'config' in ctx ? ctx.config : readConfig(ctx.env);
  return resilient(
    FACTORIES[config.FACEID_PROVIDER]({
      config,
      now: ctx.now,
      purpose: ctx.purpose,
      appid: ctx.appid,
      accessTokens: ctx.accessTokens,
    }),
  );
}
