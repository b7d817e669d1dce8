import { FaceIdError } from '../errors';
import type { ListVerificationsOk, VerificationSummaryItem } from '../../miniprogram/shared/events';
import type { Services } from '../runtime';
import type { VerificationRecord, VerificationStore } from '../store/types';
import { eventObject, optionalString, own, requiredString } from './input';
import { declaredTimeoutMs, readConfig, type Env } from '../config';
import { deadTokens, deleteRecord, settle, shownStatus, staleRequests } from '../lifecycle';
import { canRead, refreshResult } from './get-result';
import { ownerOf } from '../caller';
import { deleteInBatches } from '../files';

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

/** A record as "my verifications" shows it: its state, masked fields only, nothing from the images. */
function summarizeRecord(record: VerificationRecord, at: number): VerificationSummaryItem {
  const item: VerificationSummaryItem = {
    bizNo: record.bizNo,
    mode: record.mode,
    provider: record.provider,
    status: shownStatus(record, at),
    maskedName: record.maskedName,
    maskedIdNumber: record.maskedIdNumber,
    createdAt: record.createdAt,
  };
  switch (record.status) {
    case 'requesting':
      break;
    case 'failed':
    case 'unconfirmed':
      item.errorCode = record.errorCode;
      item.finishedAt = record.endedAt;
      break;
    case 'issued':
      item.bizToken = record.bizToken;
      item.expiresAt = record.expiresAt;
      item.leftAt = record.leftAt;
      if (item.status === 'expired') {
        item.outcome = 'expired';
      } else if (record.client.kind === 'component') {
        item.resumeToken = record.client.token;
      }
      break;
    case 'expired':
      item.bizToken = record.bizToken;
      item.expiresAt = record.expiresAt;
      item.leftAt = record.leftAt;
      item.outcome = 'expired';
      item.finishedAt = record.endedAt;
      break;
    case 'finished':
    case 'cancelled':
      item.bizToken = record.bizToken;
      item.leftAt = record.leftAt;
      item.outcome = record.result.outcome;
      item.resultCode = record.result.resultCode;
      item.resultMessage = record.result.resultMessage;
      item.finishedAt = record.endedAt;
      break;
  }
  return item;
}

/** Settles a record left live (see the lifecycle's settle), then deletes the files of a stopped token request. */
export async function settleOne(record: VerificationRecord, services: Services): Promise<VerificationRecord> {
  const after = await settle(record, services, (r) => refreshResult(r, services));
  if (record.status === 'requesting' && after.status !== 'requesting') await removeFiles(record, services);
  return after;
}

/** Cloud-storage files a record keeps: reference photos not yet deleted, evidence images. */
function filesOf(record: VerificationRecord): string[] {
  return [
    ...(record.photoFileIDs ?? []),
    ...(record.status === 'finished' ? (record.imageFileIDs ?? []) : []),
  ];
}

/** Deletes a record's files in cloud storage, and the registrations of its photos. */
async function removeFiles(record: VerificationRecord, { files, photos }: Services): Promise<void> {
  const fileList = filesOf(record);
  if (fileList.length) await files.deleteFile({ fileList });
  if (record.photoFileIDs?.length) await photos.forget(record.photoFileIDs);
}

/**
 * The caller's own verifications, newest first, paged. The console (no openid) may name a user with `openid`,
 * or list everyone's.
 */
export async function listVerifications(event: unknown, services: Services): Promise<ListVerificationsOk> {
  const { caller, store } = services;
  const obj = eventObject(event);
  const page = intField(obj, 'page', 0, 10_000, 0);
  const pageSize = intField(obj, 'pageSize', 1, 50, 20);
  const named = optionalString(obj, 'openid', 128);
  if (named !== undefined && caller.kind !== 'operator') {
    throw new FaceIdError('FORBIDDEN', { param: 'openid', detail: 'only the console may name another user' });
  }
  const options = { skip: page * pageSize, limit: pageSize + 1 };
  const openid = caller.kind === 'user' ? caller.openid : named;
  const rows = openid ? await store.listByOpenid(openid, options) : await store.listRecent(options);
  const shown = await Promise.all(rows.slice(0, pageSize).map((row) => settleOne(row, services)));
  const at = services.now();
  return {
    ok: true,
    items: shown.map((record) => summarizeRecord(record, at)),
    page,
    pageSize,
    hasMore: rows.length > pageSize,
  };
}

/**
 * Deletes one of the caller's verifications (by its own bizNo) with its files (reference photos, evidence
 * images); never one whose token is being bought. The console addresses a record by `bizNo` and `openid`.
 */
