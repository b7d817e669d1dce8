import type { GetResultOk, TokenClient, VerificationMode } from '../../miniprogram/domain/events';
import type { Outcome } from '../../miniprogram/domain/result-codes';

/** Name of the CloudBase collection that holds one record per verification. */
export const VERIFICATIONS_COLLECTION = 'faceid_verifications';

/** Life of a record: requesting → issued → finished, or failed when no token could be issued. */
export type VerificationStatus = 'requesting' | 'issued' | 'finished' | 'failed';

/** The final answer kept with a record so reading it again makes no upstream call (no images, masked only). */
export type StoredResult = Omit<GetResultOk, 'ok'>;

/** One verification as stored: masked personal data only. `_id` is the bizNo. */
export interface VerificationRecord {
  _id: string;
  /** The caller's openid; null for calls from the cloud console or CI. */
  openid: string | null;
  bizNo: string;
  bizToken?: string;
  /** Provider's own handle for get_result where it differs from the token. */
  resultRef?: string;
  /** How the client starts the flow (token, H5 address or SDK token), kept so a repeated request gets the same. */
  client?: TokenClient;
  mode: VerificationMode;
  provider: string;
  status: VerificationStatus;
  consentVersion?: string;
  maskedName?: string;
  maskedIdNumber?: string;
  resultCode?: number;
  outcome?: Outcome;
  result?: StoredResult;
  errorCode?: string;
  /** For a product with a daily get_result budget: the (China Standard Time) day and the calls made that day. */
  resultCalls?: { day: string; count: number };
  /** The latest answer that was not final, served once the day's get_result budget is used. */
  lastResult?: StoredResult;
  /** Cloud-storage fileIDs of evidence images, kept only when FACEID_KEEP_IMAGES=1. */
  imageFileIDs?: string[];
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt?: number;
  finishedAt?: number;
}

export interface ListOptions {
  limit: number;
  skip: number;
}

/** Where verification records live: CloudBase in the cloud, embedded locally and in tests. */
export interface VerificationStore {
  /** Inserts a new record; resolves false (and writes nothing) when a record with that `_id` exists. */
  create(record: VerificationRecord): Promise<boolean>;
  getById(id: string): Promise<VerificationRecord | undefined>;
  getByBizToken(bizToken: string): Promise<VerificationRecord | undefined>;
  /** The record whose provider handle (Megvii Lite's biz_id) is `resultRef`. */
  getByResultRef(resultRef: string): Promise<VerificationRecord | undefined>;
  update(id: string, patch: Partial<Omit<VerificationRecord, '_id'>>): Promise<void>;
  /** One user's records, newest first. */
  listByOpenid(openid: string, options: ListOptions): Promise<VerificationRecord[]>;
  /** Everyone's records, newest first (console and operators only). */
  listRecent(options: ListOptions): Promise<VerificationRecord[]>;
  /** Up to `limit` records created before the time, oldest first. */
  listCreatedBefore(time: number, limit: number): Promise<VerificationRecord[]>;
  /** Deletes one record; resolves whether it existed. */
  delete(id: string): Promise<boolean>;
  /**
   * Counts one hit for `key` in the fixed window that contains `now` and returns the window's count so far (at
   * least this hit's place in it). Kept in the store so a limit holds across function instances.
   */
  hit(key: string, now: number, windowMs: number): Promise<number>;
}

/** Name of the CloudBase collection holding rate-limit counters. */
export const COUNTERS_COLLECTION = 'faceid_counters';
