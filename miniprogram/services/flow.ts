/**
 * The verification in progress, kept in memory only: the person's input never goes into a page URL or into
 * storage (the FaceID component removes several storage keys when it exits, and storage outlives the flow).
 */

import type { GetBizTokenEvent } from '../domain/events';

export interface Flow {
  /** What getBizToken was called with; kept to ask for a fresh token after a tokenError. */
  readonly input: GetBizTokenEvent;
  /** The token getResult is asked about. */
  bizToken: string;
  /** The token handed to the FaceID component (the same biz_token for the mini-program component). */
  token: string;
}

let current: Flow | undefined;

/** Starts a new flow, replacing any earlier one. */
export function startFlow(input: GetBizTokenEvent, bizToken: string, token: string = bizToken): Flow {
  current = { input: { ...input }, bizToken, token };
  return current;
}

/** The flow in progress, if any. */
export function currentFlow(): Flow | undefined {
  return current;
}

/** Records the token that replaced an unusable one. */
export function replaceToken(bizToken: string, token: string = bizToken): void {
  if (current) {
    current.bizToken = bizToken;
    current.token = token;
  }
}

/** Forgets the flow and the personal data in it. */
export function clearFlow(): void {
  current = undefined;
}
