import { randomUUID } from 'node:crypto';
import { FaceIdError } from '../errors';
import {
  confidenceLevel,
  type GetResultOk,
  type MaskedIdcard,
  type VerificationSummary,
} from '../../miniprogram/shared/events';
import { maskIdNumber, maskName } from '../mask';
import { describeResult, isFinalOutcome } from '../../miniprogram/shared/result-codes';
import { createProvider } from '../providers';
import type { FaceIdProvider, ProviderResult } from '../providers/types';
import type { Caller, Services } from '../runtime';
import type { TokenRecord, VerificationStore } from '../store/types';
import { PAGE_READER, hasToken, readResult, type ReaderPolicy, type ResultReader } from '../lifecycle';
import { eventObject, optionalString, own, requiredString } from './input';

import { canRead, ownerOf } from '../caller';

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
 * Builds the page's answer from a provider result: outcome, comparison band, masked ID fields. A
 * comparison mode never passes without its comparison (confidence and thresholds): such an answer is refused as
 * incomplete, and nothing is stored.
 */
function toResultAnswer(record: TokenRecord, result: ProviderResult): GetResultOk {
  const row = describeResult(result.resultCode, result.resultMessage);
  if (!row) {
    throw new FaceIdError('BAD_UPSTREAM_RESPONSE', { detail: `unknown result_code ${result.resultCode}` });
  }
  const needed = requiredComparison(record);
  if (row.outcome === 'passed' && needed && !result.verification?.[needed] && !result.comparedByProvider) {
    throw new FaceIdError('BAD_UPSTREAM_RESPONSE', {
      detail: `a passed ${record.mode} result without the ${needed} comparison`,
      reason: 'RESULT_INCOMPLETE',
    });
  }
  const answer: GetResultOk = {
    ok: true,
    bizToken: record.bizToken,
    bizNo: record.bizNo,
    outcome: row.outcome,
    resultCode: result.resultCode,
    resultMessage: result.resultMessage,
    retryable: row.retryable,
    finished: isFinalOutcome(row.outcome),
  };
  const verification = summarize(result);
  if (verification) answer.verification = verification;
  // A passed check shows the identity it confirmed: what FaceID recognised (OCR), else what the person typed.
  const idcard =
    maskedIdcard(result) ??
    (row.outcome === 'passed' && (record.maskedName || record.maskedIdNumber)
      ? { name: record.maskedName, idcardNumber: record.maskedIdNumber }
      : undefined);
  if (idcard) answer.idcard = idcard;
  return answer;
}

/**
 * Stores the evidence images of a final result in cloud storage, only when FACEID_KEEP_IMAGES=1, under a folder
 * of this attempt and this reader's own (a reader that loses the finish deletes only what it wrote); they are
 * never returned to the client and are deleted with the record.
 */
async function keepEvidence(
  record: TokenRecord,
  result: ProviderResult,
  { config, files }: Services,
): Promise<string[] | undefined> {
  if (!config.FACEID_KEEP_IMAGES || !result.images) return undefined;
  const folder = `faceid-evidence/${record._id}/${record.attempt}-${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const fileIDs: string[] = [];
  for (const [name, base64] of Object.entries(result.images)) {
    if (!/^[a-z0-9_]+$/i.test(name)) continue;
    const { fileID } = await files.uploadFile({
      cloudPath: `${folder}/${name}.jpg`,
      fileContent: Buffer.from(base64, 'base64'),
    });
    fileIDs.push(fileID);
  }
  return fileIDs;
}

/** FaceID's get_result for the configured product, as the lifecycle's readers call it. */
function resultReader(services: Services): ResultReader {
  const provider: FaceIdProvider = createProvider({
    config: services.config,
    now: services.now,
    purpose: 'result',
    appid: services.caller.kind === 'user' ? services.caller.appid : undefined,
    accessTokens: services.accessTokens,
  });
  return {
    perDay: provider.resultCallsPerDay,
    async read(record) {
      const result = await provider.fetchResult({
        bizToken: record.bizToken,
        resultRef: record.resultRef,
        bizNo: record.bizNo,
        openid: record.openid,
      });
      return {
        answer: toResultAnswer(record, result),
        keepEvidence: () => keepEvidence(record, result, services),
      };
    },
  };
}

/**
 * A record's result under a reader's policy: the stored answer once it has ended (no upstream call), otherwise
 * read from FaceID (see the lifecycle's readResult). Shared by getResult, the notify, "my verifications" and the
 * daily timer.
 */
export function refreshResult(
  record: TokenRecord,
  services: Services,
  policy: ReaderPolicy = PAGE_READER,
): Promise<GetResultOk> {
  return readResult(record, services, policy, resultReader(services));
}

/**
 * The result of the caller's verification, by `bizToken` or by the caller's own `bizNo` (FaceID's H5 return
 * carries only the latter). A final result is stored with the record, so reading it again makes no upstream
 * call; images are never returned.
 */
export async function getResult(event: unknown, services: Services): Promise<GetResultOk> {
  const obj = eventObject(event);
  const bizNo = optionalString(obj, 'bizNo', 64);
  if (bizNo !== undefined && own(obj, 'bizToken') === undefined) {
    const record = await services.store.getByBizNo(ownerOf(services.caller), bizNo);
    // The result page of a verification whose token answer was lost says so in the person's words.
    if (record?.status === 'unconfirmed')
      throw new FaceIdError('VERIFICATION_UNCONFIRMED', { param: 'bizNo' });
    if (!record || !hasToken(record) || !canRead(services.caller, record)) {
      throw new FaceIdError('NOT_FOUND', { param: 'bizNo' });
    }
    return refreshResult(record, services);
  }
  const bizToken = requiredString(obj, 'bizToken', 256);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\s]/.test(bizToken)) throw new FaceIdError('INVALID_EVENT', { param: 'bizToken' });
  const record = await readableRecord(services.store, services.caller, bizToken);
  return refreshResult(record, services);
}
