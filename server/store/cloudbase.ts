import { type ErrorCode } from '../../miniprogram/shared/errors';
import { FaceIdError } from '../errors';
import type { Delivery, DeliveryState } from '../lifecycle/states';
import {
  COUNTERS_COLLECTION,
  VERIFICATIONS_COLLECTION,
  hasToken,
  type AttemptFields,
  type ClaimRequest,
  type Ending,
  type IssuedRecord,
  type ListOptions,
  type ReadClaim,
  type RequestingRecord,
  type RetryableRecord,
  type StoredResult,
  type TimeRule,
  type TokenFields,
  type TokenRecord,
  type VerificationRecord,
  type VerificationStore,
} from './types';
import { deadTokens, recordId } from '../lifecycle/states';

/** The part of wx-server-sdk's database API this store uses. */
export interface CloudDatabase {
  collection(name: string): CloudCollection;
  command: {
    lt(value: number): unknown;
    neq(value: unknown): unknown;
    in(values: unknown[]): unknown;
    exists(value: boolean): unknown;
    inc(value: number): unknown;
    set(value: unknown): unknown;
    remove(): unknown;
  };
}

interface CloudQuery {
  where(filter: Record<string, unknown>): CloudQuery;
  orderBy(field: string, order: 'asc' | 'desc'): CloudQuery;
  skip(n: number): CloudQuery;
  limit(n: number): CloudQuery;
  get(): Promise<{ data: Record<string, unknown>[] }>;
  update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

interface CloudCollection extends CloudQuery {
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

  /** The filter of a time rule (the rules themselves live in the lifecycle's states). */
  private rule(rule: TimeRule<'requestedAt' | 'expiresAt'>): Record<string, unknown> {
    return { [rule.field]: this._.lt(rule.before) };
  }

  /** The filter of an `issued` record's attempt and token: a re-created record or a new attempt never matches. */
  private issuedAs(record: IssuedRecord): Record<string, unknown> {
    return { _id: record._id, status: 'issued', attempt: record.attempt, bizToken: record.bizToken };
  }

  async retry(
    record: RetryableRecord | RequestingRecord,
    attempt: AttemptFields,
    at: number,
    stale: TimeRule<'requestedAt'>,
  ): Promise<RequestingRecord | undefined> {
    const filter: Record<string, unknown> = {
      _id: record._id,
      status: record.status,
      attempt: record.attempt,
      ...(record.status === 'requesting' ? this.rule(stale) : {}),
    };
    const next: RequestingRecord = {
      _id: record._id,
      openid: record.openid,
      bizNo: record.bizNo,
      createdAt: record.createdAt,
      mode: attempt.mode,
      provider: attempt.provider,
      consentVersion: attempt.consentVersion,
      consentedAt: attempt.consentedAt,
      maskedName: attempt.maskedName,
      maskedIdNumber: attempt.maskedIdNumber,
      photoFileIDs: attempt.photoFileIDs,
      externalRef: attempt.externalRef,
      attempt: record.attempt + 1,
      status: 'requesting',
      requestedAt: at,
    };
    const { _id: _unchanged, ...fields } = next;
    // Every field of the attempt is the new one's (what it lacks, the record no longer has).
    const won = await this.transition(filter, {
      ...fields,
      errorCode: undefined,
      endedAt: undefined,
      delivery: undefined,
    });
    return won ? next : undefined;
  }

  issue(record: RequestingRecord, token: TokenFields, claim: ReadClaim): Promise<boolean> {
    return this.transition(
      { _id: record._id, status: 'requesting', attempt: record.attempt },
      { status: 'issued', ...token, ...claim, requestedAt: undefined },
    );
  }

  fail(record: RequestingRecord, errorCode: ErrorCode, at: number): Promise<boolean> {
    return this.transition(
      { _id: record._id, status: 'requesting', attempt: record.attempt },
      { status: 'failed', errorCode, endedAt: at, requestedAt: undefined },
    );
  }

  unconfirm(
    record: RequestingRecord,
    errorCode: ErrorCode,
    at: number,
    delivery?: Delivery,
  ): Promise<boolean> {
    return this.transition(
      { _id: record._id, status: 'requesting', attempt: record.attempt },
      { status: 'unconfirmed', errorCode, endedAt: at, requestedAt: undefined, delivery },
    );
  }

  /** The fields of an `issued` record's read claim, removed when it ends. */
  private static readonly CLAIM_GONE = {
    readingUntil: undefined,
    readStartedAt: undefined,
    notifyReadAt: undefined,
    lastResult: undefined,
    lastReadAt: undefined,
    resultCalls: undefined,
  };

  finish(record: IssuedRecord, ending: Ending): Promise<boolean> {
    return this.transition(this.issuedAs(record), { ...ending, ...CloudBaseStore.CLAIM_GONE });
  }

  leave(record: IssuedRecord, at: number): Promise<boolean> {
    return this.transition(this.issuedAs(record), { leftAt: at });
  }

  expire(record: IssuedRecord, at: number, delivery?: Delivery): Promise<boolean> {
    return this.transition(
      { ...this.issuedAs(record), ...this.rule(deadTokens(at)) },
      { status: 'expired', endedAt: at, delivery, ...CloudBaseStore.CLAIM_GONE },
    );
  }

