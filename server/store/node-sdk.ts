import type { CloudCollection, CloudDatabase, CloudQuery } from './cloudbase';

/** Answers of @cloudbase/node-sdk carry an error `code` instead of throwing. */
interface NodeSdkResult {
  code?: string;
  message?: string;
}
interface NodeSdkQuery {
  where(filter: object): NodeSdkQuery;
  orderBy(field: string, order: string): NodeSdkQuery;
  skip(n: number): NodeSdkQuery;
  limit(n: number): NodeSdkQuery;
  get(): Promise<NodeSdkResult & { data?: Record<string, unknown>[] }>;
  remove(): Promise<NodeSdkResult & { deleted?: number | string }>;
  update(data: object): Promise<NodeSdkResult & { updated?: number }>;
}
/** The @cloudbase/node-sdk database API as this adapter uses it. */
export interface NodeSdkDb {
  collection(name: string): NodeSdkQuery & {
    add(data: object): Promise<NodeSdkResult & { id?: string }>;
    doc(id: string): {
      update(data: object): Promise<NodeSdkResult & { updated?: number }>;
      remove(): Promise<NodeSdkResult & { deleted?: number | string }>;
    };
  };
  command: CloudDatabase['command'];
}

function checked<T extends NodeSdkResult>(result: T): T {
  if (result && typeof result.code === 'string' && result.code !== '')
    throw new Error(`CloudBase: ${result.code} ${result.message ?? ''}`.trim());
  return result;
}

/**
 * The @cloudbase/node-sdk database in the shape the store uses (wx-server-sdk's): `add({ data })`,
 * `update({ data })` and `{ stats }` answers.
 */
export function nodeSdkDatabase(db: NodeSdkDb): CloudDatabase {
  const query = (q: NodeSdkQuery): CloudQuery => ({
    where: (filter) => query(q.where(filter)),
    orderBy: (field, order) => query(q.orderBy(field, order)),
    skip: (n) => query(q.skip(n)),
    limit: (n) => query(q.limit(n)),
    get: async () => ({ data: checked(await q.get()).data ?? [] }),
    remove: async () => ({ stats: { removed: Number(checked(await q.remove()).deleted ?? 0) } }),
    update: async ({ data }) => ({ stats: { updated: Number(checked(await q.update(data)).updated ?? 0) } }),
  });
  return {
    command: db.command,
    collection(name: string): CloudCollection {
      const c = db.collection(name);
      return {
        ...query(c),
        add: async ({ data }) => ({ _id: String(checked(await c.add(data)).id ?? data._id) }),
        doc: (id) => ({
          update: async ({ data }) => ({
            stats: { updated: Number(checked(await c.doc(id).update(data)).updated ?? 0) },
          }),
          remove: async () => ({
            stats: { removed: Number(checked(await c.doc(id).remove()).deleted ?? 0) },
          }),
        }),
      };
    },
  };
}
