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
  update(id: string, patch: Partial<Omit<VerificationRecord, '_id'>>): Promise<void>;
  /** One user's records, newest first. */
  listByOpenid(openid: string, options: ListOptions): Promise<VerificationRecord[]>;
  /** Deletes records created before the time; returns how many. */
  deleteCreatedBefore(time: number): Promise<number>;
}
