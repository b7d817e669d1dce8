/**
 * Buying a token, and the money rules: one bizNo of one caller has at most one paid token in flight; the caller's
 * rate-limit unit is taken before the paid call and given back only when nothing can have been bought.
 */
import { FaceIdError } from '../errors';
import { tokenLimitMessageZh } from '../messages';
import type { GetBizTokenOk } from '../../miniprogram/shared/events';
import type { FaceIdProvider, IssuedToken, ValidTokenRequest } from '../providers/types';
import type { Services } from '../runtime';
import { ownerOf } from '../caller';
import { newDelivery, tryFirstDelivery } from './outbox';
import {
  isRetryable,
  isStaleRequest,
  isTokenDead,
  recordId,
  staleRequests,
  type AttemptFields,
  type ReadClaim,
  type RequestingRecord,
  type TokenFields,
  type TokenRecord,
  type UnconfirmedRecord,
} from './states';

/** What one token request brings: the bizNo, the attempt's own fields, the checked request and its product. */
interface Purchase {
  bizNo: string;
  attempt: AttemptFields;
  request: ValidTokenRequest;
  provider: FaceIdProvider;
}

/** How long a request for a bizNo that another request is buying waits for that token before answering busy. */
const WAIT_FOR_WINNER_MS = 3000;
const WAIT_STEP_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tokenAnswer(record: TokenRecord, provider: FaceIdProvider): GetBizTokenOk {
  return {
    ok: true,
    bizToken: record.bizToken,
    bizNo: record.bizNo,
    expiresAt: record.expiresAt,
    provider: provider.name,
    client: record.client,
  };
}

function inProgress(): FaceIdError {
  return new FaceIdError('SERVICE_BUSY', {
    param: 'bizNo',
    detail: 'a token for this bizNo is being issued',
    reason: 'TOKEN_BEING_ISSUED',
  });
}

function alreadyUsed(): FaceIdError {
  return new FaceIdError('INVALID_EVENT', {
    param: 'bizNo',
    detail: 'this bizNo was already used',
    reason: 'BIZ_NO_USED',
  });
}

/** A caller's rate-limit budget. */
interface RateBudget {
  key: string;
  count: number;
  windowMs: number;
}

/** The caller's rate-limit budget: tokens FaceID issued (or may have issued) in the window; the console has none. */
function rateBudget({ caller, config }: Services): RateBudget | undefined {
  const { count, windowMs } = config.FACEID_RATE_LIMIT;
  return caller.kind === 'user' ? { key: `token:${caller.openid}`, count, windowMs } : undefined;
}

function rateLimited(budget: RateBudget, at: number): FaceIdError {
  const retryAt = (Math.floor(at / budget.windowMs) + 1) * budget.windowMs;
  const minutes = Math.max(1, Math.ceil((retryAt - at) / 60_000));
  return new FaceIdError('RATE_LIMITED', {
    detail: `more than ${budget.count} tokens in ${budget.windowMs / 1000}s`,
    reason: 'TOKEN_LIMIT',
    messageZh: tokenLimitMessageZh(minutes),
    retryAt,
  });
}

/** Whether a failed token call proves nothing was bought (FaceID's own error answer, or it never left). */
function provesNothingBought(err: unknown): boolean {
  return err instanceof FaceIdError && err.nothingBought;
}

/** The person's answer when the answer to a token request that left was lost. */
function unconfirmed(err: unknown): FaceIdError {
  return new FaceIdError('VERIFICATION_UNCONFIRMED', {
    detail: `the token answer was lost (${err instanceof FaceIdError ? err.code : 'INTERNAL'})`,
  });
}

/** Deletes reference photos once FaceID has them (or the call ended without a token); resolves whether it did. */
export async function deletePhotos(fileIDs: string[] | undefined, services: Services): Promise<boolean> {
  const { files, photos, log } = services;
  if (!fileIDs?.length) return true;
  try {
    await files.deleteFile({ fileList: fileIDs });
    await photos.forget(fileIDs);
    return true;
  } catch (err) {
    log.warn({ fn: services.fn, event: 'photo-delete-failed', errorName: (err as Error).name });
    return false;
  }
}

/** The read claim a new `issued` record starts with: free, nothing read yet. */
function freeClaim(provider: FaceIdProvider): ReadClaim {
  return {
    readingUntil: 0,
    readStartedAt: 0,
    notifyReadAt: 0,
    lastReadAt: 0,
    resultCalls: provider.resultCallsPerDay !== undefined ? { day: '', count: 0 } : undefined,
  };
}

/**
 * Buys the token for a `requesting` record this request owns: one upstream call, then one update recording the
 * token, or the failure (`failed`, unit given back, when FaceID's answer proves nothing was bought; otherwise
 * `unconfirmed`, unit kept).
 */