  async claimDelivery(record: VerificationRecord, at: number, claimedUntil: number): Promise<boolean> {
    if (!record.delivery) return false;
    const { stats } = await this.collection
      .where({
        _id: record._id,
        attempt: record.attempt,
        delivery: {
          id: record.delivery.id,
          state: 'pending',
          due: this._.lt(at + 1),
          claimedUntil: this._.lt(at),
        },
      })
      .update({ data: { delivery: { claimedUntil } } });
    return stats.updated > 0;
  }

  endSend(record: VerificationRecord, claimedUntil: number, delivery: Delivery): Promise<boolean> {
    return this.transition(
      { _id: record._id, attempt: record.attempt, delivery: { id: delivery.id, claimedUntil } },
      { delivery: defined(delivery) },
    );
  }

  requeueDelivery(record: VerificationRecord, delivery: Delivery): Promise<boolean> {
    return this.transition(
      { _id: record._id, status: record.status, attempt: record.attempt },
      { delivery: defined(delivery) },
    );
  }

  async listDueDeliveries(at: number, limit: number): Promise<VerificationRecord[]> {
    const { data } = await this.collection
      .where({ 'delivery.state': 'pending', 'delivery.due': this._.lt(at + 1) })
      .orderBy('delivery.due', 'asc')
      .limit(limit)
      .get();
    return data as unknown as VerificationRecord[];
  }

  async listDeliveries(state: DeliveryState, limit: number): Promise<VerificationRecord[]> {
    const { data } = await this.collection
      .where({ 'delivery.state': state })
      .orderBy('delivery.due', 'asc')
      .limit(limit)
      .get();
    return data as unknown as VerificationRecord[];
  }

  async listUnread(readBefore: number, createdBefore: number, limit: number): Promise<IssuedRecord[]> {
    const { data } = await this.collection
      .where({ status: 'issued', lastReadAt: this._.lt(readBefore), createdAt: this._.lt(createdBefore) })
      .orderBy('lastReadAt', 'asc')
      .limit(limit)
      .get();
    return data as unknown as IssuedRecord[];
  }

  async claimRead(record: IssuedRecord, claim: ClaimRequest): Promise<boolean> {
    const filter: Record<string, unknown> = { ...this.issuedAs(record), readingUntil: this._.lt(claim.at) };
    const data: Record<string, unknown> = { readingUntil: claim.at + claim.holdMs, readStartedAt: claim.at };
    if (claim.lastReadBefore !== undefined) filter.lastReadAt = this._.lt(claim.lastReadBefore);
    if (claim.notifiedBefore !== undefined) {
      filter.notifyReadAt = this._.lt(claim.notifiedBefore);
      data.notifyReadAt = claim.at;
    }
    if (claim.budget) {
      const { day, allowed } = claim.budget;
      if (record.resultCalls?.day === day) {
        filter.resultCalls = { day, count: this._.lt(allowed) };
        data.resultCalls = { count: this._.inc(1) };
      } else {
        filter.resultCalls = { day: this._.neq(day) };
        data.resultCalls = this._.set({ day, count: 1 });
      }
    }
    const { stats } = await this.collection.where(filter).update({ data });
    return stats.updated > 0;
  }

  async openClaim(record: IssuedRecord): Promise<void> {
    await this.transition(
      { ...this.issuedAs(record), notifyReadAt: this._.exists(false) },
      { readingUntil: 0, readStartedAt: 0, notifyReadAt: 0, lastReadAt: record.lastReadAt ?? 0 },
    );
  }

  async releaseRead(record: IssuedRecord, result: StoredResult | undefined, readAt: number): Promise<void> {
    await this.transition(this.issuedAs(record), { lastResult: result, lastReadAt: readAt, readingUntil: 0 });
  }

  async forgetPhotos(record: VerificationRecord): Promise<void> {
    await this.collection
      .where({ _id: record._id, attempt: record.attempt })
      .update({ data: { photoFileIDs: this._.remove() } });
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

  getByBizNo(openid: string | null, bizNo: string): Promise<VerificationRecord | undefined> {
    return this.first({ _id: recordId(openid, bizNo) });
  }

  async listByBizNo(bizNo: string, limit: number): Promise<VerificationRecord[]> {
    const { data } = await this.collection.where({ bizNo }).orderBy('createdAt', 'desc').limit(limit).get();
    return data as unknown as VerificationRecord[];
  }

  async listByExternalRef(externalRef: string, limit: number): Promise<VerificationRecord[]> {
    const { data } = await this.collection
      .where({ externalRef })
      .orderBy('createdAt', 'desc')
      .limit(limit)
      .get();
    return data as unknown as VerificationRecord[];
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

  async listUnsettled(
    dead: TimeRule<'expiresAt'>,
    stale: TimeRule<'requestedAt'>,
    limit: number,
  ): Promise<VerificationRecord[]> {
    const [deadTokens, staleRequests] = await Promise.all([
      this.collection
        .where({ status: 'issued', ...this.rule(dead) })
        .limit(limit)
        .get(),
      this.collection
        .where({ status: 'requesting', ...this.rule(stale) })
        .limit(limit)
        .get(),
    ]);
    return [...deadTokens.data, ...staleRequests.data] as unknown as VerificationRecord[];
  }

  async delete(id: string): Promise<boolean> {
    const { stats } = await this.collection.doc(id).remove();
    return stats.removed > 0;
  }

  async deleteAsRead(record: VerificationRecord): Promise<boolean> {
    const filter: Record<string, unknown> = {
      _id: record._id,
      status: record.status,
      attempt: record.attempt,
    };
    if (hasToken(record)) filter.bizToken = record.bizToken;
    const { stats } = await this.collection.where(filter).remove();
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
