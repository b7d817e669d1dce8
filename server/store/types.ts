import type { ErrorCode } from '../../miniprogram/shared/errors';
import type {
  GetResultOk,
  TokenClient,
  VerificationMode,
  VerificationStatus,
} from '../../miniprogram/shared/events';

/** Name of the CloudBase collection that holds one record per verification. */
export const VERIFICATIONS_COLLECTION = 'faceid_verifications';

/** Name of the CloudBase collection holding rate-limit counters. */
export const COUNTERS_COLLECTION = 'faceid_counters';

/** The final answer kept with a record so reading it again makes no upstream call (no images, masked only). */
export type StoredResult = Omit<GetResultOk, 'ok'>;

/** A product's get_result calls for one verification on one China day (Megvii Lite allows 3). */
export interface ResultCalls {
  day: string;
  count: number;
}

/** What every record carries, whatever its state: masked personal data only. `_id` is the bizNo. */
interface RecordBase {
  _id: string;
  /** The caller's openid; null for calls from the cloud console or CI. */
  openid: string | null;
  bizNo: string;
  mode: VerificationMode;
  provider: string;
  /** The consent text's version the person agreed to (CONSENT_VERSION); none for the operator's own calls. */
  consentVersion?: string;
  /** When the server accepted that consent (epoch milliseconds). */
  consentedAt?: number;
  maskedName?: string;
  maskedIdNumber?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Which token request of this bizNo the record is on (1, then 2 after a failed first attempt, …). */
  attempt: number;
  /** Cloud-storage fileIDs of the reference photos sent with the token request, until they are deleted. */
  photoFileIDs?: string[];
}

/** What FaceID issued: kept from `issued` on, so a repeated request gets the same token. */
export interface TokenFields {
  bizToken: string;
  /** Epoch milliseconds when the token dies. */
  expiresAt: number;
  client: TokenClient;
  /** The provider's own handle for get_result where it differs from the token (Megvii Lite's biz_id). */
  resultRef?: string;
}

/** A token is being bought; older than the function's time-out it is stale and may be taken over. */
export interface RequestingRecord extends RecordBase {
  status: 'requesting';
  requestedAt: number;
}

/** No token could be issued; a retry of the bizNo may try again. */
export interface FailedRecord extends RecordBase {
  status: 'failed';
  errorCode: ErrorCode;
  endedAt: number;
}

/** The person may go through FaceID's flow with the token. */
export interface IssuedRecord extends RecordBase, TokenFields {
  status: 'issued';
  /** Budgeted products only: get_result calls made today. */
  resultCalls?: ResultCalls;
  /** Until when (epoch ms) one reader holds the right to call get_result; others wait for its answer. */
  readingUntil?: number;
  /** The latest answer that was not final (budgeted products), served while the day's budget is used. */
  lastResult?: StoredResult;
  /** When `lastResult` was read (epoch ms). */
  lastReadAt?: number;
}

/** FaceID gave a final result (passed or not). */
export interface FinishedRecord extends RecordBase, TokenFields {
  status: 'finished';
  result: StoredResult;
  endedAt: number;
  /** Cloud-storage fileIDs of evidence images, kept only when FACEID_KEEP_IMAGES=1. */
  imageFileIDs?: string[];
}

/** The person left the flow (FaceID's USER_CANCEL). */
export interface CancelledRecord extends RecordBase, TokenFields {
  status: 'cancelled';
  result: StoredResult;
  endedAt: number;
}

/** The token died without a final result. */
export interface ExpiredRecord extends RecordBase, TokenFields {
  status: 'expired';
  endedAt: number;
}

/** How an `issued` record ends with a final answer. */
export interface Ending {
  status: 'finished' | 'cancelled';
  result: StoredResult;
  endedAt: number;
  imageFileIDs?: string[];
  maskedName?: string;
  maskedIdNumber?: string;
}

/** One verification as stored, by state: each state carries exactly its fields. */
export type VerificationRecord =
  RequestingRecord | FailedRecord | IssuedRecord | FinishedRecord | CancelledRecord | ExpiredRecord;

/** Records that hold a token: every state after `issued`. */
export type TokenRecord = IssuedRecord | FinishedRecord | CancelledRecord | ExpiredRecord;

