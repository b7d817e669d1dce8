import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ListOptions, VerificationRecord, VerificationStore } from './types';

const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

/**
 * The embedded store for local runs and tests: records in memory, optionally persisted to a JSON file after
 * each write (write to a temporary file, then rename, so a crash never leaves half a file).
 */
export class EmbeddedStore implements VerificationStore {
  private readonly records = new Map<string, VerificationRecord>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly file?: string) {
    if (file) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as { records?: VerificationRecord[] };
        for (const record of saved.records ?? []) this.records.set(record._id, record);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ records: [...this.records.values()] }));
    renameSync(tmp, this.file);
  }

  async create(record: VerificationRecord): Promise<boolean> {
    if (this.records.has(record._id)) return false;
    this.records.set(record._id, clone(record));
    this.persist();
    return true;
  }

  async getById(id: string): Promise<VerificationRecord | undefined> {
    return clone(this.records.get(id));
  }

  private find(match: (record: VerificationRecord) => boolean): VerificationRecord | undefined {
    for (const record of this.records.values()) if (match(record)) return clone(record);
    return undefined;
  }

  async getByBizToken(bizToken: string): Promise<VerificationRecord | undefined> {
    return this.find((r) => r.bizToken === bizToken);
  }

  async getByResultRef(resultRef: string): Promise<VerificationRecord | undefined> {
    return this.find((r) => r.resultRef === resultRef);
  }

  async update(id: string, patch: Partial<Omit<VerificationRecord, '_id'>>): Promise<void> {
    const current = this.records.get(id);
    if (!current) return;
    this.records.set(id, { ...current, ...clone(patch), _id: id });
    this.persist();
  }

  private newestFirst(
    filter: (r: VerificationRecord) => boolean,
    { limit, skip }: ListOptions,
  ): VerificationRecord[] {
    return [...this.records.values()]
      .filter(filter)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(skip, skip + limit)
      .map(clone);
  }

  async listByOpenid(openid: string, options: ListOptions): Promise<VerificationRecord[]> {
    return this.newestFirst((r) => r.openid === openid, options);
  }

  async listRecent(options: ListOptions): Promise<VerificationRecord[]> {
    return this.newestFirst(() => true, options);
  }

  async listCreatedBefore(time: number, limit: number): Promise<VerificationRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.createdAt < time)
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, limit)
      .map(clone);
  }

  async delete(id: string): Promise<boolean> {
    const existed = this.records.delete(id);
    if (existed) this.persist();
    return existed;
  }

  async hit(key: string, now: number, windowMs: number): Promise<number> {
    const window = Math.floor(now / windowMs);
    const id = `${key}@${window}`;
    const count = (this.counters.get(id) ?? 0) + 1;
    this.counters.set(id, count);
    for (const old of this.counters.keys())
      if (Number(old.split('@').pop()) < window) this.counters.delete(old);
    return count;
  }
}
