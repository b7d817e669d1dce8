/** The contract between the pages and the cloud functions: events in, answers out. */

import type { ClientError, ErrorCode } from './errors';
import type { Outcome } from './result-codes';
import type { Locale, Processor, TokenOptions, VerificationMode } from './token-options';

export { LOCALES, VERIFICATION_MODES, type Locale, type VerificationMode } from './token-options';

// The token options are declared per product in token-options.ts; the contract exposes what is derived from them.
export type { TokenOptions } from './token-options';

export interface GetBizTokenEvent {
  mode: VerificationMode;
  idcardName?: string;
  idcardNumber?: string;
  /** Cloud-storage fileIDs of reference photos. */
  imageRef1?: string;
  imageRef2?: string;
  /** Cloud-storage fileID of the face photo to compare without liveness (Megvii App `liveness_type` raw_image). */
  image?: string;
  uuid?: string;
  bizNo?: string;
  /** Version of the consent text the person accepted. */
  consentVersion?: string;
  /** The business's own reference for this verification (`isExternalRef`), from the entry page's query. */
  externalRef?: string;
  /** The person's language: a product with a language option (PRODUCTS' `fromLocale`) is told it. */
  locale?: Locale;
  options?: TokenOptions;
}

/**
 * How the client starts the flow: the mini-program component, an H5 page, a native/JS SDK, or WeChat's own face
 * verification (`wx.requestFacialVerify` with the verify_id).
 */
export type TokenClient =
  | { kind: 'component'; token: string }
  | { kind: 'h5'; url: string }
  | { kind: 'sdk'; token: string }
  | { kind: 'wechat'; verifyId: string };

export interface GetBizTokenOk {
  ok: true;
  bizToken: string;
  bizNo: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  provider: string;
  client: TokenClient;
}

export interface Thresholds {
  '1e-3': number;
  '1e-4': number;
  '1e-5': number;
  '1e-6': number;
}

/** The strictest false-accept band the confidence clears, or `none`. */
type ConfidenceLevel = '1e-6' | '1e-5' | '1e-4' | '1e-3' | 'none';

export interface VerificationSummary {
  against: 'idcard' | 'ref1' | 'ref2';
  confidence: number;
  thresholds: Thresholds;
  level: ConfidenceLevel;
}

/** Masked identity fields; nothing here identifies a person on its own. */
export interface MaskedIdcard {
  name?: string;
  idcardNumber?: string;
  gender?: string;
  validDateEnd?: string;
}

export interface GetResultOk {
  ok: true;
  bizToken: string;
  bizNo: string;
  outcome: Outcome;
  resultCode: number;
  resultMessage: string;
  retryable: boolean;
  finished: boolean;
  verification?: VerificationSummary;
  idcard?: MaskedIdcard;
}

export interface Failure {
  ok: false;
  error: ClientError;
}

export type GetBizTokenResponse = GetBizTokenOk | Failure;
export type GetResultResponse = GetResultOk | Failure;

/** The band the confidence reaches, strictest first. */
export function confidenceLevel(confidence: number, thresholds: Thresholds): ConfidenceLevel {
  const bands: ConfidenceLevel[] = ['1e-6', '1e-5', '1e-4', '1e-3'];
  for (const band of bands) {
    if (band !== 'none' && confidence >= thresholds[band]) return band;
  }
  return 'none';
}

/**
 * Answer of `whoami`: the caller's openid, the cloud-storage folder their reference photos must go in, and what
 * the consent screen must say about this deployment.
 */
export interface WhoAmIOk {
  ok: true;
  openid: string;
  uploadDir: string;
  /** Days a record is kept before the daily purge deletes it (FACEID_RETENTION_DAYS, as the purge reads it). */
  retentionDays: number;
  /** The active FaceID product (FACEID_PROVIDER). */
  provider: string;
  /** The modes that product offers (PRODUCTS), in the order the entry page lists them. */
  modes: readonly VerificationMode[];
  /** Who processes the face and identity data for that product (PRODUCTS): the consent and privacy policy say so. */
  processor: Processor;
  /** Whether FaceID's evidence images are kept with the record (FACEID_KEEP_IMAGES=1). */
  keepsImages: boolean;
  /** Who "我们" is in the privacy policy, and how a person reaches them (FACEID_OPERATOR_NAME, _CONTACT). */
  operator: { name: string; contact: string };
}

export type WhoAmIResponse = WhoAmIOk | Failure;

/** preparePhoto's answer: where the person uploads one reference photo, and when the photo is deleted. */
export interface PreparePhotoOk {
  ok: true;
  /** The cloud path to pass to wx.cloud.uploadFile (in the caller's folder, chosen by the server). */
  cloudPath: string;
  /** The fileID the upload creates; the only one getBizToken accepts for it. */
  fileID: string;
  /** When the photo is deleted whatever happens (epoch ms): the daily purge deletes it once this has passed. */
  expiresAt: number;
}

export type PreparePhotoResponse = PreparePhotoOk | Failure;

/** Cloud-storage folder for a user's reference photos; fileIDs outside it are refused. */
export function uploadDirFor(openid: string): string {
  return `faceid/${openid}/`;
}

/**
 * Life of a verification record: `requesting` (a token is being bought) → `issued` | `failed` (nothing was
 * bought) | `unconfirmed` (the answer was lost: a token may have been bought); `issued` → `finished` (a final
 * result) | `cancelled` (the person left) | `expired` (the token died without a result).
 */
export type VerificationStatus =
  'requesting' | 'issued' | 'failed' | 'unconfirmed' | 'finished' | 'cancelled' | 'expired';

/** One line of "my verifications": masked, no images. */
export interface VerificationSummaryItem {
  bizNo: string;
  bizToken?: string;
  mode: VerificationMode;
  provider: string;
  status: VerificationStatus;
  outcome?: Outcome;
  resultCode?: number;
  /** Why a token was never issued (`failed`): the error's stable code. */
  errorCode?: ErrorCode;
  /** FaceID's result message (`resultMessage` of getResult), with `outcome` what the page words the row by. */
  resultMessage?: string;
  maskedName?: string;
  maskedIdNumber?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** When the record reached its final state. */
  finishedAt?: number;
  /** When the token dies or died (epoch ms, the server's): a left flow can be resumed until then. */
  expiresAt?: number;
  /** When the person left the verify step without an answer (epoch ms); the flow is 未完成, not in progress. */
  leftAt?: number;
  /** The token the FaceID component resumes a left flow with (component products only). */
  resumeToken?: string;
}

export interface ListVerificationsOk {
  ok: true;
  items: VerificationSummaryItem[];
  page: number;
  pageSize: number;
  hasMore: boolean;
}

export type ListVerificationsResponse = ListVerificationsOk | Failure;

/** leaveVerification's answer: the record as it now stands (`issued` with `leftAt` while its token lives). */
export interface LeaveVerificationOk {
  ok: true;
  bizNo: string;
  status: VerificationStatus;
  leftAt?: number;
}

export type LeaveVerificationResponse = LeaveVerificationOk | Failure;

export type DeleteVerificationResponse = { ok: true; deleted: boolean } | Failure;
