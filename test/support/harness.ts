/**
 * Runs the bundled cloud functions the production way: each `cloudfunctions/<name>/index.js` in its own instances
 * (worker threads), the real wx-server-sdk inside pointed at the CloudBase stand-in, FaceID answered by the
 * sandbox through a recording proxy.
 */
import { UPLOADS_COLLECTION } from '../../server/photos';
import { CloudBaseStore } from '../../server/store/cloudbase';
import {
  VERIFICATIONS_COLLECTION,
  type VerificationRecord,
  type VerificationStore,
} from '../../server/store/types';
import { startLocalCloud, type LocalCloud } from '../../tools/local-cloud';
import { startSandbox } from '../../tools/sandbox';
import { useSdkInThisProcess } from './cloudbase';
import { startRecordingUpstream, type RecordingUpstream } from './recording-upstream';

export const TEST_APPCODE = 'test-appcode-0123456789abcdef';

export interface Harness {
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  upstream: RecordingUpstream;
  cloud: LocalCloud;
  /** The functions' configuration variables at the start (a test may change them in process.env). */
  env: Record<string, string>;
  /** The verification store over the real SDK's database, pointed at the same stand-in as the functions. */
  store(): VerificationStore;
  /** Calls a function as a user (default `o-user-1`; null: a console call); rejects with the platform's failures. */
  call<T = Record<string, unknown>>(name: string, event: unknown, openid?: string | null): Promise<T>;
  /** Runs a function with this time-out instead of its declared one (undefined: the declared one again). */
  setTimeout(name: string, ms: number | undefined): void;
  /** Sets (or, with undefined, removes) configuration variables of the functions for the rest of the test. */
  setEnv(variables: Record<string, string | undefined>): void;
  /** Writes a record as it would stand in the database (a state reached earlier, e.g. by a stopped function). */
  putRecord(record: VerificationRecord): Promise<void>;
  /** Moves a record's times, as if they had been set earlier (the functions' clock is the real one). */
  ageRecord(
    id: string,
    times: { expiresAt?: number; requestedAt?: number; createdAt?: number },
  ): Promise<void>;
  /** Stores a file as the mini-program's wx.cloud.uploadFile would; resolves its fileID. */
  putFile(cloudPath: string, content: Buffer): Promise<string>;
  /**
   * Uploads a reference photo as the mini-program does: preparePhoto as the user (default `o-user-1`), then the
   * upload to the cloud path it named; resolves the fileID.
   */
  uploadPhoto(content: Buffer, openid?: string): Promise<string>;
  /** Moves a registered photo's end, as if it had been registered earlier. */
  agePhoto(fileID: string, expiresAt: number): Promise<void>;
  /** How many photos the registry holds. */
  registeredPhotos(): Promise<number>;
  /** Whether cloud storage still holds the file. */
  fileExists(fileID: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The variables a function is configured with: this process's FACEID_* variables. */
function functionConfiguration(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('FACEID_') && entry[1] !== undefined,
    ),
  );
}

/** Starts the sandbox, a recording proxy in front of it, the CloudBase stand-in and the functions on it. */
export async function startHarness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, appcode: TEST_APPCODE, quiet: true });
  const upstream = await startRecordingUpstream(sandbox.url);
  const env: Record<string, string> = {
    FACEID_PROVIDER: 'fidlite',
    FACEID_APPCODE: TEST_APPCODE,
    FACEID_BASE_URL: upstream.url,
    FACEID_NOTIFY_URL: 'http://127.0.0.1:9/notify',
    FACEID_RETURN_URL: 'https://example.invalid/return',
    FACEID_TIMEOUT_MS: '3000',
    FACEID_RATE_LIMIT: '1000/600',
    FACEID_LOG: 'off',
    ...extraEnv,
  };
  // The functions' configuration is this process's FACEID_* variables at each call, so a test can change it.
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const cloud = await startLocalCloud({ env: functionConfiguration, instances: 2 });
  // The test's own view of the database: the same SDK, the same variables, in this process.
  const { sdk, restore } = useSdkInThisProcess(cloud.cloudbase.sdkEnvironment());
  const store = new CloudBaseStore(sdk.database());
  return {
    sandbox,
    upstream,
    cloud,
    env,
    store: () => store,
    call: (name, event, openid = 'o-user-1') => cloud.invoke(name, event, openid) as never,
    setTimeout: (name, ms) => cloud.functions.overrideTimeout(name, ms),
    setEnv(variables) {
      for (const [key, value] of Object.entries(variables)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
    async putRecord(record) {
      const { _id, ...fields } = record;
      await sdk
        .database()
        .collection(VERIFICATIONS_COLLECTION)
        .add({ data: { _id, ...fields } });
    },
    async ageRecord(id, times) {
      await sdk
        .database()
        .collection(VERIFICATIONS_COLLECTION)
        .doc(id)
        .update({ data: { ...times } });
    },
    putFile: async (cloudPath, content) => cloud.putFile(cloudPath, content),
    async uploadPhoto(content, openid = 'o-user-1') {
      const prepared = (await cloud.invoke('preparePhoto', {}, openid)) as {
        ok: boolean;
        cloudPath?: string;
        fileID?: string;
      };
      if (!prepared.ok || !prepared.cloudPath) throw new Error(`preparePhoto: ${JSON.stringify(prepared)}`);
      const fileID = cloud.putFile(prepared.cloudPath, content);
      if (fileID !== prepared.fileID) throw new Error(`uploaded ${fileID}, registered ${prepared.fileID}`);
      return fileID;
    },
    async agePhoto(fileID, expiresAt) {
      await sdk.database().collection(UPLOADS_COLLECTION).where({ fileID }).update({ data: { expiresAt } });
    },
    async registeredPhotos() {
      const { data } = await sdk.database().collection(UPLOADS_COLLECTION).limit(1000).get();
      return data.length;
    },
    fileExists: async (fileID) => cloud.cloudbase.readFile(fileID) !== undefined,
    async close() {
      await cloud.close();
      restore();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await upstream.close();
      await sandbox.close();
    },
  };
}
