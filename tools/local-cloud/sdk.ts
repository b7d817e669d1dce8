/** A local stand-in of wx-server-sdk: caller identity per invocation, cloud storage in a folder. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { FaceIdError } from '../../miniprogram/domain/errors';
import { LOCAL_SDK_KEY, type CloudSdk } from '../../server/runtime';

export const LOCAL_ENV_ID = 'local-dev';
const FILE_ID_PREFIX = `cloud://${LOCAL_ENV_ID}.local/`;

export interface LocalCloud {
  sdk: CloudSdk;
  /** Puts this stand-in where the bundled cloud functions look for their SDK. */
  install(): void;
  uninstall(): void;
  /** Calls a bundled function's `exports.main` as the given user. */
  invoke(name: string, event: unknown, openid: string | null): Promise<unknown>;
  /** Stores a file as the mini-program's wx.cloud.uploadFile would; returns its fileID. */
  putFile(cloudPath: string, content: Buffer): string;
}

/** Creates a local cloud whose storage lives under `filesDir` and whose functions are the built bundles. */
export function createLocalCloud(options: { filesDir: string; functionsDir?: string }): LocalCloud {
  // The caller of the invocation being started. The runtime reads getWXContext() synchronously at the start of
  // main, as in the cloud, so setting it just around the synchronous part of main(...) keeps concurrent
  // invocations apart without async hooks (which would slow every promise of the process).
  let caller: string | null = null;
  const mains = new Map<string, (event: unknown, context: unknown) => Promise<unknown>>();
  const filesDir = resolve(options.filesDir);
  const functionsDir = resolve(options.functionsDir ?? join(__dirname, '..', '..', 'cloudfunctions'));

  function pathOf(cloudPath: string): string {
    const full = resolve(filesDir, cloudPath.replace(/^\/+/, ''));
    if (!full.startsWith(filesDir + sep))
      throw new FaceIdError('INVALID_EVENT', { param: 'fileID', detail: 'path escapes storage' });
    return full;
  }

  function putFile(cloudPath: string, content: Buffer): string {
    const full = pathOf(cloudPath);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return FILE_ID_PREFIX + cloudPath.replace(/^\/+/, '');
  }

  function fileOf(fileID: string): string {
    if (!fileID.startsWith(FILE_ID_PREFIX))
      throw new FaceIdError('INVALID_EVENT', { param: 'fileID', detail: 'unknown storage' });
    return pathOf(fileID.slice(FILE_ID_PREFIX.length));
  }

  const sdk: CloudSdk = {
    init() {},
    DYNAMIC_CURRENT_ENV: LOCAL_ENV_ID,
    getWXContext() {
      const openid = caller;
      return openid ? { OPENID: openid, APPID: 'wx-local', ENV: LOCAL_ENV_ID } : { ENV: LOCAL_ENV_ID };
    },
    database() {
      throw new FaceIdError('CONFIG_INVALID', {
        param: 'FACEID_STORE',
        detail: 'no CloudBase database locally: use memory or file:<path>',
      });
    },
    async downloadFile({ fileID }) {
      return { fileContent: readFileSync(fileOf(fileID)) };
    },
    async uploadFile({ cloudPath, fileContent }) {
      return { fileID: putFile(cloudPath, fileContent) };
    },
    async deleteFile({ fileList }) {
      for (const fileID of fileList) rmSync(fileOf(fileID), { force: true });
      return { fileList: fileList.map((fileID) => ({ fileID, status: 0 })) };
    },
  };

  const slot = globalThis as Record<symbol, unknown>;
  return {
    sdk,
    install: () => void (slot[LOCAL_SDK_KEY] = sdk),
    uninstall: () => void delete slot[LOCAL_SDK_KEY],
    invoke(name, event, openid) {
      let main = mains.get(name);
      if (!main) {
        if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new FaceIdError('INVALID_EVENT', { param: 'name' });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        main = (require(join(functionsDir, name, 'index.js')) as { main: NonNullable<typeof main> }).main;
        mains.set(name, main);
      }
      caller = openid;
      try {
        return main(event, {});
      } finally {
        caller = null;
      }
    },
    putFile,
  };
}
