/** Turns a getResult answer into what the result page shows. */

import type { ConfidenceLevel, GetResultOk, Thresholds, VerificationSummary } from '../../domain/events';
import type { Outcome } from '../../domain/result-codes';

export type Tone = 'success' | 'warn' | 'info';

export interface BandMarker {
  band: keyof Thresholds;
  label: string;
  value: string;
  /** Position on the bar, 0–100. */
  left: number;
  reached: boolean;
}

export interface ConfidenceView {
  against: string;
  confidence: string;
  /** Fill of the bar, 0–100. */
  percent: number;
  markers: BandMarker[];
  levelText: string;
  level: ConfidenceLevel;
}

export interface ResultView {
  outcome: Outcome;
  tone: Tone;
  icon: 'success' | 'warn' | 'info';
  title: string;
  detail: string;
  resultCode: number;
  resultMessage: string;
  retryable: boolean;
  finished: boolean;
  confidence?: ConfidenceView;
  maskedName?: string;
  maskedIdNumber?: string;
}

const BAND_LABELS: Record<keyof Thresholds, string> = {
  '1e-3': '千分之一',
  '1e-4': '万分之一',
  '1e-5': '十万分之一',
  '1e-6': '百万分之一',
};

const AGAINST: Record<VerificationSummary['against'], string> = {
  idcard: '与身份证权威照片比对',
  ref1: '与参考照片比对',
  ref2: '与第二张参考照片比对',
};

const LEVEL_TEXT: Record<ConfidenceLevel, string> = {
  '1e-6': '相似度达到误识率百万分之一的阈值，可信度很高',
  '1e-5': '相似度达到误识率十万分之一的阈值，可信度高',
  '1e-4': '相似度达到误识率万分之一的阈值，可信度较高',
  '1e-3': '相似度只达到误识率千分之一的阈值，可信度一般',
  none: '相似度低于误识率千分之一的阈值，不能认定为同一人',
};

function tone(outcome: Outcome): Tone {
  if (outcome === 'passed') return 'success';
  if (outcome === 'cancelled' || outcome === 'not_started') return 'info';
  return 'warn';
}

function clamp(n: number): number {
  return Math.min(100, Math.max(0, n));
}

/** The confidence bar: fill up to the score, one marker per false-accept band. */
export function confidenceView(v: VerificationSummary): ConfidenceView {
  const bands: (keyof Thresholds)[] = ['1e-3', '1e-4', '1e-5', '1e-6'];
  return {
    against: AGAINST[v.against],
    confidence: v.confidence.toFixed(1),
    percent: clamp(v.confidence),
    markers: bands.map((band) => ({
      band,
      label: BAND_LABELS[band],
      value: v.thresholds[band].toFixed(1),
      left: clamp(v.thresholds[band]),
      reached: v.confidence >= v.thresholds[band],
    })),
    levelText: LEVEL_TEXT[v.level],
    level: v.level,
  };
}

/** Everything the result page renders for one answer. */
export function presentResult(r: GetResultOk): ResultView {
  const t = tone(r.outcome);
  return {
    outcome: r.outcome,
    tone: t,
    icon: t,
    title: r.title,
    detail: r.detail,
    resultCode: r.resultCode,
    resultMessage: r.resultMessage,
    retryable: r.retryable,
    finished: r.finished,
    confidence: r.verification ? confidenceView(r.verification) : undefined,
    maskedName: r.idcard?.name,
    maskedIdNumber: r.idcard?.idcardNumber,
  };
}
