/**
 * Verification flows behind biz_tokens: issue, expiry and retention on the sandbox clock, the component's
 * steps as a state machine, the outcome each flow ends with, and the callback sent when it ends.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { SandboxClock } from './clock';
import type { Notifier } from './notify';
import { RESULT_ROWS, type ResultRow } from './result-codes';

/** A biz_token can start a flow for one hour after issue (docs/providers.md#doc-fidlite). */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** Results can be read for 30 days after issue (docs/providers.md#doc-fidlite: one month). */
const RESULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export const ACCOUNT_STATUSES = [
  'NON_ENTERPRISE_CERTIFICATION',
  'BALANCE_NOT_ENOUGH',
  'ACCOUNT_DISABLED',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** What get_biz_token fixed for the flow. Never holds the name or ID number themselves. */
export interface FlowConfig {
  bizNo: string;
  returnUrl: string;
  notifyUrl: string;
  comparisonType: 0 | 1;
  group: 0 | 1;
  idcardSide: 0 | 1;
  idcardThreshold: number;
  idcardRetryTime: number;
  securityLevel: number;
  livenessPreferences: number;
  livenessRetryCount: number;
  hasIdcardData: boolean;
  refs: Array<'ref1' | 'ref2'>;
}

type FlowStage = 'issued' | 'started' | 'ended';
type EndStep = 'ocridcard' | 'video_verify' | 'cancel';

interface OutcomeChoice {
  message: string;
  failFirst: boolean;
}

interface FlowResult {
  row: ResultRow;
  endedAt: number;
  step: EndStep;
}

export interface Flow {
  readonly bizToken: string;
  readonly config: FlowConfig;
  readonly issuedAt: number;
  stage: FlowStage;
  /** The digits the user reads aloud in the current video attempt. */
  code: string;
  videoAttempts: number;
  ocr: { front: boolean; back: boolean };
  outcome?: OutcomeChoice;
  /** The latest `sandbox_outcome` sent with `video_verify`. */
  videoOutcome?: string;
  result?: FlowResult;
}

/** What a step of the component answers (besides request_id and time_used). */
interface StepAnswer {
  result_code: number;
  result_message: string;
  code?: string;
}

/** The result-code row for a result_message, or undefined when the table has no such message. */
function resultRow(message: string): ResultRow | undefined {
  return RESULT_ROWS.find((row) => row.message === message);
}

/** Result messages a flow can be made to end with (every row but 9000, which means "not ended"). */
export const OUTCOME_MESSAGES: readonly string[] = RESULT_ROWS.filter((r) => r.code !== 9000).map(
  (r) => r.message,
);

function row(message: string): ResultRow {
  const found = resultRow(message);
  if (!found) throw new Error(`no result row ${message}`);
  return found;
}

/** Whether ending at this row happens at the ID-card OCR step of an OCR flow. */
function isOcrFailure(r: ResultRow): boolean {
  return r.code === 3100 || r.code === 3200;
}

/** Whether the row is a retryable video failure (4200 other than VIDEO_MANY_TIMES). */
function isVideoRetry(r: ResultRow): boolean {
  return r.code === 4200 && r.message !== 'VIDEO_MANY_TIMES';
}

/** All flows, the outcomes chosen for them and the account state. */
export class FlowStore {
  accountStatus: AccountStatus | null = null;
  private flows = new Map<string, Flow>();
  private defaultOutcome?: OutcomeChoice;

  constructor(
    private readonly clock: SandboxClock,
    private readonly notifier: Notifier,
  ) {}

  /** Creates a flow and its token `<unix seconds>,<32 hex>`. */
  issue(config: FlowConfig): Flow {
    const issuedAt = this.clock.now();
    const bizToken = `${Math.floor(issuedAt / 1000)},${randomBytes(16).toString('hex')}`;
    const flow: Flow = {
      bizToken,
      config,
      issuedAt,
      stage: 'issued',
      code: newCode(),
      videoAttempts: 0,
      ocr: { front: false, back: false },
    };
    this.flows.set(bizToken, flow);
    return flow;
  }

  /** The flow of a token whose result is still retained; older flows are forgotten. */
  find(bizToken: string): Flow | undefined {
    const flow = this.flows.get(bizToken);
    if (flow && this.clock.now() >= flow.issuedAt + RESULT_RETENTION_MS) {
      this.flows.delete(bizToken);
      return undefined;
    }
    return flow;
  }

  /** Whether the token can no longer start or continue a flow. */
  isExpired(flow: Flow): boolean {
    return this.clock.now() >= flow.issuedAt + TOKEN_LIFETIME_MS;
  }

  /** Sets (or with `null` clears) the outcome of one token, or the default outcome of every flow. */
  setOutcome(message: string | null, options: { bizToken?: string; failFirst?: boolean } = {}): void {
    if (message !== null && !OUTCOME_MESSAGES.includes(message)) {
      throw new RangeError(`result_message must be one of ${OUTCOME_MESSAGES.join(', ')}`);
    }
    const choice = message === null ? undefined : { message, failFirst: options.failFirst ?? false };
    if (options.bizToken === undefined) {
      this.defaultOutcome = choice;
      return;
    }
    const flow = this.find(options.bizToken);
    if (!flow) throw new UnknownTokenError();
    flow.outcome = choice;
  }

  /** The outcome a flow heads for: its sandbox_outcome, its token's outcome, the default, SUCCESS. */
  outcomeFor(flow: Flow): OutcomeChoice {
    if (flow.videoOutcome) return { message: flow.videoOutcome, failFirst: false };
    return flow.outcome ?? this.defaultOutcome ?? { message: 'SUCCESS', failFirst: false };
  }

  /** The component's get_config: the token is used from now on. */
  start(flow: Flow): void {
    flow.stage = 'started';
  }

  /** The component's ocridcard for one side; ends the flow when its outcome is an OCR failure. */
  recognise(flow: Flow, side: 0 | 1): StepAnswer {
    const outcome = row(this.outcomeFor(flow).message);
    if (isOcrFailure(outcome)) {
      this.end(flow, outcome, 'ocridcard');
      return { result_code: outcome.code, result_message: outcome.message };
    }
    if (side === 0) flow.ocr.front = true;
    else flow.ocr.back = true;
    return { result_code: 1000, result_message: 'SUCCESS' };
  }

  /** The component's video_verify: answers the attempt and ends the flow unless it may be retried. */
  verifyVideo(flow: Flow, sandboxOutcome?: string): StepAnswer {
    if (sandboxOutcome !== undefined) flow.videoOutcome = sandboxOutcome;
    const choice = this.outcomeFor(flow);
    flow.videoAttempts += 1;
    const attempt = choice.failFirst && flow.videoAttempts === 1 ? row('SR_ERROR') : row(choice.message);
    if (isVideoRetry(attempt)) {
      if (flow.videoAttempts >= flow.config.livenessRetryCount) {
        this.end(flow, attempt, 'video_verify');
        return { result_code: 4200, result_message: 'VIDEO_MANY_TIMES' };
      }
      flow.code = newCode(flow.code);
      return { result_code: 4200, result_message: attempt.message, code: flow.code };
    }
    this.end(flow, attempt, 'video_verify');
    return { result_code: attempt.code, result_message: attempt.message };
  }

  /** The component's cancel: ends the flow with 6000 USER_CANCEL. */
  cancel(flow: Flow): StepAnswer {
    const cancelled = row('USER_CANCEL');
    this.end(flow, cancelled, 'cancel');
    return { result_code: cancelled.code, result_message: cancelled.message };
  }

  /** Forgets every flow and outcome and clears the account status. */
  reset(): void {
    this.flows.clear();
    this.defaultOutcome = undefined;
    this.accountStatus = null;
    for (const hook of this.resetHooks) hook();
  }

  private readonly resetHooks: (() => void)[] = [];

  /** Runs `hook` on every reset, so other products' state is forgotten with the flows. */
  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  /** The flow's state for inspection, without personal data or images. */
  snapshot(flow: Flow): Record<string, unknown> {
    const c = flow.config;
    return {
      biz_token: flow.bizToken,
      biz_no: c.bizNo,
      stage: flow.stage,
      expired: this.isExpired(flow),
      issued_at_ms: flow.issuedAt,
      expires_at_ms: flow.issuedAt + TOKEN_LIFETIME_MS,
      retained_until_ms: flow.issuedAt + RESULT_RETENTION_MS,
      comparison_type: c.comparisonType,
      group: c.group,
      idcard_side: c.idcardSide,
      idcard_threshold: c.idcardThreshold,
      idcard_retry_time: c.idcardRetryTime,
      security_level: c.securityLevel,
      liveness_preferences: c.livenessPreferences,
      liveness_retry_count: c.livenessRetryCount,
      has_idcard_data: c.hasIdcardData,
      image_refs: c.refs,
      return_url: c.returnUrl,
      notify_url: c.notifyUrl,
      code: flow.code,
      video_attempts: flow.videoAttempts,
      ocr: { ...flow.ocr },
      outcome: flow.outcome
        ? { result_message: flow.outcome.message, fail_first: flow.outcome.failFirst }
        : null,
      sandbox_outcome: flow.videoOutcome ?? null,
      result: flow.result
        ? {
            result_code: String(flow.result.row.code),
            result_message: flow.result.row.message,
            ended_at_ms: flow.result.endedAt,
            ended_by: flow.result.step,
          }
        : null,
    };
  }

  private end(flow: Flow, result: ResultRow, step: EndStep): void {
    flow.stage = 'ended';
    flow.result = { row: result, endedAt: this.clock.now(), step };
    this.notifier.send(flow.config.notifyUrl, {
      biz_token: flow.bizToken,
      error_code: result.code,
      error_msg: result.message,
    });
  }
}

/** A control call named a token the sandbox does not know. */
export class UnknownTokenError extends Error {
  constructor() {
    super('unknown biz_token');
  }
}

function newCode(previous?: string): string {
  let code: string;
  do code = String(randomInt(0, 10000)).padStart(4, '0');
  while (code === previous);
  return code;
}
