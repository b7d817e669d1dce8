/**
 * The collections cloudbaserc.json declares are the ones the store uses, and every query the CloudBase store
 * sends is served by a declared index (or by `_id`).
 */
import { CloudBaseStore, type CloudDatabase } from '../../server/store/cloudbase';
import {
  COUNTERS_COLLECTION,
  VERIFICATIONS_COLLECTION,
  type Delivery,
  type FinishedRecord,
  type IssuedRecord,
  type RequestingRecord,
} from '../../server/store/types';
import { deadTokens, staleRequests } from '../../server/lifecycle/states';
import { readManifest, type CollectionDeclaration } from '../../pipeline/functions-manifest';
import { PhotoRegistry, UPLOADS_COLLECTION } from '../../server/photos';
import { CloudAccessTokenStore, TOKENS_COLLECTION } from '../../server/store/access-tokens';

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
      async update() {
        queries.push(q);
        return { stats: { updated: 0 } };
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
    command: {
      lt: (value: number) => ({ $lt: value }),
      neq: (value: unknown) => ({ $ne: value }),
      in: (values: unknown[]) => ({ $in: values }),
      exists: (value: boolean) => ({ $exists: value }),
      inc: (value: number) => ({ $inc: value }),
      set: (value: unknown) => ({ $set: value }),
      remove: () => ({ $unset: true }),
    },
  };
}

const manifest = readManifest();