export async function deleteVerification(
  event: unknown,
  services: Services,
): Promise<{ ok: true; deleted: boolean }> {
  const { caller, store, log } = services;
  const obj = eventObject(event);
  const bizNo = requiredString(obj, 'bizNo', 64);
  const named = optionalString(obj, 'openid', 128);
  if (named !== undefined && caller.kind !== 'operator') {
    throw new FaceIdError('FORBIDDEN', { param: 'openid', detail: 'only the console may name another user' });
  }
  const record = await store.getByBizNo(ownerOf(caller) ?? named ?? null, bizNo);
  if (!record || !canRead(caller, record)) throw new FaceIdError('NOT_FOUND', { param: 'bizNo' });
  const deleted = await deleteRecord(record, services);
  if (deleted) await removeFiles(deleted, services);
  log.info({ fn: services.fn, event: 'deleted', bizNo });
  return { ok: true, deleted: deleted !== undefined };
}

/** FACEID_RETENTION_DAYS of an environment (the operator's deploy checks run the functions' own reading). */
export function retentionDays(env: Env): number {
  return readConfig(env).FACEID_RETENTION_DAYS;
}

/** What one purge did. */
interface PurgeReport {
  /** Records deleted (older than the retention). */
  deleted: number;
  /** Records moved out of a live state (expired, failed, or finished by a last read). */
  settled: number;
  /** Rate-limit counters of ended windows deleted. */
  counters: number;
  /** Registered reference photos past their end deleted (whatever path they took). */
  photos: number;
  /** The cut-off: records created before it were deleted. */
  before: number;
}

const PURGE_BATCH = 100;

/**
 * Deletes records created before `before`, with their files, a batch at a time while `goOn()` holds; stops when
 * a round deletes nothing. The one deletion routine of the daily timer and of the ops CLI.
 */
export async function deleteCreatedBefore(
  store: VerificationStore,
  deleteFiles: (fileList: string[]) => Promise<unknown> | void,
  before: number,
  goOn: () => boolean,
): Promise<{ records: number; files: number }> {
  let records = 0;
  let removedFiles = 0;
  while (goOn()) {
    const batch = await store.listCreatedBefore(before, PURGE_BATCH);
    const fileList = batch.flatMap(filesOf);
    await deleteInBatches(({ fileList: part }) => deleteFiles(part), fileList);
    removedFiles += fileList.length;
    let round = 0;
    for (const record of batch) if (await store.delete(record._id)) round++;
    records += round;
    if (round === 0) break;
  }
  return { records, files: removedFiles };
}

/**
 * Settles records left in a live state, deletes records created more than FACEID_RETENTION_DAYS ago with their
 * files, and deletes ended rate-limit counters. Stops when a round deletes nothing, or at `deadline`.
 */
async function purge(services: Services, deadline: number): Promise<PurgeReport> {
  const { store, now, config } = services;
  const at = now();
  const before = at - config.FACEID_RETENTION_DAYS * 24 * 60 * 60 * 1000;
  let settled = 0;
  const unsettled = await store.listUnsettled(deadTokens(at), staleRequests(at), PURGE_BATCH);
  for (const record of unsettled) {
    if (now() >= deadline) break;
    const after = await settleOne(record, services);
    if (after.status !== record.status) settled++;
  }
  const { records: deleted } = await deleteCreatedBefore(
    store,
    (fileList) => services.files.deleteFile({ fileList }),
    before,
    () => now() < deadline,
  );
  const photos = await deleteEndedPhotos(services, at, () => now() < deadline);
  const counters = await store.purgeCounters(at);
  return { deleted, settled, counters, photos, before };
}

/**
 * Deletes every registered reference photo whose end is before `at`, with its file, a batch at a time while
 * `goOn()` holds: the photos no record lists (a refused or abandoned request, a replaced photo) end here too.
 */
async function deleteEndedPhotos(
  { photos, files }: Services,
  at: number,
  goOn: () => boolean,
): Promise<number> {
  let deleted = 0;
  while (goOn()) {
    const ended = await photos.listEnded(at, PURGE_BATCH);
    if (ended.length === 0) break;
    await files.deleteFile({ fileList: ended.map((upload) => upload.fileID) });
    const round = await photos.remove(ended.map((upload) => upload._id));
    deleted += round;
    if (round === 0) break;
  }
  return deleted;
}

/**
 * The daily timer's purge (see purge), stopping well before the function's own time-out. A WeChat user cannot
 * run it.
 */
export async function purgeVerifications(
  _event: unknown,
  services: Services,
): Promise<{ ok: true } & PurgeReport> {
  const { caller, now, log } = services;
  if (caller.kind !== 'operator')
    throw new FaceIdError('FORBIDDEN', { detail: 'purge runs from its timer or the console' });
  const report = await purge(services, now() + declaredTimeoutMs(services.fn) - 5000);
  log.info({ fn: services.fn, event: 'purged', attempt: report.deleted });
  return { ok: true, ...report };
}
