/**
 * Reading a verification's result: who may call get_result for an `issued` record (one reader at a time across
 * instances, a claim in the record), the Megvii Lite daily budget, the bound on notifies, and how the record
 * ends (`finished`, `cancelled`, `expired`).
 */
import { FaceIdError } from '../errors';
import type { GetResultOk } from '../../miniprogram/shared/events';
import { declaredTimeoutMs } from '../config';
import { DEFAULT_RETRY } from '../providers/resilience';
import type { Services } from '../runtime';
import type { ClaimRequest } from '../store/types';
import { newDelivery, tryFirstDelivery } from './outbox';
import { isTokenDead, type IssuedRecord, type TokenRecord, type VerificationRecord } from './states';

/** How a reader treats a result it did not read itself. */
export interface ReaderPolicy {
  /**
   * A reader that must read after it arrived (FaceID's notify: the flow has ended): it waits for a read in
   * progress and spends the call kept for it rather than serve an answer read before it came.
   */
  mustRead: boolean;
}

/** A page (getResult, "my verifications", the timer): a recent answer serves it. */
export const PAGE_READER: ReaderPolicy = { mustRead: false };
/** FaceID's notify. */
export const NOTIFY_READER: ReaderPolicy = { mustRead: true };

/** A budgeted record's answer this recent serves page readers without another call. */
const SHARED_READ_MS = 2000;
/** Notifies of one token make at most one get_result call in this time, across instances. */
const NOTIFY_READ_INTERVAL_MS = 5000;
const WAIT_STEP_MS = 150;

/** What one get_result call found. */
interface Reading {
  answer: GetResultOk;
  /** Stores the evidence images of a final answer under paths of this reading's own; resolves their fileIDs. */
  keepEvidence(): Promise<string[] | undefined>;
}

/** Reads a result from FaceID: the product's daily budget of calls (undefined: none) and the call itself. */
export interface ResultReader {
  perDay?: number;
  read(record: IssuedRecord): Promise<Reading>;
}