/** The queries no index serves: equality fields first (any order), then the sort field, as an index prefix. */
function uncovered(queries: Query[], collections: CollectionDeclaration[]): Query[] {
  return queries.filter((q) => {
    const fields = [...q.where, ...q.orderBy.filter((f) => !q.where.includes(f))];
    // A filter on `_id` is served by the primary index, whatever else it compares.
    if (fields.length === 0 || q.where.includes('_id')) return false;
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
const record: RequestingRecord = {
  _id: 'biz-1',
  openid: 'o-1',
  bizNo: 'biz-1',
  mode: 'idcard',
  provider: 'fidlite',
  status: 'requesting',
  attempt: 1,
  requestedAt: 1,
  createdAt: 1,
};
const token = { bizToken: 't-1', expiresAt: 10, client: { kind: 'component' as const, token: 't-1' } };
const claim = { readingUntil: 0, readStartedAt: 0, notifyReadAt: 0, lastReadAt: 0 };
const issued: IssuedRecord = {
  ...record,
  ...token,
  ...claim,
  status: 'issued',
  resultCalls: { day: '', count: 0 },
};
const result = {
  bizToken: 't-1',
  bizNo: 'biz-1',
  outcome: 'passed' as const,
  resultCode: 1000,
  resultMessage: 'SUCCESS',
  title: '',
  detail: '',
  retryable: false,
  finished: true,
};

const finished: FinishedRecord = { ...record, ...token, status: 'finished', result, endedAt: 3 };
const delivery: Delivery = { id: 'd-1', state: 'pending', tries: 0, due: 3, since: 3, claimedUntil: 0 };

/** Every method of the store, called once. */
const CALLS: Record<string, (store: CloudBaseStore) => Promise<unknown>> = {
  begin: (s) => s.begin(record),
  retry: (s) =>
    s.retry({ ...record, status: 'failed', errorCode: 'INTERNAL', endedAt: 2 }, record, 3, staleRequests(3)),
  issue: (s) => s.issue(record, token, claim),
  fail: (s) => s.fail(record, 'INTERNAL', 2),
  unconfirm: (s) => s.unconfirm(record, 'UPSTREAM_TIMEOUT', 2),
  finish: (s) => s.finish(issued, { status: 'finished', result, endedAt: 3 }),
  expire: (s) => s.expire(issued, 20),
  leave: (s) => s.leave(issued, 20),
  claimRead: (s) =>
    s.claimRead(issued, {
      at: 5,
      holdMs: 1000,
      budget: { day: '2026-01-01', allowed: 2 },
      lastReadBefore: 4,
      notifiedBefore: 1,
    }),
  openClaim: (s) => s.openClaim(issued),
  releaseRead: (s) => s.releaseRead(issued, undefined, 0),
  forgetPhotos: (s) => s.forgetPhotos(record),
  getById: (s) => s.getById('biz-1'),
  getByBizNo: (s) => s.getByBizNo('o-1', 'biz-1'),
  listByBizNo: (s) => s.listByBizNo('biz-1', 20),
  getByBizToken: (s) => s.getByBizToken('token-1'),
  getByResultRef: (s) => s.getByResultRef('ref-1'),
  listByOpenid: (s) => s.listByOpenid('o-1', { limit: 20, skip: 0 }),
  listRecent: (s) => s.listRecent({ limit: 20, skip: 0 }),
  listByExternalRef: (s) => s.listByExternalRef('order-1', 20),
  listCreatedBefore: (s) => s.listCreatedBefore(100, 50),
  listUnsettled: (s) => s.listUnsettled(deadTokens(100), staleRequests(50), 10),
  delete: (s) => s.delete('biz-1'),
  deleteAsRead: (s) => s.deleteAsRead(record),
  take: (s) => s.take('token:o-1', 5, 1000, 600_000),
  giveBack: (s) => s.giveBack('token:o-1', 1000, 600_000),
  purgeCounters: (s) => s.purgeCounters(1000),
  claimDelivery: (s) => s.claimDelivery({ ...finished, delivery }, 10, 20),
  endSend: (s) => s.endSend({ ...finished, delivery }, 20, { ...delivery, tries: 1 }),
  requeueDelivery: (s) => s.requeueDelivery(finished, delivery),
  listDueDeliveries: (s) => s.listDueDeliveries(100, 50),
  listDeliveries: (s) => s.listDeliveries('dead', 50),
  listUnread: (s) => s.listUnread(100, 50, 50),
};

describe('the database cloudbaserc.json declares', () => {
  it("is the store's two collections, the photo registry and WeChat's access tokens, readable and writable only by cloud functions", () => {
    expect(manifest.collections.map((c) => [c.name, c.acl])).toEqual([
      [VERIFICATIONS_COLLECTION, 'ADMINONLY'],
      [COUNTERS_COLLECTION, 'ADMINONLY'],
      [UPLOADS_COLLECTION, 'ADMINONLY'],
      [TOKENS_COLLECTION, 'ADMINONLY'],
    ]);
  });

  it('has an index for every query the access-token store sends (by _id only)', async () => {
    const queries: Query[] = [];
    const tokens = new CloudAccessTokenStore(recordingDatabase(queries));
    await tokens.read('wx0123456789abcdef');
    await tokens.write('wx0123456789abcdef', { accessToken: 't', expiresAt: 1 });
    expect(queries.length).toBeGreaterThanOrEqual(2);
    expect(uncovered(queries, manifest.collections)).toEqual([]);
  });

  it('has an index for every query the photo registry sends', async () => {
    const queries: Query[] = [];
    const photos = new PhotoRegistry(recordingDatabase(queries));
    const fileID = `cloud://env.7465-env-1/faceid/o-1/ref-${'a'.repeat(32)}.jpg`;
    await photos.find(fileID);
    await photos.forget([fileID]);
    await photos.listEnded(1000, 100);
    await photos.remove(['a'.repeat(32)]);
    expect(queries).toHaveLength(4);
    expect(uncovered(queries, manifest.collections)).toEqual([]);
    const withoutIndexes = manifest.collections.map((c) => ({ ...c, indexes: [] }));
    expect(uncovered(queries, withoutIndexes)).toEqual([
      { collection: UPLOADS_COLLECTION, where: ['expiresAt'], orderBy: ['expiresAt'] },
    ]);
  });

  it('has an index for every query the CloudBase store sends', async () => {
    const methods = Object.getOwnPropertyNames(CloudBaseStore.prototype).filter((m) => m !== 'constructor');
    const called = Object.keys(CALLS);
    expect(
      methods.filter(
        (m) =>
          !['first', 'withToken', 'changes', 'transition', 'rule', 'issuedAs', 'collection', '_'].includes(
            m,
          ) && !called.includes(m),
      ),
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
    const withoutExternalRefIndex = manifest.collections.map((c) => ({
      ...c,
      indexes: c.indexes.filter((i) => i.name !== 'externalRef_createdAt'),
    }));
    expect(uncovered(queries, withoutExternalRefIndex)).toEqual([
      { collection: VERIFICATIONS_COLLECTION, where: ['externalRef'], orderBy: ['createdAt'] },
    ]);
  });
});
