import type { ErrorCode } from '../../miniprogram/shared/errors';
import type {
  Delivery,
  DeliveryState,
  Ending,
  IssuedRecord,
  ReadClaim,
  RequestingRecord,
  RetryableRecord,
  StoredResult,
  TimeRule,
  TokenFields,
  TokenRecord,
  AttemptFields,
  VerificationRecord,
} from '../lifecycle/states';

export type * from '../lifecycle/states';
export { hasToken } from '../lifecycle/states';

/** Name of the CloudBase collection that holds one record per verification. */
export const VERIFICATIONS_COLLECTION = 'faceid_verifications';

/** Name of the CloudBase collection holding rate-limit counters. */
export const COUNTERS_COLLECTION = 'faceid_counters';

export interface ListOptions {
  limit: number;
  skip: number;
}

/** What a reader asks for when it claims the right to call get_result (see `ReadClaim`). */
export interface ClaimRequest {
  at: number;
  /** How long the claim holds if its reader never releases it (a stopped function). */
  holdMs: number;
  /** Budgeted products: the China day and how many of its calls this reader may bring the count to. */
  budget?: { day: string; allowed: number };
  /** Only if no answer was read since then (readers sharing a recent answer instead of calling again). */
  lastReadBefore?: number;
  /** A notify: only if no notify took the claim since then; the claim records this notify's time. */
  notifiedBefore?: number;
}

/**
 * Where verification records live (CloudBase). Every change of state is a named transition that succeeds only
 * from the expected state of the expected attempt (and token, once there is one): a compare-and-set, so of two
 * concurrent requests only one wins, and a slow writer of an old attempt never writes to a newer one. Each
 * resolves whether it won.
 */
export interface VerificationStore {
  /** Inserts a new `requesting` record; false (and nothing written) when the id exists. */
  begin(record: RequestingRecord): Promise<boolean>;
  /** `failed`/`unconfirmed` (or `requesting` gone stale under `stale`) → `requesting`: the next attempt, its own fields. */
  retry(
    record: RetryableRecord | RequestingRecord,
    attempt: AttemptFields,
    at: number,
    stale: TimeRule<'requestedAt'>,
  ): Promise<RequestingRecord | undefined>;
  /** `requesting` (this attempt) → `issued`, with its token and a free read claim. */
  issue(record: RequestingRecord, token: TokenFields, claim: ReadClaim): Promise<boolean>;
  /** `requesting` (this attempt) → `failed`. */
  fail(record: RequestingRecord, errorCode: ErrorCode, at: number): Promise<boolean>;
  /** `requesting` (this attempt) → `unconfirmed`, with its webhook delivery in the same write. */
  unconfirm(
    record: RequestingRecord,
    errorCode: ErrorCode,
    at: number,
    delivery?: Delivery,
  ): Promise<boolean>;
  /** `issued` (this attempt and token) → `finished` or `cancelled`, with the final answer and its delivery. */
  finish(record: IssuedRecord, ending: Ending): Promise<boolean>;
  /** `issued` (this attempt and token) stays `issued`, marked left at `at` (the person left the verify step). */
  leave(record: IssuedRecord, at: number): Promise<boolean>;
  /** `issued` (this attempt and token) whose token is dead at `at` (`deadTokens`) → `expired`, with its delivery. */
  expire(record: IssuedRecord, at: number, delivery?: Delivery): Promise<boolean>;
  /**
   * Takes the right to send the record's delivery until `claimedUntil`: only while it is pending, due at `at`
   * and nobody else holds it.
   */
  claimDelivery(record: VerificationRecord, at: number, claimedUntil: number): Promise<boolean>;
  /** Records what a send did, only while this sender's claim (`claimedUntil`) is the delivery's. */
  endSend(record: VerificationRecord, claimedUntil: number, delivery: Delivery): Promise<boolean>;
  /** Makes the record's delivery pending and due at `at` again, tries from 0 (the operator's redeliver). */
  requeueDelivery(record: VerificationRecord, delivery: Delivery): Promise<boolean>;
  /** Up to `limit` records whose delivery is pending and due at `at`, the longest due first. */
  listDueDeliveries(at: number, limit: number): Promise<VerificationRecord[]>;
  /** Up to `limit` records whose delivery is in the state, the longest due first. */
  listDeliveries(state: DeliveryState, limit: number): Promise<VerificationRecord[]>;
  /** Up to `limit` `issued` records created before `createdBefore` and not read since `readBefore`, oldest first. */
  listUnread(readBefore: number, createdBefore: number, limit: number): Promise<IssuedRecord[]>;
  /** Takes the right to call get_result for an `issued` record (this attempt and token); false when not free. */
  claimRead(record: IssuedRecord, claim: ClaimRequest): Promise<boolean>;
  /** Gives an `issued` record written without a read claim (an older version) a free one. */
  openClaim(record: IssuedRecord): Promise<void>;
  /** Releases the right to read, keeping the latest non-final answer and when it was read. */
  releaseRead(record: IssuedRecord, result: StoredResult | undefined, readAt: number): Promise<void>;
  /** Forgets the photo fileIDs of the record's attempt once the files are deleted. */
  forgetPhotos(record: VerificationRecord): Promise<void>;
  getById(id: string): Promise<VerificationRecord | undefined>;
  /** The caller's own record of a bizNo. */
  getByBizNo(openid: string | null, bizNo: string): Promise<VerificationRecord | undefined>;
  /** Every owner's records of a bizNo (operators only). */
  listByBizNo(bizNo: string, limit: number): Promise<VerificationRecord[]>;
  /** Every owner's records carrying the business's reference, newest first. */
  listByExternalRef(externalRef: string, limit: number): Promise<VerificationRecord[]>;
  getByBizToken(bizToken: string): Promise<TokenRecord | undefined>;
  /** The record whose provider handle (Megvii Lite's biz_id) is `resultRef`. */
  getByResultRef(resultRef: string): Promise<TokenRecord | undefined>;
  /** One user's records, newest first. */
  listByOpenid(openid: string, options: ListOptions): Promise<VerificationRecord[]>;
  /** Everyone's records, newest first (console and operators only). */
  listRecent(options: ListOptions): Promise<VerificationRecord[]>;
  /** Up to `limit` records created before the time, oldest first. */
  listCreatedBefore(time: number, limit: number): Promise<VerificationRecord[]>;
  /** Up to `limit` records of each kind left in a live state: `issued` with a dead token, stale `requesting`. */
  listUnsettled(
    dead: TimeRule<'expiresAt'>,
    stale: TimeRule<'requestedAt'>,
    limit: number,
  ): Promise<VerificationRecord[]>;
  /** Deletes one record whatever its state; resolves whether it existed. */
  delete(id: string): Promise<boolean>;
  /** Deletes the record only while it is in the state and attempt it was read in; resolves whether it did. */
  deleteAsRead(record: VerificationRecord): Promise<boolean>;
  /**
   * Takes one unit of `key`'s budget of `limit` in the fixed window that contains `now`; false when the window's
   * budget is used. One conditional increment, so it holds across function instances.
   */
  take(key: string, limit: number, now: number, windowMs: number): Promise<boolean>;
  /** Gives back a unit taken by `take` for a request that bought nothing. */
  giveBack(key: string, now: number, windowMs: number): Promise<void>;
  /** Deletes rate-limit counters whose window has ended; resolves how many. */
  purgeCounters(now: number): Promise<number>;
}
