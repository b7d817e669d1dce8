/**
 * A verification record's states and the rules about them, decided once: which record is whose, when a token
 * request is stale, when a token is dead. The store's filters read the same rules (see `TimeRule`).
 */
import { createHash } from 'node:crypto';
import type { ErrorCode } from '../../miniprogram/shared/errors';
import type { GetResultOk, TokenClient, VerificationMode } from '../../miniprogram/shared/events';
import { REQUESTING_STALE_MS } from '../config';

/** The final answer kept with a record so reading it again makes no upstream call (no images, masked only). */
export type StoredResult = Omit<GetResultOk, 'ok'>;

/** A product's get_result calls for one verification on one China day (Megvii Lite allows 3). */
interface ResultCalls {
  day: string;
  count: number;
}

/** What one token request (attempt) brought: the evidence of the attempt FaceID verified. */
export interface AttemptFields {
  mode: VerificationMode;
  provider: string;
  /** The consent text's version the person agreed to (CONSENT_VERSION); none for the operator's own calls. */
  consentVersion?: string;
  /** When the server accepted that consent (epoch milliseconds). */
  consentedAt?: number;
  maskedName?: string;
  maskedIdNumber?: string;
  /** Cloud-storage fileIDs of the reference photos sent with the token request, until they are deleted. */
  photoFileIDs?: string[];
  /** The business's own reference for this verification (getBizToken's `externalRef`); never logged. */
  externalRef?: string;
}

/** What every record carries, whatever its state: masked personal data only. */
interface RecordBase extends AttemptFields {
  /** `recordId(openid, bizNo)`: a bizNo is its caller's own. */
  _id: string;
  /** The caller's openid; null for calls from the cloud console or CI. */
  openid: string | null;
  bizNo: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Which token request of this bizNo the record is on (1, then 2 after an ended first attempt, …). */
  attempt: number;
  /** The webhook delivery of this attempt's end, written with the transition that ended it (see outbox.ts). */
  delivery?: Delivery;
}

/** Where a webhook delivery stands: waiting to be sent (again), received by the business, or given up. */
export type DeliveryState = 'pending' | 'delivered' | 'dead';

