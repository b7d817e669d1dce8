import { FaceIdError } from '../errors';
import {
  confidenceLevel,
  type GetResultOk,
  type MaskedIdcard,
  type VerificationSummary,
} from '../../miniprogram/shared/events';
import { maskIdNumber, maskName } from '../mask';
import { EXPIRED_COPY, describeResult, isFinalOutcome } from '../../miniprogram/shared/result-codes';
import { createProvider } from '../providers';
import type { FaceIdProvider, ProviderResult } from '../providers/types';
import type { Caller, Services } from '../runtime';
import { hasToken, type IssuedRecord, type TokenRecord, type VerificationStore } from '../store/types';
import { eventObject, optionalString, own, requiredString } from './input';

import { canRead } from '../caller';

export { canRead };

/** The record behind a bizToken that the caller may read; NOT_FOUND otherwise (existence is not revealed). */
export async function readableRecord(
  store: VerificationStore,
  caller: Caller,
  bizToken: string,
): Promise<TokenRecord> {
  const record = await store.getByBizToken(bizToken);
  if (!record || !canRead(caller, record)) throw new FaceIdError('NOT_FOUND', { param: 'bizToken' });
  return record;
}

function summarize(result: ProviderResult): VerificationSummary | undefined {
  const v = result.verification;
  if (!v) return undefined;
  const against = v.idcard ? 'idcard' : v.ref1 ? 'ref1' : v.ref2 ? 'ref2' : undefined;
  if (!against) return undefined;
  const comparison = v[against];
  if (!comparison) return undefined;
  return {
    against,
    confidence: comparison.confidence,
    thresholds: comparison.thresholds,
    level: confidenceLevel(comparison.confidence, comparison.thresholds),
  };
}

function maskedIdcard(result: ProviderResult): MaskedIdcard | undefined {
  const id = result.idcard;
  if (!id || (!id.name && !id.idcardNumber)) return undefined;
  return {
    name: id.name ? maskName(id.name) : undefined,
    idcardNumber: id.idcardNumber ? maskIdNumber(id.idcardNumber) : undefined,
    gender: id.gender,
    validDateEnd: id.validDateEnd,
  };
}

/** The comparison a mode is judged by: none for liveness only. */
function requiredComparison(record: TokenRecord): 'idcard' | 'ref1' | undefined {
  if (record.mode === 'idcard' || record.mode === 'ocr') return 'idcard';
  if (record.mode === 'reference') return 'ref1';
  return undefined;
}

/**
 * Builds the page's answer from a provider result: outcome, Chinese copy, comparison band, masked ID fields. A
 * comparison mode never passes without its comparison (confidence and thresholds): such an answer is refused as
 * incomplete, and nothing is stored.
 */
export function toResultAnswer(record: TokenRecord, result: ProviderResult): GetResultOk {
  const row = describeResult(result.resultCode, result.resultMessage);
  if (!row) {
    throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: `unknown result_code ${result.resultCode}` });
  }
  const needed = requiredComparison(record);
  if (row.outcome === 'passed' && needed && !result.verification?.[needed]) {
    throw new FaceIdError('BAD_UPSTREAM_RESPONSE', {
      detail: `a passed ${record.mode} result without the ${needed} comparison`,
      messageZh: '认证结果暂不完整，请稍后再查看',
    });
  }
  const answer: GetResultOk = {
    ok: true,
    bizToken: record.bizToken,
    bizNo: record.bizNo,
    outcome: row.outcome,
    resultCode: result.resultCode,
    resultMessage: result.resultMessage,
    title: row.title,
    detail: row.detail,
    retryable: row.retryable,
    finished: isFinalOutcome(row.outcome),
  };
  const verification = summarize(result);
  if (verification) answer.verification = verification;
  const idcard = maskedIdcard(result);
  if (idcard) answer.idcard = idcard;
  return answer;
}

/**
 * Stores the evidence images of a final result in cloud storage, only when FACEID_KEEP_IMAGES=1; they are never
 * returned to the client and are deleted with the record.
 */
