import { FaceIdError, toClientError } from './errors';
import type { Failure } from '../miniprogram/shared/events';
import { readConfig, type Config, type Env } from './config';
import { consoleLogger, type Logger } from './log';
import type { CloudDatabase } from './store/cloudbase';
import { batchedFiles, type FileApi } from './files';
import { PhotoRegistry } from './photos';
import { openStore } from './store';
import type { VerificationStore } from './store/types';
import { decideCaller, type Caller } from './caller';
import { CloudAccessTokenStore } from './store/access-tokens';
import type { AccessTokenStore } from './providers/wechat';

type WxServerSdk = typeof import('wx-server-sdk');

/**
 * The part of wx-server-sdk the functions use, typed from the SDK's own declarations; the database as the store
 * sees it (the SDK declares its query methods loosely, `Promise | void | string`).
 */
export interface CloudSdk extends Pick<
  WxServerSdk,
  'init' | 'getWXContext' | 'DYNAMIC_CURRENT_ENV' | 'downloadFile' | 'uploadFile' | 'deleteFile'
> {
  database(): CloudDatabase;
}

export type { Caller } from './caller';

/** What a domain function receives: its name, caller, store, photo registry, clock, files, configuration and logger. */
export interface Services {
  /** The cloud function's name (as declared in cloudbaserc.json), for logs. */
  fn: string;
  caller: Caller;
  store: VerificationStore;
  /** The reference photos people were let upload, each with its end. */
  photos: PhotoRegistry;
  now: () => number;
  config: Config;
  files: FileApi;
  log: Logger;
  /** WeChat's access tokens (collection faceid_tokens), shared by instances. */
  accessTokens?: AccessTokenStore;
}

let cloudSdk: CloudSdk | undefined;

/** wx-server-sdk, initialised once per instance for the environment the function runs in. */
function loadSdk(): CloudSdk {
  if (!cloudSdk) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('wx-server-sdk') as CloudSdk;
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV as unknown as string });
    cloudSdk = sdk;
  }
  return cloudSdk;
}

type Handler<T> = (event: unknown, services: Services) => Promise<T>;

/**
 * Wraps a domain function as a cloud function `main(event, context)`: wires wx-server-sdk, the store over its
 * database and the caller's identity, and turns every failure into `{ ok: false, error }`.
 */
export function cloudFunction<T extends object>(
  name: string,
  handler: Handler<T>,
  options: {
    log?: Logger;
    /** Where the variables come from (default: the process environment). */
    env?: Env;
    /**
     * Served through HTTP access (FaceID's notify): whoever sent the request, the function runs as the operator
     * and trusts only what FaceID itself answers, so the sender's identity is not consulted.
     */
    httpAccess?: boolean;
  } = {},
): (event: unknown, context?: unknown) => Promise<T | Failure> {
  return async function main(event: unknown): Promise<T | Failure> {
    const started = Date.now();
    const config = readConfig(options.env);
    const log = options.log ?? consoleLogger(config.FACEID_LOG);
    try {
      const sdk = loadSdk();
      const caller: Caller = options.httpAccess
        ? { kind: 'operator' }
        : decideCaller(sdk.getWXContext(), options.env ?? process.env, config.FACEID_MINIPROGRAM_APPID);
      const store = openStore(sdk.database());
      const result = await handler(event, {
        fn: name,
        caller,
        store,
        photos: new PhotoRegistry(sdk.database()),
        now: Date.now,
        config,
        files: batchedFiles(sdk),
        log,
        accessTokens: new CloudAccessTokenStore(sdk.database()),
      });
      log.info({
        fn: name,
        event: 'done',
        ms: Date.now() - started,
        console: caller.kind === 'operator' || undefined,
      });
      return result;
    } catch (err) {
      const error = toClientError(err);
      log.warn({
        fn: name,
        event: 'failed',
        code: error.code,
        status: err instanceof FaceIdError ? err.status || undefined : undefined,
        errorName: err instanceof FaceIdError ? undefined : (err as Error)?.name,
        ms: Date.now() - started,
      });
      return { ok: false, error };
    }
  };
}
