/**
 * What the business's backend learns of a verification once its story is over: the webhook's body (with the
 * delivery's id) and the query API's answer. Masked fields only: no full name, ID number, image or token.
 */
import type { Outcome } from '../../miniprogram/shared/result-codes';
import type { VerificationMode } from '../../miniprogram/shared/events';
import type {
  CancelledRecord,
  ExpiredRecord,
  FinishedRecord,
  UnconfirmedRecord,
  VerificationRecord,
} from './states';

/** Records the business is told about: every end state after a token request left. */
type NoticeRecord = FinishedRecord | CancelledRecord | ExpiredRecord | UnconfirmedRecord;

/** How the verification ended, in the business's terms. */
type NoticeStatus = 'finished' | 'cancelled' | 'expired' | 'unconfirmed';

/** One verification's result for the business, as the webhook and the query API both send it. */
export interface ResultNotice {
  bizNo: string;
  externalRef: string | null;
  status: NoticeStatus;
  /** The outcome family (`passed`, `not_same_person`, …); null when FaceID gave no result. */
  outcome: Outcome | null;
  /** FaceID's result code; null when it gave none. */
  resultCode: number | null;
  mode: VerificationMode;
  provider: string;
  maskedName: string | null;
  maskedIdNumber: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  endedAt: number;
}

/** Whether the business is told about the record (its token request left and its story is over). */
export function isNoticeRecord(record: VerificationRecord): record is NoticeRecord {
  return (
    record.status === 'finished' ||
    record.status === 'cancelled' ||
    record.status === 'expired' ||
    record.status === 'unconfirmed'
  );
}

/** The record's result notice. */
export function resultNotice(record: NoticeRecord): ResultNotice {
  const result = record.status === 'finished' || record.status === 'cancelled' ? record.result : undefined;
  return {
    bizNo: record.bizNo,
    externalRef: record.externalRef ?? null,
    status: record.status,
    outcome: result?.outcome ?? (record.status === 'expired' ? 'expired' : null),
    resultCode: result?.resultCode ?? null,
    mode: record.mode,
    provider: record.provider,
    maskedName: record.maskedName ?? null,
    maskedIdNumber: record.maskedIdNumber ?? null,
    createdAt: record.createdAt,
    endedAt: record.endedAt,
  };
}