async function keepEvidence(
  record: TokenRecord,
  result: ProviderResult,
  { config, files }: Services,
): Promise<string[] | undefined> {
  if (!config.FACEID_KEEP_IMAGES || !result.images) return undefined;
  const fileIDs: string[] = [];
  for (const [name, base64] of Object.entries(result.images)) {
    if (!/^[a-z0-9_]+$/i.test(name)) continue;
    const { fileID } = await files.uploadFile({
      cloudPath: `faceid-evidence/${record.bizNo}/${name}.jpg`,
      fileContent: Buffer.from(base64, 'base64'),
    });
    fileIDs.push(fileID);
  }
  return fileIDs;
}

/** The calendar day in China Standard Time (UTC+8), the day FaceID counts its limits by. */
export function chinaDay(now: number): string {
  return new Date(now + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The answer for a record whose token died without a final result. */
export function expiredAnswer(record: TokenRecord): GetResultOk {
  return {
    ok: true,
    bizToken: record.bizToken,
    bizNo: record.bizNo,
    outcome: 'expired',
    resultCode: 9000,
    resultMessage: 'LIVING_NOT_START',
    title: EXPIRED_COPY.title,
    detail: EXPIRED_COPY.detail,
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
const WAIT_STEP_MS = 150;
/** A budgeted record's answer this recent serves other readers without another call. */
export const SHARED_READ_MS = 2000;

/**
 * For a product with a daily get_result budget: takes the right to make the next call, or the answer another
 * reader's call just gave. Page reads leave the day's last call to FaceID's notify, so a verification the person
 * completes is still read once it is over.
 */
async function claimOrShare(
  record: IssuedRecord,
  perDay: number,
  services: Services,
  fn: string,
): Promise<{ claimed: true } | { claimed: false; answer: GetResultOk }> {
  const { store, now, log } = services;
  const allowed = fn === 'faceidNotify' ? perDay : Math.max(1, perDay - 1);
  const holdMs = services.config.FACEID_TIMEOUT_MS + 2000;
  const giveUpAt = now() + holdMs + 1000;
  if (record.lastResult && (record.lastReadAt ?? 0) > now() - SHARED_READ_MS) {
    return { claimed: false, answer: { ok: true, ...record.lastResult } };
  }
  let current: IssuedRecord = record;
  let waited = false;
  for (;;) {
    const at = now();
    if (
      !waited &&
      (await store.claimResultCall(current, chinaDay(at), allowed, at, holdMs, at - SHARED_READ_MS))
    )
      return { claimed: true };
    const fresh = await store.getById(record._id);
    if (!fresh || !hasToken(fresh)) throw new FaceIdError('NOT_FOUND', { param: 'bizToken' });
    const ended = storedAnswer(fresh);
    if (ended) return { claimed: false, answer: ended };
    if (fresh.status !== 'issued') throw new FaceIdError('NOT_FOUND', { param: 'bizToken' });
    current = fresh;
    const reading = (fresh.readingUntil ?? 0) > now();
    if (reading && now() < giveUpAt) {
      waited = true;
      await sleep(WAIT_STEP_MS);
      continue;
    }
    // The other reader finished, or today's calls are used: its latest answer serves rather than another call.
    if (fresh.lastResult) return { claimed: false, answer: { ok: true, ...fresh.lastResult } };
    if (waited && !reading) {
      waited = false;
      continue;
    }
    log.info({ fn, event: 'result-budget-used', bizNo: record.bizNo });
    throw new FaceIdError('RATE_LIMITED', {
      detail: "the day's get_result calls for this verification are used",
      messageZh: '认证结果确认中，请稍后在“我的认证记录”中查看',
    });
  }
}

/**
 * Reads an `issued` record's result from FaceID and moves the record on: `finished` or `cancelled` with a final
 * answer, `expired` when its token died without one. Of concurrent readers one wins each transition; the others
 * answer what it stored.
 */
async function readIssued(record: IssuedRecord, services: Services, fn: string): Promise<GetResultOk> {
  const { store, now, log } = services;
  const provider: FaceIdProvider = createProvider({ config: services.config, now, purpose: 'result' });
  const perDay = provider.resultCallsPerDay;
  if (perDay !== undefined) {
    const claim = await claimOrShare(record, perDay, services, fn);
    if (!claim.claimed) return claim.answer;
  }
  let answer: GetResultOk;
  let result: ProviderResult;
  try {
    result = await provider.fetchResult({ bizToken: record.bizToken, resultRef: record.resultRef });
    answer = toResultAnswer(record, result);
  } catch (err) {
    if (perDay !== undefined) await store.keepLastResult(record, record.lastResult, record.lastReadAt);
    throw err;
  }
  const { ok: _ok, ...stored } = answer;
  let won: boolean;
  if (answer.finished) {
    const imageFileIDs = await keepEvidence(record, result, services);
    won = await store.finish(record, {
      status: answer.outcome === 'cancelled' ? 'cancelled' : 'finished',
      result: stored,
      endedAt: now(),
      imageFileIDs,
      maskedName: record.maskedName ?? answer.idcard?.name,
      maskedIdNumber: record.maskedIdNumber ?? answer.idcard?.idcardNumber,
    });
    if (!won && imageFileIDs?.length) await services.files.deleteFile({ fileList: imageFileIDs });
  } else if (record.expiresAt <= now()) {
    won = await store.expire(record, now());
    if (won) answer = expiredAnswer(record);
  } else {
    if (perDay !== undefined) await store.keepLastResult(record, stored, now());
    won = true;
  }
  if (!won) {
    const fresh = await store.getById(record._id);
    const winner = fresh && hasToken(fresh) ? storedAnswer(fresh) : undefined;
    if (winner) return winner;
  }
  log.info({
    fn,
    event: 'result',
    bizNo: record.bizNo,
    outcome: answer.outcome,
    resultCode: answer.resultCode,
  });
  return answer;
}

// Readers of one token in this function instance share one upstream call.
const readsInFlight = new Map<string, Promise<GetResultOk>>();

/**
 * A record's result: the stored answer once it has ended (no upstream call), otherwise read from FaceID (see
 * readIssued). Shared by getResult, the notify, "my verifications" and the daily timer.
 */
export async function refreshResult(
  record: TokenRecord,
  services: Services,
  fn: string,
): Promise<GetResultOk> {
  const stored = storedAnswer(record);
  if (stored) return stored;
  if (record.status !== 'issued') throw new FaceIdError('NOT_FOUND', { param: 'bizToken' });
  const pending = readsInFlight.get(record.bizToken);
  if (pending) return pending;
  const read = readIssued(record, services, fn).finally(() => readsInFlight.delete(record.bizToken));
  readsInFlight.set(record.bizToken, read);
  return read;
}

/**
 * The result of the caller's verification, by `bizToken` or by `bizNo` (FaceID's H5 return carries only the
 * latter). A final result is stored with the record, so reading it again makes no upstream call; images are never
 * returned.
 */
export async function getResult(event: unknown, services: Services): Promise<GetResultOk> {
  const obj = eventObject(event);
  const bizNo = optionalString(obj, 'bizNo', 64);
  if (bizNo !== undefined && own(obj, 'bizToken') === undefined) {
    const record = await services.store.getById(bizNo);
    if (!record || !hasToken(record) || !canRead(services.caller, record)) {
      throw new FaceIdError('NOT_FOUND', { param: 'bizNo' });
    }
    return refreshResult(record, services, 'getResult');
  }
  const bizToken = requiredString(obj, 'bizToken', 256);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\s]/.test(bizToken)) throw new FaceIdError('INVALID_EVENT', { param: 'bizToken' });
  const record = await readableRecord(services.store, services.caller, bizToken);
  return refreshResult(record, services, 'getResult');
}
