/**
 * The query API for the business's backend (`GET /faceidResults?bizNo=…|externalRef=…`, HTTP access): a key from
 * FACEID_API_KEYS_SHA256, a per-key rate limit counted in the database, and the newest matching record's result
 * notice. It only reads the store: no upstream call, nothing written but the key's counter.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { FaceIdError } from '../errors';
import type { VerificationMode } from '../../miniprogram/shared/events';
import { isExternalRef, MAX_EXTERNAL_REF_LENGTH } from '../../miniprogram/shared/external-ref';
import type { Services } from '../runtime';
import { isNoticeRecord, resultNotice, type ResultNotice } from '../lifecycle';
import type { VerificationRecord } from '../store/types';
import { jsonAnswer, jsonHttpHandler, type HttpAnswer, type HttpEvent } from './http';

/** A verification whose story is not over (token being bought or live), or whose token request failed. */
interface PendingAnswer {
  bizNo: string;
  externalRef: string | null;
  status: 'in_progress' | 'failed';
  mode: VerificationMode;
  provider: string;
  createdAt: number;
}

/** What the query API answers for a record. */
type QueryAnswer = ResultNotice | PendingAnswer;

/** Records read for one query: enough to see whether several owners share the reference. */
const MATCHES_READ = 20;

/** Longest bearer key read (keys are meant to be 32 random bytes, 43–64 characters). */
const MAX_KEY_LENGTH = 256;

function unauthorized(detail: string): FaceIdError {
  return new FaceIdError('UNAUTHORIZED', { detail });
}

/** The SHA-256 hex hash of the presented key, when it is one of FACEID_API_KEYS_SHA256 (compared in constant time). */
function authorizedKey(http: HttpEvent, services: Services): string {
  const hashes = services.config.FACEID_API_KEYS_SHA256;
  if (!hashes)
    throw new FaceIdError('CONFIG_MISSING', {
      param: 'FACEID_API_KEYS_SHA256',
      detail: 'no query API key is configured',
    });
  const match = /^Bearer +(\S+)$/i.exec((http.headers.authorization ?? '').trim());
  if (!match || match[1].length > MAX_KEY_LENGTH) throw unauthorized('no bearer key');
  const presented = createHash('sha256').update(match[1]).digest();
  const known = hashes.some((hash) => timingSafeEqual(Buffer.from(hash, 'hex'), presented));
  if (!known) throw unauthorized('unknown key');
  return presented.toString('hex');
}

/** Takes one request of the key's budget (the counter lives in the store, shared by every instance). */
async function countRequest(keyHash: string, services: Services): Promise<void> {
  const { count, windowMs } = services.config.FACEID_API_RATE_LIMIT;
  const at = services.now();
  if (await services.store.take(`api:${keyHash.slice(0, 16)}`, count, at, windowMs)) return;
  throw new FaceIdError('RATE_LIMITED', {
    detail: `more than ${count} queries in ${windowMs / 1000}s`,
    reason: 'QUERY_LIMIT',
    retryAt: (Math.floor(at / windowMs) + 1) * windowMs,
  });
}

/** The one reference the query names: `bizNo` or `externalRef`, checked with the rules getBizToken applies. */
function queriedReference(query: Record<string, string>): { bizNo: string } | { externalRef: string } {
  const { bizNo, externalRef } = query;
  if (bizNo !== undefined && externalRef !== undefined)
    throw new FaceIdError('INVALID_EVENT', { param: 'bizNo', detail: 'give bizNo or externalRef, not both' });
  if (externalRef !== undefined) {
    if (!isExternalRef(externalRef))
      throw new FaceIdError('INVALID_EXTERNAL_REF', {
        param: 'externalRef',
        detail: `externalRef allows at most ${MAX_EXTERNAL_REF_LENGTH} letters, digits, _ . : and -`,
      });
    return { externalRef };
  }
  if (bizNo === undefined || bizNo === '') throw new FaceIdError('MISSING_ARGUMENTS', { param: 'bizNo' });
  if (bizNo.length > 64 || !/^[A-Za-z0-9_-]+$/.test(bizNo))
    throw new FaceIdError('INVALID_EVENT', {
      param: 'bizNo',
      detail: 'bizNo allows letters, digits, _ and -',
    });
  return { bizNo };
}

/** A record as the query API answers it: its result notice once over, otherwise its state without result fields. */
function queryAnswer(record: VerificationRecord): QueryAnswer {
  if (isNoticeRecord(record)) return resultNotice(record);
  return {
    bizNo: record.bizNo,
    externalRef: record.externalRef ?? null,
    status: record.status === 'failed' ? 'failed' : 'in_progress',
    mode: record.mode,
    provider: record.provider,
    createdAt: record.createdAt,
  };
}

/**
 * Answers one query: 401 before anything is read without a right key, 429 past the key's budget, 400 for bad
 * parameters, 404 when no record matches, 409 when records of several owners match (a bizNo is each caller's own,
 * and anyone may send any reference: the business is never handed another person's record), else the newest.
 */
async function answerQuery(http: HttpEvent, services: Services): Promise<HttpAnswer> {
  if (http.httpMethod !== 'GET')
    return jsonAnswer(
      405,
      { error: { code: 'INVALID_EVENT', message: '只支持 GET 请求' } },
      { allow: 'GET' },
    );
  const keyHash = authorizedKey(http, services);
  await countRequest(keyHash, services);
  const reference = queriedReference(http.query);
  const records =
    'bizNo' in reference
      ? await services.store.listByBizNo(reference.bizNo, MATCHES_READ)
      : await services.store.listByExternalRef(reference.externalRef, MATCHES_READ);
  if (!records.length) throw new FaceIdError('NOT_FOUND', { param: Object.keys(reference)[0] });
  if (new Set(records.map((record) => record.openid)).size > 1)
    throw new FaceIdError('AMBIGUOUS', {
      param: Object.keys(reference)[0],
      detail: 'records of several owners match',
    });
  const answer = queryAnswer(records[0]);
  services.log.info({ fn: services.fn, event: 'answered', bizNo: answer.bizNo });
  return jsonAnswer(200, answer);
}

const servedOverHttp = jsonHttpHandler(answerQuery);

/**
 * The query API behind CloudBase HTTP access. Only calls without a user identity (HTTP access, the console) are
 * served: a user of the mini-program calling it through wx.cloud is refused before anything is read.
 */
export async function faceidResults(event: unknown, services: Services): Promise<HttpAnswer> {
  if (services.caller.kind !== 'operator')
    throw new FaceIdError('FORBIDDEN', { detail: 'the query API serves the business backend only' });
  return servedOverHttp(event, services);
}
