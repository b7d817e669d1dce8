/** Turns listVerifications items into the rows the records page shows, in the copy's locale. */

import type { VerificationMode, VerificationSummaryItem } from '../../shared/events';
import { fill, formatDateTime, type Copy } from '../../i18n/index';

/** A token can be used for one hour after it is issued (docs/providers.md#doc-fidlite); after that an unfinished flow is abandoned. */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export type RowTone = 'success' | 'warn' | 'info';

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
  maskedName: string;
  maskedIdNumber: string;
  deleteLabel: string;
  deleting: boolean;
  error: string;
}

/** Formats a record's time: `YYYY-MM-DD HH:mm`, local. */
export const formatTime = formatDateTime;

function outcomeSentence(t: Copy, item: VerificationSummaryItem): string {
  const copy = t.result.outcomes[item.outcome ?? 'not_started'];
  if (item.mode === 'reference') return copy.reference ?? copy.detail;
  if (item.mode === 'ocr') return copy.ocr ?? copy.detail;
  return copy.detail;
}

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
      return {
        state: t.result.outcomes[outcome].title,
        reason: outcome === 'passed' ? '' : outcomeSentence(t, item),
        tone,
      };
    }
    case 'failed':
      return {
        state: r.status.failed,
        reason: item.errorCode ? t.errors[item.errorCode] : r.reasons.failed,
        tone: 'warn',
      };
    case 'unconfirmed':
      return { state: r.status.unconfirmed, reason: r.reasons.unconfirmed, tone: 'warn' };
    case 'issued':
      if (now < item.createdAt + TOKEN_LIFETIME_MS)
        return { state: r.inProgress, reason: r.reasons.inProgress, tone: 'info' };
      return { state: r.status.expired, reason: r.reasons.expired, tone: 'info' };
    case 'requesting':
      return { state: r.status.requesting, reason: r.reasons.requesting, tone: 'info' };
    case 'cancelled':
      return { state: r.status.cancelled, reason: r.reasons.cancelled, tone: 'info' };
    case 'expired':
      return { state: r.status.expired, reason: r.reasons.expired, tone: 'info' };
  }
}

/** One row: date, mode, state and reason, masked identity, and whether it opens the result page. */
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
    maskedName: item.maskedName ? fill(t.records.name, { name: item.maskedName }) : '',
    maskedIdNumber: item.maskedIdNumber ? fill(t.records.id, { id: item.maskedIdNumber }) : '',
    deleteLabel: fill(t.records.deleteLabel, { when }),
    deleting: false,
    error: '',
  };
}
