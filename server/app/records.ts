import { FaceIdError } from '../../miniprogram/domain/errors';
import type { ListVerificationsOk, VerificationSummaryItem } from '../../miniprogram/domain/events';
import type { Services } from '../runtime';
import type { VerificationRecord } from '../store/types';
import { eventObject, optionalString, own, requiredString } from './input';
import { canRead } from './get-result';

function intField(
  obj: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const value = own(obj, key);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaceIdError('INVALID_EVENT', {
      param: key,
      detail: `${key} must be an integer in ${min}..${max}`,
    });
  }
  return value;
}

/** A record as "my verifications" shows it: masked fields only, nothing from the images. */
export function summarizeRecord(record: VerificationRecord): VerificationSummaryItem {
  return {
    bizNo: record.bizNo,
    bizToken: record.bizToken,
    mode: record.mode,
    provider: record.provider,
    status: record.status,
    outcome: record.outcome,
    resultCode: record.resultCode,
    title: record.result?.title,
    maskedName: record.maskedName,
    maskedIdNumber: record.maskedIdNumber,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
  };
}

/**
 * The caller's own verifications, newest first, paged. The console (no openid) may name a user with `openid`,
 * or list everyone's.
 */
export async function listVerifications(
  event: unknown,
  { caller, store }: Services,
): Promise<ListVerificationsOk> {
  const obj = eventObject(event);
  const page = intField(obj, 'page', 0, 10_000, 0);
  const pageSize = intField(obj, 'pageSize', 1, 50, 20);
  const named = optionalString(obj, 'openid', 128);
  if (named !== undefined && caller.openid !== null) {
    throw new FaceIdError('FORBIDDEN', { param: 'openid', detail: 'only the console may name another user' });
  }
  const options = { skip: page * pageSize, limit: pageSize + 1 };
  const openid = caller.openid ?? named;
  const rows = openid ? await store.listByOpenid(openid, options) : await store.listRecent(options);
  return {
    ok: true,
    items: rows.slice(0, pageSize).map(summarizeRecord),
    page,
    pageSize,
    hasMore: rows.length > pageSize,
  };
}

/** Deletes one of the caller's verifications and its stored evidence images. */
export async function deleteVerification(
  event: unknown,
  services: Services,
): Promise<{ ok: true; deleted: boolean }> {
  const { caller, store, files, log } = services;
  const bizNo = requiredString(eventObject(event), 'bizNo', 64);
  const record = await store.getById(bizNo);
  if (!record || !canRead(caller, record)) throw new FaceIdError('NOT_FOUND', { param: 'bizNo' });
  if (record.imageFileIDs?.length) await files.deleteFile({ fileList: record.imageFileIDs });
  const deleted = await store.delete(bizNo);
  log.info({ fn: 'deleteVerification', event: 'deleted', bizNo });
  return { ok: true, deleted };
}

/** FACEID_RETENTION_DAYS as a whole number of days (default 30). */
export function retentionDays(env: Services['env']): number {
  const raw = env.FACEID_RETENTION_DAYS?.trim();
  if (!raw) return 30;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new FaceIdError('CONFIG_INVALID', {
      param: 'FACEID_RETENTION_DAYS',
      detail: 'FACEID_RETENTION_DAYS must be 1..3650',
    });
  }
  return days;
}

/**
 * Deletes records (and their stored images) created more than FACEID_RETENTION_DAYS ago. Run by a timer
 * trigger; a WeChat user cannot run it.
 */
export async function purgeVerifications(
  _event: unknown,
  services: Services,
): Promise<{ ok: true; deleted: number; before: number }> {
  const { caller, store, files, now, env, log } = services;
  if (caller.openid !== null)
    throw new FaceIdError('FORBIDDEN', { detail: 'purge runs from its timer or the console' });
  const before = now() - retentionDays(env) * 24 * 60 * 60 * 1000;
  let deleted = 0;
  for (;;) {
    const batch = await store.listCreatedBefore(before, 100);
    if (batch.length === 0) break;
    const images = batch.flatMap((r) => r.imageFileIDs ?? []);
    if (images.length) await files.deleteFile({ fileList: images });
    for (const record of batch) if (await store.delete(record._id)) deleted++;
  }
  log.info({ fn: 'purgeVerifications', event: 'purged', attempt: deleted });
  return { ok: true, deleted, before };
}
