/**
 * The collections cloudbaserc.json declares are the ones the store uses, and every query the CloudBase store
 * sends is served by a declared index (or by `_id`).
 */
import { CloudBaseStore, type CloudDatabase } from '../../server/store/cloudbase';
import {
  COUNTERS_COLLECTION,
  VERIFICATIONS_COLLECTION,
  type VerificationRecord,
} from '../../server/store/types';
import { readManifest, type CollectionDeclaration } from '../../tools/functions-manifest';

interface Query {
  collection: string;
  where: string[];
  orderBy: string[];
}

/** A database that answers nothing and records the shape of every query (collection, filtered and sorted fields). */
function recordingDatabase(queries: Query[]): CloudDatabase {
  const query = (q: Query) => {
    const self = {
      where(filter: Record<string, unknown>) {
        return query({ ...q, where: [...q.where, ...Object.keys(filter)] });
      },
      orderBy(field: string) {
        return query({ ...q, orderBy: [...q.orderBy, field] });
      },
      skip: () => self,
      limit: () => self,
      async get() {
        queries.push(q);
        return { data: [] };
      },
      async remove() {
        queries.push(q);
        return { stats: { removed: 0 } };
      },
    };
    return self;
  };
  return {
    collection(name: string) {
      return {
        ...query({ collection: name, where: [], orderBy: [] }),
        add: async ({ data }: { data: Record<string, unknown> }) => ({ _id: String(data._id) }),
        doc: () => ({
          update: async () => ({ stats: { updated: 0 } }),
          remove: async () => ({ stats: { removed: 0 } }),
        }),
      };
    },
    command: { lt: (value: number) => ({ $lt: value }), inc: (value: number) => ({ $inc: value }) },
  } as unknown as CloudDatabase;
}

const manifest = readManifest();

/** The queries no index serves: equality fields first (any order), then the sort field, as an index prefix. */
function uncovered(queries: Query[], collections: CollectionDeclaration[]): Query[] {
  return queries.filter((q) => {
    const fields = [...q.where, ...q.orderBy.filter((f) => !q.where.includes(f))];
    if (fields.length === 0 || (fields.length === 1 && fields[0] === '_id')) return false;
    const indexes = collections.find((c) => c.name === q.collection)?.indexes ?? [];
    return !indexes.some((index) => {
      const prefix = Object.keys(index.keys).slice(0, fields.length);
      return (
        q.where.every((f) => prefix.slice(0, q.where.length).includes(f)) &&
        prefix.slice(q.where.length).join() === fields.slice(q.where.length).join()
      );
    });
  });
}
const record: VerificationRecord = {
  _id: 'biz-1',
  openid: 'o-1',
  bizNo: 'biz-1',
  mode: 'idcard',
  provider: 'fidlite',
  status: 'requesting',
  createdAt: 1,
};

/** Every method of the store, called once. */
const CALLS: Record<string, (store: CloudBaseStore) => Promise<unknown>> = {
  create: (s) => s.create(record),
  getById: (s) => s.getById('biz-1'),
  getByBizToken: (s) => s.getByBizToken('token-1'),
  getByResultRef: (s) => s.getByResultRef('ref-1'),
  update: (s) => s.update('biz-1', { status: 'issued' }),
  listByOpenid: (s) => s.listByOpenid('o-1', { limit: 20, skip: 0 }),
  listRecent: (s) => s.listRecent({ limit: 20, skip: 0 }),
  listCreatedBefore: (s) => s.listCreatedBefore(100, 50),
  delete: (s) => s.delete('biz-1'),
  hit: (s) => s.hit('token:o-1', 1000, 600_000),
};

describe('the database cloudbaserc.json declares', () => {
  it("is the store's two collections, readable and writable only by cloud functions", () => {
    expect(manifest.collections.map((c) => [c.name, c.acl])).toEqual([
      [VERIFICATIONS_COLLECTION, 'ADMINONLY'],
      [COUNTERS_COLLECTION, 'ADMINONLY'],
    ]);
  });

  it('has an index for every query the CloudBase store sends', async () => {
    const methods = Object.getOwnPropertyNames(CloudBaseStore.prototype).filter((m) => m !== 'constructor');
    const called = Object.keys(CALLS);
    expect(
      methods.filter((m) => !m.startsWith('first') && !called.includes(m) && m !== 'collection'),
    ).toEqual([]);

    const queries: Query[] = [];
    const store = new CloudBaseStore(recordingDatabase(queries));
    for (const call of Object.values(CALLS)) await call(store);
    expect(queries.length).toBeGreaterThanOrEqual(6);

    expect(uncovered(queries, manifest.collections)).toEqual([]);
    const withoutOpenidIndex = manifest.collections.map((c) => ({
      ...c,
      indexes: c.indexes.filter((i) => i.name !== 'openid_createdAt'),
    }));
    expect(uncovered(queries, withoutOpenidIndex)).toEqual([
      { collection: VERIFICATIONS_COLLECTION, where: ['openid'], orderBy: ['createdAt'] },
    ]);
  });
});
