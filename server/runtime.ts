import { FaceIdError, toClientError } from '../miniprogram/domain/errors';
import type { Failure } from '../miniprogram/domain/events';
import type { Env } from './config';
import { consoleLogger, type Logger } from './log';
import type { CloudDatabase } from './store/cloudbase';
import { openStore, storeSpecFromEnv } from './store';
import type { VerificationStore } from './store/types';

/** The part of wx-server-sdk the functions use; the local host and tests provide the same shape. */
export interface CloudSdk {
  init(options?: { env?: unknown }): void;
  getWXContext(): { OPENID?: string; APPID?: string; UNIONID?: string; ENV?: string };
  database(): CloudDatabase;
  downloadFile(options: { fileID: string }): Promise<{ fileContent: Buffer }>;
  uploadFile(options: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string }>;
  deleteFile(options: { fileList: string[] }): Promise<unknown>;
  DYNAMIC_CURRENT_ENV?: unknown;
}

/** Who called: the openid from the WeChat context, or null for the cloud console and CI. */
export interface Caller {
  openid: string | null;
}

/** What a domain function receives: its store, clock, files, configuration and logger. */
export interface Services {
  caller: Caller;
  store: VerificationStore;
  now: () => number;
  env: Env;
  files: Pick<CloudSdk, 'downloadFile' | 'uploadFile' | 'deleteFile'>;
  log: Logger;
}

/** Global slot where the local host and the tests put their stand-in of wx-server-sdk. */
export const LOCAL_SDK_KEY = Symbol.for('faceid.localCloudSdk');

let cloudSdk: CloudSdk | undefined;

const detachedSdk: CloudSdk = {
  init() {},
  getWXContext: () => ({}),
  database() {
    throw new FaceIdError('CONFIG_INVALID', {
      param: 'FACEID_STORE',
      detail: 'wx-server-sdk is not installed',
    });
  },
  async downloadFile() {
    throw new FaceIdError('CONFIG_INVALID', {
      param: 'FACEID_STORE',
      detail: 'no cloud storage outside the cloud',
    });
  },
  async uploadFile() {
    throw new FaceIdError('CONFIG_INVALID', {
      param: 'FACEID_STORE',
      detail: 'no cloud storage outside the cloud',
    });
  },
  async deleteFile() {
    throw new FaceIdError('CONFIG_INVALID', {
      param: 'FACEID_STORE',
      detail: 'no cloud storage outside the cloud',
    });
  },
};

function loadSdk(env: Env): CloudSdk {
  const injected = (globalThis as Record<symbol, unknown>)[LOCAL_SDK_KEY] as CloudSdk | undefined;
  if (injected) return injected;
  if (!cloudSdk) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require('wx-server-sdk') as CloudSdk;
      sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
      cloudSdk = sdk;
    } catch (err) {
      // Outside the cloud without the SDK: allowed only with an embedded store; calls count as console calls.
      if (
        (err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' ||
        storeSpecFromEnv(env).kind === 'cloud'
      )
        throw err;
      return detachedSdk;
    }
  }
  return cloudSdk;
}

export type Handler<T> = (event: unknown, services: Services) => Promise<T>;

/**
 * Wraps a domain function as a cloud function `main(event, context)`: wires the SDK, the store named by
 * FACEID_STORE and the caller's identity, and turns every failure into `{ ok: false, error }`.
 */
export function cloudFunction<T extends object>(
  name: string,
  handler: Handler<T>,
  options: { log?: Logger; env?: Env; cloudDatabase?: () => CloudDatabase } = {},
): (event: unknown, context?: unknown) => Promise<T | Failure> {
  const log = options.log ?? consoleLogger;
  return async function main(event: unknown): Promise<T | Failure> {
    const started = Date.now();
    const env = options.env ?? process.env;
    try {
      const sdk = loadSdk(env);
      const openid = sdk.getWXContext().OPENID;
      const caller: Caller = { openid: openid ? openid : null };
      const store = openStore(storeSpecFromEnv(env), options.cloudDatabase ?? (() => sdk.database()));
      const result = await handler(event, { caller, store, now: Date.now, env, files: sdk, log });
      log.info({
        fn: name,
        event: 'done',
        ms: Date.now() - started,
        console: caller.openid === null || undefined,
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
