/** An in-memory stand-in of the CloudBase database query API (wx-server-sdk / @cloudbase/node-sdk), for tests. */
import type { CloudCollection, CloudDatabase, CloudQuery } from '../../server/store/cloudbase';

type Doc = Record<string, unknown>;
interface LessThan {
  $lt: number;
}
interface Increment {
  $inc: number;
}

const isLessThan = (v: unknown): v is LessThan => typeof v === 'object' && v !== null && '$lt' in v;
const isIncrement = (v: unknown): v is Increment => typeof v === 'object' && v !== null && '$inc' in v;

function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, want]) =>
    isLessThan(want) ? (doc[key] as number) < want.$lt : doc[key] === want,
  );
}

export class FakeCloudDatabase implements CloudDatabase {
  readonly collections = new Map<string, Map<string, Doc>>();
  readonly command = {
    lt: (value: number): LessThan => ({ $lt: value }),
    inc: (value: number): Increment => ({ $inc: value }),
  };

  collection(name: string): CloudCollection {
    if (!this.collections.has(name)) this.collections.set(name, new Map());
    const docs = this.collections.get(name)!;
    const query = (filter: Doc, order?: [string, 'asc' | 'desc'], skip = 0, limit = 20): CloudQuery => ({
      where: (f) => query({ ...filter, ...f }, order, skip, limit),
      orderBy: (field, dir) => query(filter, [field, dir], skip, limit),
      skip: (n) => query(filter, order, n, limit),
      limit: (n) => query(filter, order, skip, Math.min(n, 100)),
      async get() {
        let rows = [...docs.values()].filter((d) => matches(d, filter));
        if (order) {
          const [field, dir] = order;
          rows.sort((a, b) => ((a[field] as number) - (b[field] as number)) * (dir === 'asc' ? 1 : -1));
        }
        rows = rows.slice(skip, skip + limit);
        return { data: rows.map((d) => JSON.parse(JSON.stringify(d)) as Doc) };
      },
      async remove() {
        let removed = 0;
        for (const [id, d] of docs) if (matches(d, filter)) removed += Number(docs.delete(id));
        return { stats: { removed } };
      },
    });
    return {
      ...query({}),
      async add({ data }) {
        const id = (data._id as string) ?? Math.random().toString(36).slice(2);
        if (docs.has(id))
          throw Object.assign(new Error('collection.add:fail -502001 duplicate key'), { errCode: -502001 });
        docs.set(id, JSON.parse(JSON.stringify({ ...data, _id: id })) as Doc);
        return { _id: id };
      },
      doc(id: string) {
        return {
          async update({ data }) {
            const current = docs.get(id);
            if (!current) return { stats: { updated: 0 } };
            const next: Doc = { ...current };
            for (const [key, value] of Object.entries(data)) {
              if (isIncrement(value)) next[key] = ((current[key] as number) ?? 0) + value.$inc;
              else if (value !== undefined) next[key] = JSON.parse(JSON.stringify(value));
            }
            docs.set(id, next);
            return { stats: { updated: 1 } };
          },
          async remove() {
            return { stats: { removed: Number(docs.delete(id)) } };
          },
        };
      },
    };
  }
}

/** The same fake database answering in @cloudbase/node-sdk's shapes (`add(data)`, `{ deleted }`, `{ updated }`). */
export function nodeSdkShapedDatabase(fake: FakeCloudDatabase) {
  const wrap = (q: ReturnType<FakeCloudDatabase['collection']>): never =>
    ({
      where: (f: Record<string, unknown>) => wrap(q.where(f) as never),
      orderBy: (f: string, o: 'asc' | 'desc') => wrap(q.orderBy(f, o) as never),
      skip: (n: number) => wrap(q.skip(n) as never),
      limit: (n: number) => wrap(q.limit(n) as never),
      get: () => q.get(),
      remove: async () => ({ deleted: (await q.remove()).stats.removed }),
    }) as never;
  return {
    command: fake.command,
    collection: (name: string) => {
      const c = fake.collection(name);
      return Object.assign(wrap(c), {
        add: async (data: Record<string, unknown>) => ({ id: (await c.add({ data }))._id }),
        doc: (id: string) => ({
          update: async (data: Record<string, unknown>) => ({
            updated: (await c.doc(id).update({ data })).stats.updated,
          }),
          remove: async () => ({ deleted: String((await c.doc(id).remove()).stats.removed) }),
        }),
      });
    },
  };
}