/** One attempt's webhook delivery, kept in its record (the outbox): what is due, and who is sending it. */
export interface Delivery {
  /** Stable across retries: the receiver's key for ignoring one it has seen. */
  id: string;
  state: DeliveryState;
  /** Sends tried so far. */
  tries: number;
  /** When the next send is due (epoch ms). */
  due: number;
  /** When the delivery was recorded (epoch ms): it is given up 24 hours later. */
  since: number;
  /** Until when (epoch ms) one sender holds the right to send it; 0 when nobody does. */
  claimedUntil: number;
  /** What the last send met: an HTTP status (`200`, `500`) or `timeout`, `refused`, `unreachable`. */
  lastResult?: string;
  /** When the receiver answered 2xx (epoch ms). */
  deliveredAt?: number;
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

/** A token is being bought; older than getBizToken's time-out it is stale (see `isStaleRequest`). */
export interface RequestingRecord extends RecordBase {
  status: 'requesting';
  requestedAt: number;
}

/** FaceID's own answer (or a call that never left) proves no token was issued; a retry may try again. */
interface FailedRecord extends RecordBase {
  status: 'failed';
  errorCode: ErrorCode;
  endedAt: number;
}

/**
 * The answer to a token request that had left was lost (reset, truncated or non-JSON body, time-out, a stopped
 * function): FaceID may have issued a token, so the attempt kept its rate-limit unit. A retry is a new attempt.
 */
export interface UnconfirmedRecord extends RecordBase {
  status: 'unconfirmed';
  /** What was seen (UPSTREAM_TIMEOUT, NETWORK_ERROR, …), for the operator. */
  errorCode: ErrorCode;
  endedAt: number;
}

/** Who may call get_result for an `issued` record now: one reader at a time, across instances. */
export interface ReadClaim {
  /** Until when (epoch ms) the reader holding the claim may call get_result; 0 when nobody holds it. */
  readingUntil: number;
  /** When the latest claim was taken (epoch ms). */
  readStartedAt: number;
  /** When a notify last took the claim (epoch ms): notifies read at most once per NOTIFY_READ_INTERVAL_MS. */
  notifyReadAt: number;
  /** The latest answer that was not final, served while another reader holds the claim or the budget is used. */
  lastResult?: StoredResult;
  /** When `lastResult` was read (epoch ms); 0 before any read. */
  lastReadAt: number;
  /** Budgeted products only: get_result calls made today. */
  resultCalls?: ResultCalls;
}

/** When the person left the verify step without an answer (the page's leaveVerification); kept once ended. */
interface LeftFields {
  /** Epoch milliseconds; absent while nobody left. */
  leftAt?: number;
}

/** The person may go through FaceID's flow with the token (again, after leaving it, while the token lives). */
export interface IssuedRecord extends RecordBase, TokenFields, ReadClaim, LeftFields {
  status: 'issued';
}

/** FaceID gave a final result (passed or not). */
export interface FinishedRecord extends RecordBase, TokenFields, LeftFields {
  status: 'finished';
  result: StoredResult;
  endedAt: number;
  /** Cloud-storage fileIDs of evidence images, kept only when FACEID_KEEP_IMAGES=1. */
  imageFileIDs?: string[];
}

/** The person left the flow (FaceID's USER_CANCEL). */
export interface CancelledRecord extends RecordBase, TokenFields, LeftFields {
  status: 'cancelled';
  result: StoredResult;
  endedAt: number;
}

/** The token died without a final result. */
export interface ExpiredRecord extends RecordBase, TokenFields, LeftFields {
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
  /** The webhook delivery of this end (see outbox.ts). */
  delivery?: Delivery;
}

/** One verification as stored, by state: each state carries exactly its fields. */
export type VerificationRecord =
  | RequestingRecord
  | FailedRecord
  | UnconfirmedRecord
  | IssuedRecord
  | FinishedRecord
  | CancelledRecord
  | ExpiredRecord;

/** Records that hold a token: every state after `issued`. */
export type TokenRecord = IssuedRecord | FinishedRecord | CancelledRecord | ExpiredRecord;

/** Records whose token request ended without a token; a retry of the bizNo starts a new attempt. */
export type RetryableRecord = FailedRecord | UnconfirmedRecord;

/** Whether the record holds a token. */
export function hasToken(record: VerificationRecord): record is TokenRecord {
  return (
    record.status === 'issued' ||
    record.status === 'finished' ||
    record.status === 'cancelled' ||
    record.status === 'expired'
  );
}

/** Whether a retry of the record's bizNo may start a new attempt (its last one ended without a token). */
export function isRetryable(record: VerificationRecord): record is RetryableRecord {
  return record.status === 'failed' || record.status === 'unconfirmed';
}

/** A time rule on one field: the records whose `field` is before `before` (epoch ms), in code and store filters. */
export interface TimeRule<F extends 'requestedAt' | 'expiresAt'> {
  field: F;
  before: number;
}

/** Whether a record's time field falls under the rule. */
function falls<F extends 'requestedAt' | 'expiresAt'>(rule: TimeRule<F>, value: number): boolean {
  return value < rule.before;
}

/** `requesting` records left by a stopped invocation: requested longer ago than getBizToken's time-out. */
export function staleRequests(at: number): TimeRule<'requestedAt'> {
  return { field: 'requestedAt', before: at - REQUESTING_STALE_MS };
}

/** Tokens that are dead at `at`: from their expiry on. */
export function deadTokens(at: number): TimeRule<'expiresAt'> {
  return { field: 'expiresAt', before: at + 1 };
}

/** Whether a `requesting` record is stale at `at` (its invocation was stopped; it may be taken over). */
export function isStaleRequest(record: RequestingRecord, at: number): boolean {
  return falls(staleRequests(at), record.requestedAt);
}

/** Whether the record's token is dead at `at`. */
export function isTokenDead(record: TokenFields, at: number): boolean {
  return falls(deadTokens(at), record.expiresAt);
}

/** A record's id: the caller's own bizNo (one user's bizNo never meets another's); the console's under `op`. */
export function recordId(openid: string | null, bizNo: string): string {
  const owner = openid === null ? 'op' : createHash('sha256').update(openid).digest('hex').slice(0, 16);
  return `${owner}-${bizNo}`;
}
