import { type ErrorCode } from '../../miniprogram/shared/errors';
import { FaceIdError } from '../errors';
import {
  COUNTERS_COLLECTION,
  VERIFICATIONS_COLLECTION,
  hasToken,
  type Ending,
  type FailedRecord,
  type IssuedRecord,
  type ListOptions,
  type RequestingRecord,
  type StoredResult,
  type TokenFields,
  type TokenRecord,
  type VerificationRecord,
  type VerificationStore,
} from './types';

/** The part of wx-server-sdk's database API this store uses. */
export interface CloudDatabase {
  collection(name: string): CloudCollection;
  command: {
    lt(value: number): unknown;
    neq(value: unknown): unknown;
    inc(value: number): unknown;
    set(value: unknown): unknown;
    remove(): unknown;
  };
}

export interface CloudQuery {
  where(filter: Record<string, unknown>): CloudQuery;
  orderBy(field: string, order: 'asc' | 'desc'): CloudQuery;
  skip(n: number): CloudQuery;
  limit(n: number): CloudQuery;
  get(): Promise<{ data: Record<string, unknown>[] }>;
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface CloudCollection extends CloudQuery {
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string }>;
  doc(id: string): {
    update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
    remove(): Promise<{ stats: { removed: number } }>;
  };
}

/** CloudBase's answer to an insert whose `_id` exists (MongoDB's E11000); any other failure is not a duplicate. */
export function isDuplicateKey(err: unknown): boolean {
  const text = String(
    (err as { errMsg?: string; message?: string } | undefined)?.errMsg ??
      (err as Error | undefined)?.message ??
      err,
  );
  return /E11000|duplicate key/i.test(text);
}