/** Records whose story is over. */
export type EndedRecord = FailedRecord | FinishedRecord | CancelledRecord | ExpiredRecord;

/** Whether the record holds a token. */
export function hasToken(record: VerificationRecord): record is TokenRecord {
  return record.status !== 'requesting' && record.status !== 'failed';
}

export const STATUSES: readonly VerificationStatus[] = [
  'requesting',
  'issued',
  'failed',
  'finished',
  'cancelled',
  'expired',
];

export interface ListOptions {
  limit: number;
  skip: number;
}

/**
 * Where verification records live (CloudBase). Every change of state is a named transition that succeeds only
 * from the expected state (a compare-and-set on `status`), so of two concurrent requests only one wins; each
 * resolves whether it won.
 */
export interface VerificationStore {
  /** Inserts a new `requesting` record; false (and nothing written) when the bizNo exists. */
  begin(record: RequestingRecord): Promise<boolean>;
  /** `failed` (or `requesting` stale since before `staleBefore`) → `requesting` with the next attempt number. */
  retry(
    record: FailedRecord | RequestingRecord,
    at: number,
    staleBefore: number,
  ): Promise<RequestingRecord | undefined>;
  /** `requesting` (this attempt) → `issued`. */
  issue(
    record: RequestingRecord,
    token: TokenFields,
    extra: Pick<IssuedRecord, 'resultCalls'>,
  ): Promise<boolean>;
  /** `requesting` (this attempt) → `failed`. */
  fail(record: RequestingRecord, errorCode: ErrorCode, at: number): Promise<boolean>;
  /** `issued` → `finished` or `cancelled`, with the final answer. */
  finish(record: IssuedRecord, ending: Ending): Promise<boolean>;
  /** `issued` whose token died before `at` → `expired`. */
  expire(record: IssuedRecord, at: number): Promise<boolean>;
  /**
   * Takes the right to call get_result for a budgeted record: one more call today (at most `perDay`), no other
   * reader holding it, and no answer read since `sharedBefore`. Resolves false otherwise.
   */
  claimResultCall(
    record: IssuedRecord,
    day: string,
    perDay: number,
    at: number,
    holdMs: number,
    sharedBefore: number,
  ): Promise<boolean>;
  /** Releases the right to read of a budgeted record, keeping its latest non-final answer. */
  keepLastResult(
    record: IssuedRecord,
    result: StoredResult | undefined,
    readAt: number | undefined,
  ): Promise<void>;
  /** Forgets the photo fileIDs once the files are deleted. */
  forgetPhotos(id: string): Promise<void>;
  getById(id: string): Promise<VerificationRecord | undefined>;
  getByBizToken(bizToken: string): Promise<TokenRecord | undefined>;
  /** The record whose provider handle (Megvii Lite's biz_id) is `resultRef`. */
  getByResultRef(resultRef: string): Promise<TokenRecord | undefined>;
  /** One user's records, newest first. */
  listByOpenid(openid: string, options: ListOptions): Promise<VerificationRecord[]>;
  /** Everyone's records, newest first (console and operators only). */
  listRecent(options: ListOptions): Promise<VerificationRecord[]>;
  /** Up to `limit` records created before the time, oldest first. */
  listCreatedBefore(time: number, limit: number): Promise<VerificationRecord[]>;
  /** Up to `limit` records left in a live state: `issued` whose token died, `requesting` gone stale. */
  listUnsettled(now: number, staleBefore: number, limit: number): Promise<VerificationRecord[]>;
  /** Deletes one record; resolves whether it existed. */
  delete(id: string): Promise<boolean>;
  /**
   * Takes one unit of `key`'s budget of `limit` in the fixed window that contains `now`; false when the window's
   * budget is used. One conditional increment, so it holds across function instances.
   */
  take(key: string, limit: number, now: number, windowMs: number): Promise<boolean>;
  /** Gives back a unit taken by `take` for a request that made no paid call. */
  giveBack(key: string, now: number, windowMs: number): Promise<void>;
  /** Deletes rate-limit counters whose window has ended; resolves how many. */
  purgeCounters(now: number): Promise<number>;
}