async function buyToken(
  record: RequestingRecord,
  { request, provider }: Purchase,
  services: Services,
  giveBack: () => Promise<void>,
): Promise<GetBizTokenOk> {
  const { store, now, log } = services;
  let issued: IssuedToken;
  try {
    issued = await provider.issueToken(request);
  } catch (err) {
    const code = err instanceof FaceIdError ? err.code : 'INTERNAL';
    const nothingBought = provesNothingBought(err);
    const endedAt = now();
    const delivery = newDelivery(record, services, endedAt);
    const [wonEnd, , photosGone] = await Promise.all([
      nothingBought ? store.fail(record, code, endedAt) : store.unconfirm(record, code, endedAt, delivery),
      nothingBought ? giveBack() : undefined,
      deletePhotos(record.photoFileIDs, services),
    ]);
    if (photosGone && record.photoFileIDs?.length) await store.forgetPhotos(record);
    if (nothingBought) throw err;
    if (wonEnd) {
      const ended: UnconfirmedRecord = {
        ...record,
        status: 'unconfirmed',
        errorCode: code,
        endedAt,
        delivery,
      };
      await tryFirstDelivery(ended, services);
    }
    log.warn({ fn: services.fn, event: 'token-unconfirmed', bizNo: record.bizNo, code });
    throw unconfirmed(err);
  }
  const token: TokenFields = {
    bizToken: issued.bizToken,
    expiresAt: issued.expiresAt,
    client: issued.client,
    resultRef: issued.resultRef,
  };
  const [won, photosGone] = await Promise.all([
    store.issue(record, token, freeClaim(provider)),
    deletePhotos(record.photoFileIDs, services),
  ]);
  if (photosGone && record.photoFileIDs?.length) await store.forgetPhotos(record);
  if (!won) {
    // Our attempt was taken over as stale while FaceID answered: the record holds the newer attempt's story.
    log.warn({ fn: services.fn, event: 'attempt-superseded', bizNo: record.bizNo });
    throw inProgress();
  }
  log.info({
    fn: services.fn,
    event: 'issued',
    bizNo: record.bizNo,
    provider: provider.name,
    mode: request.mode,
  });
  return tokenAnswer({ ...record, ...token, ...freeClaim(provider), status: 'issued' }, provider);
}

/** Takes the caller's unit for one paid call; the function gives it back. */
async function takeUnit(services: Services, at: number): Promise<() => Promise<void>> {
  const budget = rateBudget(services);
  if (budget && !(await services.store.take(budget.key, budget.count, at, budget.windowMs)))
    throw rateLimited(budget, at);
  return async () => {
    if (budget) await services.store.giveBack(budget.key, at, budget.windowMs);
  };
}

/**
 * What a request for a bizNo that already has a record gets: the token already issued (never a second paid
 * call), the winner's token after a short wait while another request buys it, a new counted attempt after one
 * that ended without a token (or a `requesting` one left stale by a stopped function), or a refusal. A record
 * deleted meanwhile is not bought again by this request.
 */
async function continueExisting(id: string, purchase: Purchase, services: Services): Promise<GetBizTokenOk> {
  const { store, now, log } = services;
  const waitUntil = now() + WAIT_FOR_WINNER_MS;
  for (;;) {
    const existing = await store.getById(id);
    if (!existing) throw inProgress();
    const at = now();
    if (existing.status === 'issued' && !isTokenDead(existing, at)) {
      log.info({ fn: services.fn, event: 'reused', bizNo: existing.bizNo });
      return tokenAnswer(existing, purchase.provider);
    }
    if (isRetryable(existing) || (existing.status === 'requesting' && isStaleRequest(existing, at))) {
      const giveBack = await takeUnit(services, at);
      const mine = await store.retry(existing, purchase.attempt, at, staleRequests(at));
      if (mine) return buyToken(mine, purchase, services, giveBack);
      await giveBack();
      continue;
    }
    if (existing.status !== 'requesting') throw alreadyUsed();
    if (at >= waitUntil) throw inProgress();
    await sleep(WAIT_STEP_MS);
  }
}

/**
 * Buys the caller's token for a bizNo: records the attempt (masked) with a guarded insert and takes one unit of
 * the caller's rate limit side by side, then makes exactly one upstream call and one update. A repeated bizNo
 * gets the token already issued for it; whatever the concurrency, one bizNo has at most one paid token.
 */
export async function requestToken(purchase: Purchase, services: Services): Promise<GetBizTokenOk> {
  const { caller, store, now } = services;
  const at = now();
  const record: RequestingRecord = {
    _id: recordId(ownerOf(caller), purchase.bizNo),
    openid: ownerOf(caller),
    bizNo: purchase.bizNo,
    ...purchase.attempt,
    status: 'requesting',
    attempt: 1,
    requestedAt: at,
    createdAt: at,
  };
  const budget = rateBudget(services);
  const [inserted, allowed] = await Promise.allSettled([
    store.begin(record),
    budget ? store.take(budget.key, budget.count, at, budget.windowMs) : true,
  ]);
  const giveBack = async () => {
    if (budget) await store.giveBack(budget.key, at, budget.windowMs);
  };
  if (inserted.status === 'rejected') {
    // Nothing was written, nothing bought: the unit goes back.
    if (allowed.status === 'fulfilled' && allowed.value) await giveBack();
    throw inserted.reason;
  }
  if (allowed.status === 'rejected') {
    if (inserted.value) await store.deleteAsRead(record);
    throw new FaceIdError('SERVICE_BUSY', { detail: 'the rate limit could not be read' });
  }
  if (!inserted.value) {
    if (allowed.value) await giveBack();
    return continueExisting(record._id, purchase, services);
  }
  if (!allowed.value && budget) {
    // Refused before any paid call: the record goes, the photos stay for the person's next try.
    await store.deleteAsRead(record);
    services.log.warn({ fn: services.fn, event: 'rate-limited', code: 'RATE_LIMITED' });
    throw rateLimited(budget, at);
  }
  return buyToken(record, purchase, services, giveBack);
}