/** The calendar day in China Standard Time (UTC+8), the day FaceID counts its limits by. */
function chinaDay(now: number): string {
  return new Date(now + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The answer for a record whose token died without a final result. */
function expiredAnswer(record: TokenRecord): GetResultOk {
  return {
    ok: true,
    bizToken: record.bizToken,
    bizNo: record.bizNo,
    outcome: 'expired',
    resultCode: 9000,
    resultMessage: 'LIVING_NOT_START',
    retryable: true,
    finished: true,
  };
}

/** The answer a record in an ended state holds; undefined while it is `issued`. */
function storedAnswer(record: TokenRecord): GetResultOk | undefined {
  switch (record.status) {
    case 'finished':
    case 'cancelled':
      return { ok: true, ...record.result };
    case 'expired':
      return expiredAnswer(record);
    case 'issued':
      return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `fresh` is still the record (same attempt, same token) a reader started with. */
function sameToken(fresh: VerificationRecord | undefined, record: IssuedRecord): fresh is TokenRecord {
  return (
    fresh !== undefined &&
    fresh.status !== 'requesting' &&
    fresh.status !== 'failed' &&
    fresh.status !== 'unconfirmed' &&
    fresh.attempt === record.attempt &&
    fresh.bizToken === record.bizToken
  );
}

function budgetUsed(): FaceIdError {
  return new FaceIdError('RATE_LIMITED', {
    detail: "the day's get_result calls for this verification are used",
    reason: 'RESULT_CALLS_USED',
  });
}

type Claim = { claimed: true; record: IssuedRecord } | { claimed: false; answer: GetResultOk };

/**
 * Takes the right to make the next get_result call, or the answer that serves instead: the ended record's, or
 * (page readers) a recent one, or (notifies) one another notify read moments ago. A page reader of a live token
 * leaves the day's last call of a budgeted product to the notify; once the token is dead nothing is kept.
 */
async function claimOrShare(
  record: IssuedRecord,
  services: Services,
  policy: ReaderPolicy,
  perDay: number | undefined,
): Promise<Claim> {
  const { store, now, config } = services;
  const arrivedAt = now();
  const holdMs = config.FACEID_TIMEOUT_MS * (perDay === undefined ? DEFAULT_RETRY.attempts : 1) + 4000;
  const giveUpAt = arrivedAt + Math.min(holdMs + 1000, declaredTimeoutMs(services.fn) - 5000);
  if (
    !policy.mustRead &&
    perDay !== undefined &&
    record.lastResult &&
    record.lastReadAt > arrivedAt - SHARED_READ_MS
  )
    return { claimed: false, answer: { ok: true, ...record.lastResult } };
  let current = record;
  for (;;) {
    const at = now();
    const day = chinaDay(at);
    const allowed =
      perDay === undefined
        ? 0
        : policy.mustRead || isTokenDead(current, at)
          ? perDay
          : Math.max(1, perDay - 1);
    const request: ClaimRequest = {
      at,
      holdMs,
      budget: perDay === undefined ? undefined : { day, allowed },
      lastReadBefore: !policy.mustRead && perDay !== undefined ? at - SHARED_READ_MS : undefined,
      notifiedBefore: policy.mustRead ? at - NOTIFY_READ_INTERVAL_MS : undefined,
    };
    if (await store.claimRead(current, request)) return { claimed: true, record: current };
    const fresh = await store.getById(record._id);
    if (!sameToken(fresh, record)) throw new FaceIdError('NOT_FOUND', { param: 'bizToken' });
    const ended = storedAnswer(fresh);
    if (ended) return { claimed: false, answer: ended };
    if (fresh.status !== 'issued') throw new FaceIdError('NOT_FOUND', { param: 'bizToken' });
    current = fresh;
    if (fresh.readingUntil === undefined || fresh.notifyReadAt === undefined) {
      // Written before records carried a read claim: it gets a free one.
      await store.openClaim(fresh);
      continue;
    }
    const reading = fresh.readingUntil > now();
    const last = fresh.lastResult ? { ok: true as const, ...fresh.lastResult } : undefined;
    if (!reading) {
      // A read that began after this reader arrived answers it as well as its own call would.
      if (last && fresh.readStartedAt >= arrivedAt && fresh.lastReadAt >= fresh.readStartedAt)
        return { claimed: false, answer: last };
      if (policy.mustRead && fresh.notifyReadAt >= at - NOTIFY_READ_INTERVAL_MS) {
        // Another notify read moments ago, after FaceID said the flow ended: the bound on notifies holds.
        if (last && fresh.lastReadAt >= fresh.notifyReadAt) return { claimed: false, answer: last };
      } else if (perDay !== undefined) {
        const spent = fresh.resultCalls?.day === day && fresh.resultCalls.count >= allowed;
        const shared = !policy.mustRead && fresh.lastReadAt > at - SHARED_READ_MS;
        if ((spent || shared) && last) return { claimed: false, answer: last };
        if (spent) {
          services.log.info({ fn: services.fn, event: 'result-budget-used', bizNo: record.bizNo });
          throw budgetUsed();
        }
      }
    }
    if (now() >= giveUpAt) {
      throw new FaceIdError('SERVICE_BUSY', { detail: 'another reader holds the result call' });
    }
    await sleep(WAIT_STEP_MS);
  }
}

/**
 * Reads an `issued` record's result and moves the record on: `finished` or `cancelled` with a final answer,
 * `expired` when its token died without one; a non-final answer is kept for readers to share. Every write is
 * for this attempt and token only; of concurrent readers one wins each transition and the others answer what
 * it stored. A loser deletes only the evidence it wrote.
 */
async function readIssued(
  record: IssuedRecord,
  services: Services,
  policy: ReaderPolicy,
  reader: ResultReader,
): Promise<GetResultOk> {
  const { store, now, log } = services;
  const claim = await claimOrShare(record, services, policy, reader.perDay);
  if (!claim.claimed) return claim.answer;
  const claimed = claim.record;
  let reading: Reading;
  try {
    reading = await reader.read(claimed);
  } catch (err) {
    await store.releaseRead(claimed, claimed.lastResult, claimed.lastReadAt);
    throw err;
  }
  let answer = reading.answer;
  const { ok: _ok, ...stored } = answer;
  let won: boolean;
  let ended: VerificationRecord | undefined;
  if (answer.finished) {
    let imageFileIDs: string[] | undefined;
    try {
      imageFileIDs = await reading.keepEvidence();
    } catch (err) {
      // The final answer is kept whatever happens to the images: nobody reads FaceID again for it.
      log.warn({ fn: services.fn, event: 'evidence-failed', errorName: (err as Error).name });
    }
    const at = now();
    const ending = {
      status: answer.outcome === 'cancelled' ? ('cancelled' as const) : ('finished' as const),
      result: stored,
      endedAt: at,
      imageFileIDs,
      maskedName: claimed.maskedName ?? answer.idcard?.name,
      maskedIdNumber: claimed.maskedIdNumber ?? answer.idcard?.idcardNumber,
      delivery: newDelivery(claimed, services, at),
    };
    won = await store.finish(claimed, ending);
    if (!won && imageFileIDs?.length) await services.files.deleteFile({ fileList: imageFileIDs });
    if (won) ended = { ...claimed, ...ending };
  } else if (isTokenDead(claimed, now())) {
    const at = now();
    const delivery = newDelivery(claimed, services, at);
    won = await store.expire(claimed, at, delivery);
    if (won) {
      answer = expiredAnswer(claimed);
      ended = { ...claimed, status: 'expired', endedAt: at, delivery };
    }
  } else {
    await store.releaseRead(claimed, stored, now());
    won = true;
  }
  if (!won) {
    const fresh = await store.getById(claimed._id);
    const winner = sameToken(fresh, claimed) ? storedAnswer(fresh) : undefined;
    if (winner) return winner;
  }
  if (ended) await tryFirstDelivery(ended, services);
  log.info({
    fn: services.fn,
    event: 'result',
    bizNo: claimed.bizNo,
    outcome: answer.outcome,
    resultCode: answer.resultCode,
  });
  return answer;
}

// Readers of one token with one policy in this function instance share one upstream call.
const readsInFlight = new Map<string, Promise<GetResultOk>>();

/**
 * A record's result: the stored answer once it has ended (no upstream call), otherwise read from FaceID under
 * the reader's policy (see readIssued).
 */
export async function readResult(
  record: TokenRecord,
  services: Services,
  policy: ReaderPolicy,
  reader: ResultReader,
): Promise<GetResultOk> {
  const stored = storedAnswer(record);
  if (stored) return stored;
  if (record.status !== 'issued') throw new FaceIdError('NOT_FOUND', { param: 'bizToken' });
  const key = `${record.bizToken}:${policy.mustRead}`;
  const pending = readsInFlight.get(key);
  if (pending) return pending;
  const read = readIssued(record, services, policy, reader).finally(() => readsInFlight.delete(key));
  readsInFlight.set(key, read);
  return read;
}
