/**
 * The verification in progress, kept in memory only: the person's input never goes into a page URL or into
 * storage (the FaceID component removes several storage keys when it exits, and storage outlives the flow).
 */

import type { GetBizTokenEvent, GetBizTokenOk, VerificationMode } from '../shared/events';

interface Flow {
  /** What getBizToken was called with; kept to ask for a fresh token after a tokenError (none when resumed). */
  readonly input?: GetBizTokenEvent;
  /** How the person proves who they are in this flow. */
  readonly mode: VerificationMode;
  /** The token getResult is asked about. */
  bizToken: string;
  /** The token handed to the FaceID component (the same biz_token for the mini-program component; WeChat's verify_id). */
  token: string;
  /** The FaceID H5 page (Megvii Lite / overseas products), opened in web-view instead of the component. */
  url?: string;
  /** When the token dies (epoch ms, the server's getBizToken or list answer). */
  expiresAt?: number;
}

export const VERIFY_PAGE = '/pages/verify/verify';
const WEBVIEW_PAGE = '/pages/webview/webview';
export const WECHAT_VERIFY_PAGE = '/pages/wechat-verify/wechat-verify';

let current: Flow | undefined;

/**
 * bizNo → bizToken of the tokens issued in this run, so a FaceID H5 return that carries only biz_no still finds
 * its result. No personal data; outlives clearFlow().
 */
const issued = new Map<string, string>();
const ISSUED_KEPT = 10;
/** The bizToken of the last FaceID H5 page opened in this run: a POST return reaches a static page without fields. */
let lastH5: string | undefined;

function rememberIssued(bizNo: string | undefined, bizToken: string): void {
  if (!bizNo) return;
  issued.delete(bizNo);
  issued.set(bizNo, bizToken);
  if (issued.size > ISSUED_KEPT) issued.delete(issued.keys().next().value as string);
}

/** Starts a new flow, replacing any earlier one. */
export function startFlow(
  input: GetBizTokenEvent,
  bizToken: string,
  token: string = bizToken,
  extra: { bizNo?: string; url?: string; expiresAt?: number } = {},
): Flow {
  const { url, expiresAt } = extra;
  current = { input: { ...input }, mode: input.mode, bizToken, token, url, expiresAt };
  rememberIssued(extra.bizNo, bizToken);
  return current;
}

/** Starts the flow an issued token opens and names the page to open; not ok for a native-App-only product. */
export function startIssuedFlow(
  input: GetBizTokenEvent,
  answer: GetBizTokenOk,
): { ok: true; page: string } | { ok: false } {
  const { client, bizToken, bizNo, expiresAt } = answer;
  if (client.kind === 'component') {
    startFlow(input, bizToken, client.token, { bizNo, expiresAt });
    return { ok: true, page: VERIFY_PAGE };
  }
  if (client.kind === 'wechat') {
    startFlow(input, bizToken, client.verifyId, { bizNo, expiresAt });
    return { ok: true, page: WECHAT_VERIFY_PAGE };
  }
  if (client.kind === 'h5') {
    startFlow(input, bizToken, bizToken, { bizNo, url: client.url, expiresAt });
    lastH5 = bizToken;
    return { ok: true, page: WEBVIEW_PAGE };
  }
  return { ok: false };
}

/** Resumes a flow the person left (from "my verifications"), with its live token on the verify page. */
export function resumeFlow(left: {
  bizToken: string;
  token: string;
  bizNo: string;
  mode: VerificationMode;
  expiresAt: number;
}): Flow {
  const { bizToken, token, bizNo, mode, expiresAt } = left;
  current = { bizToken, token, mode, expiresAt };
  rememberIssued(bizNo, bizToken);
  return current;
}

/** The flow in progress, if any. */
export function currentFlow(): Flow | undefined {
  return current;
}

/** Records the token that replaced an unusable one, and when it dies. */
export function replaceToken(bizToken: string, token: string, bizNo: string, expiresAt: number): void {
  if (current) {
    current.bizToken = bizToken;
    current.token = token;
    current.expiresAt = expiresAt;
    rememberIssued(bizNo, bizToken);
  }
}

/** The bizToken issued in this run for a bizNo, if any. */
export function bizTokenFor(bizNo: string): string | undefined {
  return issued.get(bizNo);
}

/** The bizToken of the last FaceID H5 page opened in this run, if any. */
export function lastH5BizToken(): string | undefined {
  return lastH5;
}

/** Forgets the flow and the personal data in it. */
export function clearFlow(): void {
  current = undefined;
}

/** The entry form as the person left it: kept in memory for this app session only, never in storage. */
interface Draft {
  consented: boolean;
  mode: VerificationMode;
  name: string;
  idNumber: string;
  photoPath: string;
  /** The last photo was sent to FaceID and deleted: the form needs a new one (and says why). */
  photoDeleted?: boolean;
}

let draft: Draft | undefined;

/** Keeps the entry form for "重新认证" and "修改信息" within this app session. */
export function saveDraft(next: Draft): void {
  draft = { ...next };
}

/** The entry form kept in this app session, if any. */
export function savedDraft(): Draft | undefined {
  return draft ? { ...draft } : undefined;
}

/** Forgets the entry form (after a passed check, nothing needs to be typed again). */
export function clearDraft(): void {
  draft = undefined;
}

let businessRef: string | undefined;

/** Keeps the business's reference the entry page was opened with, for this app session (undefined: none). */
export function keepExternalRef(ref: string | undefined): void {
  businessRef = ref;
}

/** The business's reference of this app session, sent with every getBizToken; undefined when none was given. */
export function keptExternalRef(): string | undefined {
  return businessRef;
}
