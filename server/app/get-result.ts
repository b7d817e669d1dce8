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
import { eventObject, requiredString } from './input';

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

/**
 * Asks FaceID for a record's result and, when it is final, stores it with the record (with the evidence images
 * only if FACEID_KEEP_IMAGES=1). A record that already holds its final result makes no upstream call.
 */
export async function refreshResult(
  record: VerificationRecord,
  services: Services,
  fn: string,
): Promise<GetResultOk> {
  if (record.result) return { ok: true, ...record.result };
  const { store, now, log } = services;
  const provider = createProvider({ env: services.env, now, purpose: 'result' });
  const result = await provider.fetchResult({ bizToken: record.bizToken!, resultRef: record.resultRef });
  const answer = toResultAnswer(record, result);
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
 * The result of the caller's verification. A final result is stored with the record, so reading it again makes
 * no upstream call; images are never returned.
 */
export async function getResult(event: unknown, services: Services): Promise<GetResultOk> {
  const bizToken = requiredString(eventObject(event), 'bizToken', 256);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\s]/.test(bizToken)) throw new FaceIdError('INVALID_EVENT', { param: 'bizToken' });
  const record = await readableRecord(services.store, services.caller, bizToken);
  return refreshResult(record, services, 'getResult');
}
