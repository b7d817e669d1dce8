import { FaceIdError } from '../../miniprogram/domain/errors';
import {
  confidenceLevel,
  type GetResultOk,
  type MaskedIdcard,
  type VerificationSummary,
} from '../../miniprogram/domain/events';
import { maskIdNumber, maskName } from '../../miniprogram/domain/mask';
import { describeResult, isFinalOutcome } from '../../miniprogram/domain/result-codes';
import { createProvider } from '../providers';
import type { ProviderResult } from '../providers/types';
import type { Caller, Services } from '../runtime';
import type { VerificationRecord, VerificationStore } from '../store/types';
import { eventObject, optionalString, own, requiredString } from './input';

/** Whether the caller may see the record: its owner, or the console (no openid). */
export function canRead(caller: Caller, record: VerificationRecord): boolean {
  return caller.openid === null || record.openid === caller.openid;
}

/** The record behind a bizToken that the caller may read; NOT_FOUND otherwise (existence is not revealed). */
export async function readableRecord(
  store: VerificationStore,
  caller: Caller,
  bizToken: string,
): Promise<VerificationRecord> {
  const record = await store.getByBizToken(bizToken);
  if (!record || !canRead(caller, record)) throw new FaceIdError('NOT_FOUND', { param: 'bizToken' });
  return record;
}

function summarize(result: ProviderResult): VerificationSummary | undefined {
  const v = result.verification;
  if (!v) return undefined;
  const against = v.idcard ? 'idcard' : v.ref1 ? 'ref1' : v.ref2 ? 'ref2' : undefined;
  if (!against) return undefined;
  const comparison = v[against]!;
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

/** Builds the page's answer from a provider result: outcome, Chinese copy, comparison band, masked ID fields. */
export function toResultAnswer(record: VerificationRecord, result: ProviderResult): GetResultOk {
  const row = describeResult(result.resultCode, result.resultMessage);
  if (!row) {
    throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: `unknown result_code ${result.resultCode}` });
  }
  const answer: GetResultOk = {
    ok: true,
    bizToken: record.bizToken!,
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
  record: VerificationRecord,
  result: ProviderResult,
  { env, files }: Services,
): Promise<string[] | undefined> {
  if (env.FACEID_KEEP_IMAGES?.trim() !== '1' || !result.images) return undefined;
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

/**
 * Counts one get_result call against the product's daily budget for this record, before the call is made.
 * Resolves false when the budget is used and a stored answer can be served instead; RATE_LIMITED when the budget
 * is used and nothing was stored (every call of the day failed).
 */
async function spendResultCall(
  record: VerificationRecord,
  perDay: number | undefined,
  { store, now }: Services,
): Promise<boolean> {
  if (perDay === undefined) return true;
  const day = chinaDay(now());
  const used = record.resultCalls?.day === day ? record.resultCalls.count : 0;
  if (used >= perDay) {
    if (record.lastResult) return false;
    throw new FaceIdError('RATE_LIMITED', {
      detail: `get_result was called ${used} times today for this verification`,
      messageZh: '今天查询结果的次数已用完，请明天再查看',
    });
  }
  const resultCalls = { day, count: used + 1 };
  await store.update(record._id, { resultCalls });
  record.resultCalls = resultCalls;
  return true;
}

/**
 * Asks FaceID for a record's result and, when it is final, stores it with the record (with the evidence images
 * only if FACEID_KEEP_IMAGES=1). A record that already holds its final result makes no upstream call; for a product
 * with a daily get_result budget, calls are counted per record and, once the day's budget is used, the last
 * answer is served without a call.
 */
export async function refreshResult(
  record: VerificationRecord,
  services: Services,
  fn: string,
): Promise<GetResultOk> {
  if (record.result) return { ok: true, ...record.result };
  const { store, now, log } = services;
  const provider = createProvider({ env: services.env, now, purpose: 'result' });
  const budgeted = await spendResultCall(record, provider.resultCallsPerDay, services);
  if (!budgeted) {
    log.info({ fn, event: 'result-budget-used', bizNo: record.bizNo });
    return { ok: true, ...record.lastResult! };
  }
  const result = await provider.fetchResult({ bizToken: record.bizToken!, resultRef: record.resultRef });
  const answer = toResultAnswer(record, result);
  if (!answer.finished && provider.resultCallsPerDay !== undefined) {
    const { ok: _ok, ...stored } = answer;
    await store.update(record._id, { lastResult: stored });
  }
  if (answer.finished) {
    const { ok: _ok, ...stored } = answer;
    const imageFileIDs = await keepEvidence(record, result, services);
    await store.update(record._id, {
      status: 'finished',
      resultCode: answer.resultCode,
      outcome: answer.outcome,
      result: stored,
      finishedAt: now(),
      maskedName: record.maskedName ?? answer.idcard?.name,
      maskedIdNumber: record.maskedIdNumber ?? answer.idcard?.idcardNumber,
      imageFileIDs,
    });
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
    if (!record || !record.bizToken || !canRead(services.caller, record)) {
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
