/** Turns a getResult answer into what the result page shows: one title, one sentence, one next step. */

import type { GetResultOk, VerificationMode } from '../../shared/events';
import type { Outcome } from '../../shared/result-codes';
import type { Copy } from '../../i18n/index';
import { fill } from '../../i18n/index';
import { supportReference } from '../../services/support';

type Tone = 'success' | 'warn' | 'info';

/**
 * What a button does: start again at once with the same details (`retry`, `retake`), go back to the form with
 * the details kept (`edit`, `changePhoto`, `restart`; `newPhoto`: the photo was deleted once FaceID had it, so a
 * retry needs a new one), open WeChat's customer service (`contact`), or leave.
 */
export type ResultAction =
  | 'retry'
  | 'retake'
  | 'edit'
  | 'changePhoto'
  | 'newPhoto'
  | 'restart'
  | 'contact'
  | 'refresh'
  | 'done'
  | 'backToRecords';

interface ActionView {
  action: ResultAction;
  label: string;
}

export interface ResultView {
  outcome: Outcome;
  tone: Tone;
  icon: 'success' | 'warn' | 'info';
  title: string;
  detail: string;
  primary: ActionView;
  /** WeChat's customer-service button under the primary action (where retrying alone may not help). */
  contact: boolean;
  /** The last 8 characters of the bizNo, for support. */
  supportRef: string;
  maskedName?: string;
  maskedIdNumber?: string;
}

/** Where the result page was opened from, and what it can do from there. */
export interface ResultContext {
  /** The mode of the verification, when known (the flow, the records page, or the comparison made). */
  mode?: VerificationMode;
  /** Whether the same details are still in memory, so a retry can start at once. */
  canRestartDirectly: boolean;
  fromRecords: boolean;
  /** Opened by an H5 product's return: its result may still be on its way. */
  fromH5: boolean;
  /** The masked name and ID number the record of this verification keeps, when the answer has none. */
}

/** FaceID result messages that mean its own service failed, not the person's video. */
const SERVICE_FAULT_MESSAGES: ReadonlySet<string> = new Set(['VIDEO_INTERNAL_ERROR', 'WECHAT_SYSTEM_ERROR']);

/** Outcomes about an ID-card photo, which name + ID-number mode never takes (FaceID compares the photo on record). */
const PHOTO_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['idcard_error', 'fake_idcard']);

/** Outcomes where a person could do nothing wrong themselves, or where support may need to look. */
const CONTACT_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>([
  'not_same_person',
  'identity_mismatch',
  'fake_idcard',
  'liveness_attack',
  'account_error',
]);

/** Result messages whose own sentence says more precisely what to do differently. */
const HINTED_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>([
  'idcard_error',
  'liveness_attack',
  'liveness_failed',
]);

function tone(outcome: Outcome): Tone {
  if (outcome === 'passed') return 'success';
  if (outcome === 'cancelled' || outcome === 'not_started' || outcome === 'expired') return 'info';
  return 'warn';
}

/** The mode a result speaks of: as known, else from what the face was compared with. */
function modeOf(r: GetResultOk, known?: VerificationMode): VerificationMode {
  if (known) return known;
  if (r.verification?.against === 'ref1' || r.verification?.against === 'ref2') return 'reference';
  return 'idcard';
}

/** What a result says of its outcome and FaceID's message; the result page and "my verifications" both word it so. */
type ResultFacts = Pick<GetResultOk, 'outcome' | 'resultMessage'>;

/**
 * The title and sentence of a result: the service's fault, the words of a mode without photos, or the outcome's
 * (the records list's rows read the same).
 */
export function resultWords(
  t: Copy,
  r: ResultFacts,
  mode: VerificationMode,
): { title: string; detail: string } {
  if (SERVICE_FAULT_MESSAGES.has(r.resultMessage)) return t.result.serviceFault;
  const copy = t.result.outcomes[r.outcome];
  if (mode === 'idcard' && copy.noPhoto) return copy.noPhoto;
  return { title: copy.title, detail: sentence(t, r, mode) };
}

function sentence(t: Copy, r: ResultFacts, mode: VerificationMode): string {
  const copy = t.result.outcomes[r.outcome];
  const hint = t.result.hints[r.resultMessage];
  if (hint && HINTED_OUTCOMES.has(r.outcome)) return hint;
  if (hint && r.outcome === 'identity_mismatch' && mode === 'idcard') return hint;
  if (mode === 'reference') return copy.reference ?? copy.detail;
  if (mode === 'ocr') return copy.ocr ?? copy.detail;
  return copy.detail;
}

function nextStep(outcome: Outcome, mode: VerificationMode, ctx: ResultContext): ResultAction {
  if (mode === 'idcard' && PHOTO_OUTCOMES.has(outcome) && !ctx.fromRecords) return 'restart';
  const step = firstStep(outcome, mode, ctx);
  // The reference photo was deleted once FaceID had it: the same details cannot be sent again.
  return mode === 'reference' && (step === 'retry' || step === 'retake') ? 'newPhoto' : step;
}

function firstStep(outcome: Outcome, mode: VerificationMode, ctx: ResultContext): ResultAction {
  if (ctx.fromRecords) return 'backToRecords';
  if (outcome === 'not_started' && ctx.fromH5) return 'refresh';
  const direct = (action: ResultAction): ResultAction => (ctx.canRestartDirectly ? action : 'restart');
  switch (outcome) {
    case 'passed':
      return 'done';
    case 'not_same_person':
      return mode === 'reference' ? 'changePhoto' : direct('retry');
    case 'identity_mismatch':
      return mode === 'idcard' ? 'edit' : direct('retake');
    case 'idcard_error':
    case 'fake_idcard':
      return direct('retake');
    case 'liveness_attack':
    case 'liveness_failed':
      return direct('retry');
    case 'account_error':
      return 'contact';
    case 'cancelled':
    case 'not_started':
    case 'expired':
      return 'restart';
  }
}

function actionLabel(t: Copy, action: ResultAction): string {
  if (action === 'contact') return t.support.contact;
  if (action === 'refresh') return t.result.refresh;
  return t.result.actions[action];
}

/** Whether a result shows the masked identity it confirmed: every passed check of an ID card (not a photo's). */
function showsIdentity(r: GetResultOk, mode: VerificationMode): boolean {
  return r.outcome === 'passed' && mode !== 'reference' && mode !== 'liveness';
}

/** Everything the result page renders for one answer, in the copy's locale. */
export function presentResult(r: GetResultOk, t: Copy, ctx: ResultContext): ResultView {
  const mode = modeOf(r, ctx.mode);
  const t0 = tone(r.outcome);
  const primary = nextStep(r.outcome, mode, ctx);
  const showIdentity = showsIdentity(r, mode);
  const name = r.idcard?.name;
  const idNumber = r.idcard?.idcardNumber;
  const photoInIdcardMode = mode === 'idcard' && PHOTO_OUTCOMES.has(r.outcome);
  return {
    outcome: r.outcome,
    tone: t0,
    icon: t0,
    ...resultWords(t, r, mode),
    primary: { action: primary, label: actionLabel(t, primary) },
    contact: primary !== 'contact' && (CONTACT_OUTCOMES.has(r.outcome) || photoInIdcardMode),
    supportRef: fill(t.support.reference, { ref: supportReference(r.bizNo) }),
    maskedName: showIdentity && name ? fill(t.result.nameLabel, { name }) : undefined,
    maskedIdNumber: showIdentity && idNumber ? fill(t.result.idLabel, { id: idNumber }) : undefined,
  };
}
