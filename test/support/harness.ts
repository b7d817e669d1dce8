/**
 * Runs the bundled cloud functions the production way: each `cloudfunctions/<name>/index.js` in its own instances
 * (worker threads), the real wx-server-sdk inside pointed at the CloudBase stand-in, FaceID answered by the
 * sandbox through a recording proxy.
 */
import { CONSENT_VERSION } from '../../miniprogram/shared/consent';
import { recordId } from '../../server/lifecycle/states';
import { UPLOADS_COLLECTION } from '../../server/photos';
import { CloudBaseStore } from '../../server/store/cloudbase';
import {
  VERIFICATIONS_COLLECTION,
  type VerificationRecord,
  type VerificationStore,
} from '../../server/store/types';
import { startLocalCloud, type LocalCloud } from '../../dev/local-cloud';
import type { Caller } from '../../dev/local-cloud/functions';
import { startSandbox } from '../../dev/sandbox';
import { useSdkInThisProcess } from './cloudbase';
import { startRecordingUpstream, type RecordingUpstream } from './recording-upstream';

export const TEST_APPCODE = 'test-appcode-0123456789abcdef';

/** What the page sends with every getBizToken: the consent version the person agreed to. */
export const CONSENT = { consentVersion: CONSENT_VERSION } as const;
/** The operator the functions name in whoami (FACEID_OPERATOR_NAME, FACEID_OPERATOR_CONTACT). */
export const TEST_OPERATOR = { name: '测试运营有限公司', contact: 'privacy@operator.example' } as const;

export interface Harness {
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  upstream: RecordingUpstream;
  cloud: LocalCloud;
  /** The functions' configuration variables at the start (a test may change them in process.env). */
  env: Record<string, string>;
  /** The verification store over the real SDK's database, pointed at the same stand-in as the functions. */
  store(): VerificationStore;
  /**
   * Calls a function as a user of this mini-program (an openid, default `o-user-1`), the operator (null) or any
   * other caller (its WX_* and TCB_* variables); rejects with the platform's failures.
   */
  call<T = Record<string, unknown>>(name: string, event: unknown, caller?: Caller): Promise<T>;
  /** Runs a function with this time-out instead of its declared one (undefined: the declared one again). */
  setTimeout(name: string, ms: number | undefined): void;
  /** Sets (or, with undefined, removes) configuration variables of the functions for the rest of the test. */
  setEnv(variables: Record<string, string | undefined>): void;
  /** A user's record of a bizNo (default `o-user-1`; null: the console's), as the store holds it. */
  record(bizNo: string, openid?: string | null): Promise<VerificationRecord | undefined>;
  /**
   * Writes a record as it would stand in the database (a state reached earlier, e.g. by a stopped function),
   * under the id its owner and bizNo give it.
   */
  putRecord(record: VerificationRecord): Promise<void>;
  /** Moves the times of a user's record of a bizNo, as if they had been set earlier (the functions' clock is real). */
  ageRecord(
    bizNo: string,
    times: { expiresAt?: number; requestedAt?: number; createdAt?: number; lastReadAt?: number },
    openid?: string | null,
  ): Promise<void>;
  /**
   * Moves a record's webhook delivery on, as if time had passed: due now (or at `due`), its claim's hold over,
   * recorded `earlierBy` ms earlier (the functions' clock is real).
   */
  moveDelivery(bizNo: string, earlierBy?: number, openid?: string | null): Promise<void>;
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
  /** What the functions have asked of the database, storage and FaceID so far. */
  traffic(): { cloudbase: number; faceid: number };
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
    FACEID_OPERATOR_NAME: TEST_OPERATOR.name,
    FACEID_OPERATOR_CONTACT: TEST_OPERATOR.contact,
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
    call: (name, event, caller = 'o-user-1') => cloud.invoke(name, event, caller) as never,
    setTimeout: (name, ms) => cloud.functions.overrideTimeout(name, ms),
    setEnv(variables) {
      for (const [key, value] of Object.entries(variables)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
    record: (bizNo, openid = 'o-user-1') => store.getByBizNo(openid, bizNo),
    async putRecord(record) {
      const { _id: _derived, ...fields } = record;
      await sdk
        .database()
        .collection(VERIFICATIONS_COLLECTION)
        .add({ data: { _id: recordId(record.openid, record.bizNo), ...fields } });
    },
    async ageRecord(bizNo, times, openid = 'o-user-1') {
      await sdk
        .database()
        .collection(VERIFICATIONS_COLLECTION)
        .doc(recordId(openid, bizNo))
        .update({ data: { ...times } });
    },
    async moveDelivery(bizNo, earlierBy = 0, openid = 'o-user-1') {
      const record = await store.getByBizNo(openid, bizNo);
      if (!record?.delivery) throw new Error(`${bizNo} has no delivery`);
      await sdk
        .database()
        .collection(VERIFICATIONS_COLLECTION)
        .where({ _id: record._id })
        .update({
          data: {
            delivery: { due: Date.now() - 1, claimedUntil: 0, since: record.delivery.since - earlierBy },
          },
        });
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
    traffic: () => ({
      cloudbase: Object.values(cloud.cloudbase.requestCounts()).reduce((sum, n) => sum + n, 0),
      faceid: upstream.requests.length,
    }),
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
