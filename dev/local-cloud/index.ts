/**
 * The cloud on this machine: the CloudBase stand-in (database and storage) and the bundled functions running on
 * it through the real wx-server-sdk, with the project's collections created as the deploy steps create them.
 */
import { UPLOADS_COLLECTION } from '../../server/photos';
import { COUNTERS_COLLECTION, VERIFICATIONS_COLLECTION } from '../../server/store/types';
import { TOKENS_COLLECTION } from '../../server/store/access-tokens';
import { startCloudBase, type CloudBaseStandIn } from '../cloudbase';
import {
  createLocalFunctions,
  type Caller,
  type LocalFunctions,
  type LocalFunctionsOptions,
} from './functions';

/** The collections the deploy steps create in the console (README, Deploy). */
export const PROJECT_COLLECTIONS = [
  VERIFICATIONS_COLLECTION,
  COUNTERS_COLLECTION,
  UPLOADS_COLLECTION,
  TOKENS_COLLECTION,
];

interface LocalCloudOptions extends Omit<LocalFunctionsOptions, 'cloudEnv'> {
  /** Keep the database and storage in this folder (survives restarts); in memory without it. */
  dataDir?: string;
  /** Milliseconds every request to the stand-in waits. */
  latencyMs?: number;
}

export interface LocalCloud {
  cloudbase: CloudBaseStandIn;
  functions: LocalFunctions;
  /** Calls a bundled function as the given caller (an openid of this mini-program; null: console or HTTP access). */
  invoke(name: string, event: unknown, caller: Caller): Promise<unknown>;
  /** Stores a file as the mini-program's wx.cloud.uploadFile does (straight to storage); resolves its fileID. */
  putFile(cloudPath: string, content: Buffer): string;
  close(): Promise<void>;
}

/** Starts the stand-in and the function runner over it. */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const cloudbase = await startCloudBase({
    dataDir: options.dataDir,
    latencyMs: options.latencyMs,
  });
  for (const name of PROJECT_COLLECTIONS) cloudbase.createCollection(name);
  const functions = createLocalFunctions({ ...options, cloudEnv: cloudbase.sdkEnvironment() });
  return {
    cloudbase,
    functions,
    invoke: (name, event, caller) => functions.invoke(name, event, caller),
    putFile: (cloudPath, content) => cloudbase.putFile(cloudPath, content),
    async close() {
      await functions.close();
      await cloudbase.close();
    },
  };
}
