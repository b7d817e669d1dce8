/** Turns listVerifications items into the rows the records page shows, in the copy's locale. */

import type { VerificationMode, VerificationSummaryItem } from '../../shared/events';
import { errorText, fill, formatDateTime, type Copy } from '../../i18n/index';
import { resultWords } from '../result/present';

type RowTone = 'success' | 'warn' | 'info';

export interface RecordRow {
  bizNo: string;
  bizToken: string;
  mode: VerificationMode;
  when: string;
  modeText: string;
  /** The state in words: the outcome's title, or what happened to a verification without one. */
  state: string;
  /** One sentence: why, and what the person can do. */
  reason: string;
  tone: RowTone;
  canOpen: boolean;
  /** The flow was left (or is still open) and its token lives: 继续 resumes it with this token. */
  resumeToken: string;
  /** When the token dies (epoch ms, the server's); 0 when it has none. */
  expiresAt: number;
  /** The flow ended without a result (left, expired, not started): 重新开始 starts a new verification. */
  canRestart: boolean;
  resumeLabel: string;
  restartLabel: string;
  maskedName: string;
  maskedIdNumber: string;
  deleteLabel: string;
  deleting: boolean;
  error: string;
}

/** Formats a record's time: `YYYY-MM-DD HH:mm`, local. */
export const formatTime = formatDateTime;

function stateOf(
  t: Copy,
  item: VerificationSummaryItem,
  now: number,
): { state: string; reason: string; tone: RowTone } {
  const r = t.records;
  switch (item.status) {
    case 'finished': {
      const outcome = item.outcome ?? 'not_started';
      const tone: RowTone =
        outcome === 'passed'
          ? 'success'
          : ['cancelled', 'not_started', 'expired'].includes(outcome)
            ? 'info'
            : 'warn';
      const words = resultWords(t, { outcome, resultMessage: item.resultMessage ?? '' }, item.mode);
      return { state: words.title, reason: outcome === 'passed' ? '' : words.detail, tone };
    }
    case 'failed':
      return {
        state: r.status.failed,
        reason: item.errorCode ? errorText(t, { code: item.errorCode }) : r.reasons.failed,
        tone: 'warn',
      };
    case 'unconfirmed':
      return { state: r.status.unconfirmed, reason: r.reasons.unconfirmed, tone: 'warn' };
    case 'issued':
      if (!isLive(item, now))
        return { state: r.status.expired, reason: expiredReason(t, item), tone: 'info' };
      if (item.leftAt === undefined)
        return { state: r.inProgress, reason: r.reasons.inProgress, tone: 'info' };
      return {
        state: r.status.issued,
        reason: fill(r.reasons.issued, { time: formatDateTime(item.expiresAt ?? 0) }),
        tone: 'info',
      };
    case 'requesting':
      return { state: r.status.requesting, reason: r.reasons.requesting, tone: 'info' };
    case 'cancelled':
      return { state: r.status.cancelled, reason: r.reasons.cancelled, tone: 'info' };
    case 'expired':
      return { state: r.status.expired, reason: expiredReason(t, item), tone: 'info' };
  }
}

/** Why a token died, with the server's time of its death where the record has one. */
function expiredReason(t: Copy, item: VerificationSummaryItem): string {
  const r = t.records.reasons;
  return item.expiresAt === undefined
    ? r.expired
    : fill(r.expiredAt, { time: formatDateTime(item.expiresAt) });
}

/** Whether the record's token still lives at `now`, by the server's `expiresAt`. */
function isLive(item: VerificationSummaryItem, now: number): boolean {
  return item.status === 'issued' && item.expiresAt !== undefined && now < item.expiresAt;
}

/** A flow that ended without a result page to open (left, expired, never started): 重新开始 is its next step. */
function restartable(item: VerificationSummaryItem, now: number): boolean {
  if (item.status === 'issued') return !isLive(item, now);
  return item.status !== 'finished' && item.status !== 'requesting';
}

/** One row: date, mode, state and reason, masked identity, whether it opens the result page, resumes or restarts. */
export function presentRecord(item: VerificationSummaryItem, now: number, t: Copy): RecordRow {
  const when = formatDateTime(item.createdAt);
  return {
    bizNo: item.bizNo,
    bizToken: item.bizToken ?? '',
    mode: item.mode,
    when,
    modeText: fill(t.records.mode, { mode: t.records.modes[item.mode] ?? item.mode }),
    ...stateOf(t, item, now),
    canOpen: Boolean(item.bizToken) && item.status === 'finished',
    resumeToken: isLive(item, now) ? (item.resumeToken ?? '') : '',
    expiresAt: item.expiresAt ?? 0,
    canRestart: restartable(item, now),
    resumeLabel: fill(t.records.resumeLabel, { when }),
    restartLabel: fill(t.records.restartLabel, { when }),
    maskedName: item.maskedName ? fill(t.records.name, { name: item.maskedName }) : '',
    maskedIdNumber: item.maskedIdNumber ? fill(t.records.id, { id: item.maskedIdNumber }) : '',
    deleteLabel: fill(t.records.deleteLabel, { when }),
    deleting: false,
    error: '',
  };
}
