import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ListOptions, VerificationRecord, VerificationStore } from './types';

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/**
 * The embedded store for local runs and tests: records in memory, optionally persisted to a JSON file after
 * each write (write to a temporary file, then rename, so a crash never leaves half a file).
 */
export class EmbeddedStore implements VerificationStore {
  private readonly records = new Map<string, VerificationRecord>();

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

  async getByBizToken(bizToken: string): Promise<VerificationRecord | undefined> {
    for (const record of this.records.values()) if (record.bizToken === bizToken) return clone(record);
    return undefined;
  }

  async update(id: string, patch: Partial<Omit<VerificationRecord, '_id'>>): Promise<void> {
    const current = this.records.get(id);
    if (!current) return;
    this.records.set(id, { ...current, ...clone(patch), _id: id });
    this.persist();
  }

  async listByOpenid(openid: string, { limit, skip }: ListOptions): Promise<VerificationRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.openid === openid)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(skip, skip + limit)
      .map(clone);
  }

  async deleteCreatedBefore(time: number): Promise<number> {
    let removed = 0;
    for (const [id, record] of this.records) {
      if (record.createdAt < time) {
        this.records.delete(id);
        removed++;
      }
    }
    if (removed) this.persist();
    return removed;
  }
}
