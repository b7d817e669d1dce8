import { FaceIdError } from '../../miniprogram/domain/errors';
import {
  COUNTERS_COLLECTION,
  VERIFICATIONS_COLLECTION,
  type ListOptions,
  type VerificationRecord,
  type VerificationStore,
} from './types';

/** The part of the wx-server-sdk database API this store uses. */
export interface CloudDatabase {
  collection(name: string): CloudCollection;
  command: {
    lt(value: number): unknown;
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
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface CloudCollection extends CloudQuery {
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string }>;
  doc(id: string): {
    update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }>;
    remove(): Promise<{ stats: { removed: number } }>;
  };
}

function isDuplicateKey(err: unknown): boolean {
  const text = String(
    (err as { errMsg?: string; message?: string })?.errMsg ?? (err as Error)?.message ?? err,
  );
  return /E11000|duplicate key/i.test(text);
}

/** Verification records in the CloudBase collection `faceid_verifications`. */
export class CloudBaseStore implements VerificationStore {
  constructor(private readonly db: CloudDatabase) {}

  private get collection(): CloudCollection {
    return this.db.collection(VERIFICATIONS_COLLECTION);
  }

  async create(record: VerificationRecord): Promise<boolean> {
    try {
      await this.collection.add({ data: { ...record } });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw new FaceIdError('SERVICE_BUSY', { detail: 'the record could not be written' });
    }
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

  getByBizToken(bizToken: string): Promise<VerificationRecord | undefined> {
    return this.first({ bizToken });
  }

  getByResultRef(resultRef: string): Promise<VerificationRecord | undefined> {
    return this.first({ resultRef });
  }

  async update(id: string, patch: Partial<Omit<VerificationRecord, '_id'>>): Promise<void> {
    // A plain object would be merged field by field ($set on dot paths): set() replaces it; remove() clears.
    const { command } = this.db;
    const data = Object.fromEntries(
      Object.entries(patch).map(([key, value]) => [
        key,
        value === undefined
          ? command.remove()
          : typeof value === 'object' && value !== null
            ? command.set(value)
            : value,
      ]),
    );
    await this.collection.doc(id).update({ data });
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
      .where({ createdAt: this.db.command.lt(time) })
      .orderBy('createdAt', 'asc')
      .limit(limit)
      .get();
    return data as unknown as VerificationRecord[];
  }

  async delete(id: string): Promise<boolean> {
    const { stats } = await this.collection.doc(id).remove();
    return stats.removed > 0;
  }

  async hit(key: string, now: number, windowMs: number): Promise<number> {
    const counters = this.db.collection(COUNTERS_COLLECTION);
    const window = Math.floor(now / windowMs);
    const id = `${key}@${window}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const { stats } = await counters.doc(id).update({ data: { count: this.db.command.inc(1) } });
      if (stats.updated > 0) {
        const { data } = await counters.where({ _id: id }).limit(1).get();
        return Number(data[0]?.count ?? 1);
      }
      try {
        await counters.add({ data: { _id: id, key, count: 1, expiresAt: (window + 1) * windowMs } });
        return 1;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error('rate-limit counter kept changing');
  }
}
