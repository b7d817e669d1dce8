import {
  FACEID_ERROR_CODES,
  isRetryableCode,
  type ErrorCode,
  type ErrorReason,
  type ClientError,
} from '../miniprogram/shared/errors';
import { errorMessageZh, REASON_MESSAGES_ZH } from './messages';

/** The error of every FaceID call and cloud function: HTTP status, stable code and reason, parameter, console message. */
export class FaceIdError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param?: string;
  readonly retryable: boolean;
  /** A cause more precise than the code, which the page words instead of the code. */
  readonly reason?: ErrorReason;
  /** The raw error text from upstream, if any (never contains personal data). */
  readonly raw?: string;
  private readonly messageOverride?: string;
  /** When the person may try again (epoch ms), for RATE_LIMITED. */
  readonly retryAt?: number;
  /**
   * FaceID's own error answer, or a call that never left (refused connection, unknown host, open breaker), proves
   * that nothing was bought. False whenever an answer may have been lost after the request left.
   */
  readonly nothingBought: boolean;

  constructor(
    code: ErrorCode,
    opts: {
      status?: number;
      param?: string;
      raw?: string;
      detail?: string;
      retryable?: boolean;
      reason?: ErrorReason;
      /** The console's message where it carries a value (else the reason's, else the code's). */
      messageZh?: string;
      retryAt?: number;
      nothingBought?: boolean;
    } = {},
  ) {
    super(opts.detail ?? (opts.raw ? `${code} (${opts.raw})` : opts.param ? `${code}:${opts.param}` : code));
    this.name = 'FaceIdError';
    this.code = code;
    this.status = opts.status ?? 0;
    this.param = opts.param;
    this.raw = opts.raw;
    this.retryable = opts.retryable ?? isRetryableCode(code);
    this.reason = opts.reason;
    this.messageOverride = opts.messageZh;
    this.retryAt = opts.retryAt;
    this.nothingBought = opts.nothingBought ?? false;
  }

  /** The Chinese message for the console and logs: the one given at construction, the reason's, or the code's. */
  get messageZh(): string {
    return (
      this.messageOverride ??
      (this.reason ? REASON_MESSAGES_ZH[this.reason] : errorMessageZh(this.code, this.param))
    );
  }

  /** The `{ code, reason?, message, retryable }` shape returned to the mini-program. */
  toClient(): ClientError {
    const out: ClientError = { code: this.code, message: this.messageZh, retryable: this.retryable };
    if (this.reason) out.reason = this.reason;
    if (this.param) out.param = this.param;
    if (this.retryAt !== undefined) out.retryAt = this.retryAt;
    return out;
  }
}

const PREFIXES = [...FACEID_ERROR_CODES].sort((a, b) => b.length - a.length);

/**
 * Reads FaceID's error text (`BAD_ARGUMENTS: return_url`, `NO_FACE_FOUND:image_ref1`, `INVALID_IMAGE_SIZE<param>`,
 * `AUTHORIZATION_ERROR: Denied.`, `Request Entity Too Large`) into a typed error.
 */
function parseFaceIdErrorText(text: string, status = 0, fromFaceId = false): FaceIdError {
  const raw = text.trim();
  if (status === 413 || /^request entity too large$/i.test(raw)) {
    return new FaceIdError('REQUEST_TOO_LARGE', {
      status: status || 413,
      raw: 'Request Entity Too Large',
      nothingBought: true,
    });
  }
  const code = PREFIXES.find((prefix) => raw.startsWith(prefix));
  if (!code) {
    // Not FaceID's own words (a gateway's page, an empty body): whether it bought anything is unknown.
    if (status === 429)
      return new FaceIdError('CONCURRENCY_LIMIT_EXCEEDED', {
        status,
        raw: raw.slice(0, 200),
        nothingBought: fromFaceId,
      });
    return new FaceIdError(status >= 500 ? 'INTERNAL_ERROR' : 'UPSTREAM_ERROR', {
      status,
      raw: raw.slice(0, 200),
      nothingBought: fromFaceId,
    });
  }
  const rest = raw
    .slice(code.length)
    .replace(/^[:\s]+/, '')
    .trim();
  const retryable = code === 'CONCURRENCY_LIMIT_EXCEEDED' || code === 'INTERNAL_ERROR';
  return new FaceIdError(code, { status, param: rest || undefined, raw, retryable, nothingBought: true });
}

/**
 * Reads an error answer of any seed: JSON with `error` or `error_message` (seeds differ), or plain text (413).
 * Returns undefined for a body that carries no error.
 */
export function parseFaceIdErrorBody(status: number, body: unknown): FaceIdError | undefined {
  if (typeof body === 'string') return parseFaceIdErrorText(body, status);
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const text =
      typeof record.error === 'string'
        ? record.error
        : typeof record.error_message === 'string'
          ? record.error_message
          : undefined;
    if (text) return parseFaceIdErrorText(text, status, true);
  }
  if (status >= 400) return parseFaceIdErrorText('', status);
  return undefined;
}

/** Turns anything thrown into the client error shape; unknown failures become INTERNAL without details. */
export function toClientError(err: unknown): ClientError {
  if (err instanceof FaceIdError) return err.toClient();
  return new FaceIdError('INTERNAL').toClient();
}
