/** Turns listVerifications items into the rows the records page shows. */

import type { VerificationMode, VerificationSummaryItem } from '../../domain/events';

/** A token can be used for one hour after it is issued (seed 003); after that an unfinished flow is abandoned. */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export type RowTone = 'success' | 'warn' | 'info';

export interface RecordRow {
  bizNo: string;
  bizToken: string;
  when: string;
  mode: string;
  state: string;
  tone: RowTone;
  canOpen: boolean;
  maskedName: string;
  maskedIdNumber: string;
  deleting: boolean;
  error: string;
}

export const MODE_LABELS: Record<VerificationMode, string> = {
  idcard: '身份证信息',
  ocr: '身份证拍照',
  reference: '参考照片',
  liveness: '仅活体检测',
};

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local date and time, `YYYY-MM-DD HH:mm`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function stateOf(item: VerificationSummaryItem, now: number): { state: string; tone: RowTone } {
  if (item.status === 'finished') {
    const tone = item.outcome === 'passed' ? 'success' : item.outcome === 'cancelled' ? 'info' : 'warn';
    return { state: item.title ?? '已完成', tone };
  }
  if (item.status === 'failed') return { state: '失败', tone: 'warn' };
  if (item.status === 'issued' && now < item.createdAt + TOKEN_LIFETIME_MS)
    return { state: '进行中', tone: 'info' };
  return { state: '未完成', tone: 'info' };
}

/** One row: date, mode, outcome or status, masked identity, and whether it opens the result page. */
export function presentRecord(item: VerificationSummaryItem, now: number): RecordRow {
  return {
    bizNo: item.bizNo,
    bizToken: item.bizToken ?? '',
    when: formatTime(item.createdAt),
    mode: MODE_LABELS[item.mode] ?? item.mode,
    ...stateOf(item, now),
    canOpen: Boolean(item.bizToken) && (item.status === 'finished' || item.status === 'issued'),
    maskedName: item.maskedName ?? '',
    maskedIdNumber: item.maskedIdNumber ?? '',
    deleting: false,
    error: '',
  };
}