/** A record's fields without the undefined ones (the SDK refuses undefined values). */
function defined(fields: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** Verification records in the CloudBase collection `faceid_verifications`. */
export class CloudBaseStore implements VerificationStore {
  constructor(private readonly db: CloudDatabase) {}

  private get collection(): CloudCollection {
    return this.db.collection(VERIFICATIONS_COLLECTION);
  }

  private get _() {
    return this.db.command;
  }

  /**
   * An update's data: objects replace what is stored (`set`, never a merge of dot paths) and undefined values
   * remove the field.
   */
  private changes(fields: Record<string, unknown>): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) data[key] = this._.remove();
      else if (value !== null && typeof value === 'object') data[key] = this._.set(value);
      else data[key] = value;
    }
    return data;
  }

  /** Compare-and-set: applies the change only where the filter still matches; resolves whether it did. */
  private async transition(
    filter: Record<string, unknown>,
    fields: Record<string, unknown>,
  ): Promise<boolean> {
    const { stats } = await this.collection.where(filter).update({ data: this.changes(fields) });
    return stats.updated > 0;
  }

  async begin(record: RequestingRecord): Promise<boolean> {
    try {
      await this.collection.add({ data: defined(record) });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw new FaceIdError('SERVICE_BUSY', { detail: 'the record could not be written' });
    }
  }

  async retry(
    record: FailedRecord | RequestingRecord,
    at: number,
    staleBefore: number,
  ): Promise<RequestingRecord | undefined> {
    const filter: Record<string, unknown> = {
      _id: record._id,
      status: record.status,
      attempt: record.attempt,
    };
    if (record.status === 'requesting') filter.requestedAt = this._.lt(staleBefore);
    const next: RequestingRecord = {
      _id: record._id,
      openid: record.openid,
      bizNo: record.bizNo,
      mode: record.mode,
      provider: record.provider,
      consentVersion: record.consentVersion,
      maskedName: record.maskedName,
      maskedIdNumber: record.maskedIdNumber,
      createdAt: record.createdAt,
      photoFileIDs: record.photoFileIDs,
      attempt: record.attempt + 1,
      status: 'requesting',
      requestedAt: at,
    };
    const won = await this.transition(filter, {
      status: 'requesting',
      attempt: next.attempt,
      requestedAt: at,
      errorCode: undefined,
      endedAt: undefined,
    });
    return won ? next : undefined;
  }

  issue(
    record: RequestingRecord,
    token: TokenFields,
    extra: Pick<IssuedRecord, 'resultCalls'>,
  ): Promise<boolean> {
    return this.transition(
      { _id: record._id, status: 'requesting', attempt: record.attempt },
      {
        status: 'issued',
        ...token,
        ...extra,
        requestedAt: undefined,
        readingUntil: extra.resultCalls ? 0 : undefined,
        lastReadAt: extra.resultCalls ? 0 : undefined,
      },
    );
  }

  fail(record: RequestingRecord, errorCode: ErrorCode, at: number): Promise<boolean> {
    return this.transition(
      { _id: record._id, status: 'requesting', attempt: record.attempt },
      { status: 'failed', errorCode, endedAt: at, requestedAt: undefined },
    );
  }

  finish(record: IssuedRecord, ending: Ending): Promise<boolean> {
    return this.transition(
      { _id: record._id, status: 'issued' },
      {
        ...ending,
        lastResult: undefined,
        lastReadAt: undefined,
        resultCalls: undefined,
        readingUntil: undefined,
      },
    );
  }

  expire(record: IssuedRecord, at: number): Promise<boolean> {
    return this.transition(
      { _id: record._id, status: 'issued', expiresAt: this._.lt(at) },
      {
        status: 'expired',
        endedAt: at,
        lastResult: undefined,
        lastReadAt: undefined,
        resultCalls: undefined,
        readingUntil: undefined,
      },
    );
  }

  async claimResultCall(
    record: IssuedRecord,
    day: string,
    perDay: number,
    at: number,
    holdMs: number,
    sharedBefore: number,
  ): Promise<boolean> {
    const free = {
      _id: record._id,
      status: 'issued',
      readingUntil: this._.lt(at),
      lastReadAt: this._.lt(sharedBefore),
    };
    const sameDay = record.resultCalls?.day === day;
    const { stats } = await this.collection
      .where(
        sameDay
          ? { ...free, resultCalls: { day, count: this._.lt(perDay) } }
          : { ...free, resultCalls: { day: this._.neq(day) } },
      )
      .update({
        data: sameDay
          ? { resultCalls: { count: this._.inc(1) }, readingUntil: at + holdMs }
          : { resultCalls: this._.set({ day, count: 1 }), readingUntil: at + holdMs },
      });
    return stats.updated > 0;
  }

  async keepLastResult(
    record: IssuedRecord,
    result: StoredResult | undefined,
    readAt: number | undefined,
  ): Promise<void> {
    await this.transition(
      { _id: record._id, status: 'issued' },
      { lastResult: result, lastReadAt: readAt ?? 0, readingUntil: 0 },
    );
  }

  async forgetPhotos(id: string): Promise<void> {
    await this.collection.doc(id).update({ data: { photoFileIDs: this._.remove() } });
  }

  private async first(filter: Record<string, unknown>): Promise<VerificationRecord | undefined> {
    // The SDK drops undefined values from a query, which would then match any record.
    if (Object.values(filter).some((value) => value === undefined)) return undefined;
    const { data } = await this.collection.where(filter).limit(1).get();
    return data[0] as unknown as VerificationRecord | undefined;
  }

  getById(id: string): Promise<VerificationRecord | undefined> {
    return this.first({ _id: id });
  }

  private async withToken(filter: Record<string, unknown>): Promise<TokenRecord | undefined> {
    const record = await this.first(filter);
    return record && hasToken(record) ? record : undefined;
  }

  getByBizToken(bizToken: string): Promise<TokenRecord | undefined> {
    return this.withToken({ bizToken });
  }

  getByResultRef(resultRef: string): Promise<TokenRecord | undefined> {
    return this.withToken({ resultRef });
  }

  async listByOpenid(openid: string, { limit, skip }: ListOptions): Promise<VerificationRecord[]> {
    const { data } = await this.collection
      .where({ openid })
      .orderBy('createdAt', 'desc')
      .skip(skip)
      .limit(limit)
      .get();
    return data as unknown as VerificationRecord[];
  }

  async listRecent({ limit, skip }: ListOptions): Promise<VerificationRecord[]> {
    const { data } = await this.collection.orderBy('createdAt', 'desc').skip(skip).limit(limit).get();
    return data as unknown as VerificationRecord[];
  }

  async listCreatedBefore(time: number, limit: number): Promise<VerificationRecord[]> {
    const { data } = await this.collection
      .where({ createdAt: this._.lt(time) })
      .orderBy('createdAt', 'asc')
      .limit(limit)
      .get();
    return data as unknown as VerificationRecord[];
  }

  async listUnsettled(now: number, staleBefore: number, limit: number): Promise<VerificationRecord[]> {
    const [dead, stale] = await Promise.all([
      this.collection
        .where({ status: 'issued', expiresAt: this._.lt(now) })
        .limit(limit)
        .get(),
      this.collection
        .where({ status: 'requesting', requestedAt: this._.lt(staleBefore) })
        .limit(limit)
        .get(),
    ]);
    return [...dead.data, ...stale.data] as unknown as VerificationRecord[];
  }

  async delete(id: string): Promise<boolean> {
    const { stats } = await this.collection.doc(id).remove();
    return stats.removed > 0;
  }

  async take(key: string, limit: number, now: number, windowMs: number): Promise<boolean> {
    const counters = this.db.collection(COUNTERS_COLLECTION);
    const window = Math.floor(now / windowMs);
    const id = `${key}@${window}`;
    const increment = async (): Promise<boolean> => {
      const { stats } = await counters
        .where({ _id: id, count: this._.lt(limit) })
        .update({ data: { count: this._.inc(1) } });
      return stats.updated > 0;
    };
    if (await increment()) return true;
    try {
      await counters.add({ data: { _id: id, key, count: 1, expiresAt: (window + 1) * windowMs } });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // Created by a concurrent request meanwhile, or full.
    return increment();
  }

  async giveBack(key: string, now: number, windowMs: number): Promise<void> {
    const id = `${key}@${Math.floor(now / windowMs)}`;
    await this.db
      .collection(COUNTERS_COLLECTION)
      .doc(id)
      .update({ data: { count: this._.inc(-1) } });
  }

  async purgeCounters(now: number): Promise<number> {
    const { stats } = await this.db
      .collection(COUNTERS_COLLECTION)
      .where({ expiresAt: this._.lt(now) })
      .remove();
    return stats.removed;
  }
}
