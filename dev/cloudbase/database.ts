/**
 * The CloudBase database as the stand-in keeps it: collections of documents with MongoDB's query and update
 * semantics, as far as CloudBase exposes them to wx-server-sdk (comparison and logic operators, dot paths, `$set`,
 * `$unset`, `$inc`, …), MongoDB's limits on what it stores (16 MB a document, no `$` field names), and CloudBase's
 * error shapes.
 */
import { calculateObjectSize } from 'bson';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

export type Doc = Record<string, unknown>;

/** A failure answered as `{ code, message }`; wx-server-sdk maps the code to its errCode (e.g. -502001). */
export class CloudBaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failed database request: wx-server-sdk's -502001 DATABASE_REQUEST_FAILED. */
export const requestFailed = (message: string): CloudBaseError =>
  new CloudBaseError('DATABASE_REQUEST_FAILED', message);

/** What a change did, so a journal can persist it: the document as it is now, or its removal. */
export type Change =
  | { collection: string; put: Doc }
  | { collection: string; remove: unknown }
  | { collection: string; create: true };

interface FindOptions {
  order?: Record<string, number>;
  offset?: number;
  limit?: number;
  projection?: Record<string, unknown>;
}

const isPlainObject = (value: unknown): value is Doc =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Date) &&
  !(value instanceof RegExp);

const idKey = (id: unknown): string => (typeof id === 'string' ? `s:${id}` : `j:${JSON.stringify(id)}`);

/** MongoDB's largest document (BSON), which CloudBase's database stores. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** The first field name, at any depth, that MongoDB refuses to store (`$…`), with its path. */
function dollarField(value: unknown, path: string[] = []): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = dollarField(item, [...path, String(i)]);
      if (found) return found;
    }
  } else if (isPlainObject(value))
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$'))
        return `The dollar ($) prefixed field '${key}' in '${[...path, key].join('.')}' is not valid for storage.`;
      const found = dollarField(item, [...path, key]);
      if (found) return found;
    }
  return undefined;
}

/** Throws as MongoDB does for a document it cannot store. */
function checkStorable(doc: Doc): void {
  const dollar = dollarField(doc);
  if (dollar) throw requestFailed(dollar);
  const size = calculateObjectSize(doc);
  if (size > MAX_DOCUMENT_BYTES)
    throw requestFailed(
      `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ${MAX_DOCUMENT_BYTES}(16MB)`,
    );
}

/** A new document id in CloudBase's shape: 32 hexadecimal digits. */
const newDocumentId = (): string => randomBytes(16).toString('hex');

/** Every value found at a dot path; arrays met on the way contribute each element (MongoDB's implicit fan-out). */
function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [doc];
  if (Array.isArray(doc)) {
    const [head] = path;
    if (/^\d+$/.test(head)) return valuesAt(doc[Number(head)], path.slice(1));
    return doc.flatMap((item) => (isPlainObject(item) ? valuesAt(item, path) : []));
  }
  if (!isPlainObject(doc)) return [undefined];
  return valuesAt(doc[path[0]], path.slice(1));
}

/** BSON's order of types, for comparisons and sorting. */
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (isPlainObject(value)) return 4;
  if (typeof value === 'boolean') return 8;
  if (value instanceof Date) return 9;
  return 10;
}

function compare(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
}

const equal = (a: unknown, b: unknown): boolean =>
  (a === undefined || a === null) && (b === undefined || b === null) ? true : isDeepStrictEqual(a, b);

/** A value matches an equality condition directly or, for an array, through one of its elements. */
const equalsOrContains = (value: unknown, want: unknown): boolean =>
  equal(value, want) || (Array.isArray(value) && value.some((item) => equal(item, want)));

function comparable(value: unknown, operand: unknown): boolean {
  return typeRank(value) === typeRank(operand) && value !== undefined && value !== null;
}

function matchOperator(values: unknown[], op: string, operand: unknown): boolean {
  const some = (test: (v: unknown) => boolean): boolean =>
    values.some((v) => test(v) || (Array.isArray(v) && v.some(test)));
  switch (op) {
    case '$eq':
      return values.some((v) => equalsOrContains(v, operand));
    case '$ne':
      return !values.some((v) => equalsOrContains(v, operand));
    case '$gt':
      return some((v) => comparable(v, operand) && compare(v, operand) > 0);
    case '$gte':
      return some((v) => comparable(v, operand) && compare(v, operand) >= 0);
    case '$lt':
      return some((v) => comparable(v, operand) && compare(v, operand) < 0);
    case '$lte':
      return some((v) => comparable(v, operand) && compare(v, operand) <= 0);
    case '$in':
      if (!Array.isArray(operand)) throw requestFailed('$in needs an array');
      return operand.some((want) => values.some((v) => equalsOrContains(v, want)));
    case '$nin':
      if (!Array.isArray(operand)) throw requestFailed('$nin needs an array');
      return !operand.some((want) => values.some((v) => equalsOrContains(v, want)));
    case '$exists':
      return values.some((v) => v !== undefined) === Boolean(operand);
    case '$size':
      return values.some((v) => Array.isArray(v) && v.length === operand);
    case '$not':
      if (!isPlainObject(operand)) throw requestFailed('$not needs an operator object');
      return !Object.entries(operand).every(([inner, innerOperand]) =>
        matchOperator(values, inner, innerOperand),
      );
    default:
      throw requestFailed(`unknown operator: ${op}`);
  }
}

const isOperatorObject = (value: unknown): value is Doc =>
  isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));

/** Whether a document matches a MongoDB-style query (as wx-server-sdk encodes `where(...)`). */
function matches(doc: Doc, query: Doc): boolean {
  return Object.entries(query).every(([key, condition]) => {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(condition) || condition.length === 0)
        throw requestFailed(`${key} must be a nonempty array`);
      const results = condition.map((sub) => {
        if (!isPlainObject(sub)) throw requestFailed(`${key} entries must be objects`);
        return matches(doc, sub);
      });
      if (key === '$and') return results.every(Boolean);
      if (key === '$or') return results.some(Boolean);
      return !results.some(Boolean);
    }
    if (key.startsWith('$')) throw requestFailed(`unknown top level operator: ${key}`);
    const values = valuesAt(doc, key.split('.'));
    if (isOperatorObject(condition))
      return Object.entries(condition).every(([op, operand]) => matchOperator(values, op, operand));
    return values.some((v) => equalsOrContains(v, condition));
  });
}

function getPath(doc: Doc, path: string[]): unknown {
  let current: unknown = doc;
  for (const part of path) {
    if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else if (isPlainObject(current)) current = current[part];
    else return undefined;
  }
  return current;
}

function setPath(doc: Doc, path: string[], value: unknown): void {
  let current: Doc | unknown[] = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const part = path[i];
    const next: unknown = Array.isArray(current) ? current[Number(part)] : current[part];
    if (next === undefined || next === null) {
      const created: Doc = {};
      if (Array.isArray(current)) current[Number(part)] = created;
      else current[part] = created;
      current = created;
    } else if (isPlainObject(next) || Array.isArray(next)) {
      current = next;
    } else {
      throw requestFailed(
        `Cannot create field '${path[i + 1]}' in element {${part}: ${JSON.stringify(next)}}`,
      );
    }
  }
  const last = path[path.length - 1];
  if (Array.isArray(current)) current[Number(last)] = value;
  else current[last] = value;
}

function unsetPath(doc: Doc, path: string[]): void {
  const parent = getPath(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isPlainObject(parent)) delete parent[last];
  else if (Array.isArray(parent) && /^\d+$/.test(last)) parent[Number(last)] = null;
}

const UPDATE_OPERATORS = ['$set', '$unset', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$pop'];

/** Refuses two operators on the same path or on a path and its parent, as MongoDB does. */
function checkConflicts(update: Doc): void {
  const paths: string[] = [];
  for (const fields of Object.values(update)) paths.push(...Object.keys(fields as Doc));
  for (let i = 0; i < paths.length; i++)
    for (let j = 0; j < paths.length; j++) {
      if (i === j) continue;
      const [a, b] = [paths[i], paths[j]];
      if (a === b || b.startsWith(`${a}.`))
        throw requestFailed(`Updating the path '${b}' would create a conflict at '${a}'`);
    }
}

function numeric(value: unknown, op: string, path: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number')
    throw requestFailed(
      `Cannot apply ${op} to a value of non-numeric type. {_id: ...} has the field '${path}'`,
    );
  return value;
}

/** Applies a MongoDB update document (`$set`, `$unset`, `$inc`, …) to a copy of the document. */
function applyUpdate(doc: Doc, update: Doc): Doc {
  const next = structuredClone(doc);
  for (const op of Object.keys(update)) {
    if (!UPDATE_OPERATORS.includes(op)) throw requestFailed(`Unknown modifier: ${op}`);
    if (!isPlainObject(update[op])) throw requestFailed(`Modifiers operate on fields: ${op}`);
  }
  checkConflicts(update);
  for (const [op, fields] of Object.entries(update) as [string, Doc][]) {
    for (const [path, operand] of Object.entries(fields)) {
      if (path === '_id' || path.startsWith('_id.'))
        throw requestFailed("Performing an update on the path '_id' would modify the immutable field '_id'");
      const parts = path.split('.');
      const current = getPath(next, parts);
      switch (op) {
        case '$set':
          setPath(next, parts, structuredClone(operand));
          break;
        case '$unset':
          unsetPath(next, parts);
          break;
        case '$inc':
          setPath(next, parts, numeric(current, op, path) + numeric(operand, op, path));
          break;
        case '$mul':
          setPath(next, parts, numeric(current, op, path) * numeric(operand, op, path));
          break;
        case '$min':
          if (current === undefined || compare(operand, current) < 0) setPath(next, parts, operand);
          break;
        case '$max':
          if (current === undefined || compare(operand, current) > 0) setPath(next, parts, operand);
          break;
        case '$push':
        case '$addToSet': {
          if (current !== undefined && !Array.isArray(current))
            throw requestFailed(`The field '${path}' must be an array but is of another type`);
          const each =
            isPlainObject(operand) && Array.isArray(operand.$each) ? (operand.$each as unknown[]) : [operand];
          const list = [...((current as unknown[] | undefined) ?? [])];
          for (const item of each)
            if (op === '$push' || !list.some((existing) => equal(existing, item)))
              list.push(structuredClone(item));
          setPath(next, parts, list);
          break;
        }
        case '$pop': {
          if (current === undefined) break;
          if (!Array.isArray(current))
            throw requestFailed(`Path '${path}' contains an element of non-array type`);
          const list = [...(current as unknown[])];
          if (operand === -1) list.shift();
          else list.pop();
          setPath(next, parts, list);
          break;
        }
      }
    }
  }
  return next;
}

function project(doc: Doc, projection: Record<string, unknown> | undefined): Doc {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const include = Object.entries(projection).filter(([k, v]) => k !== '_id' && Boolean(v));
  if (include.length) {
    const out: Doc = {};
    if (projection._id !== 0 && projection._id !== false) out._id = doc._id;
    for (const [path] of include) {
      const value = getPath(doc, path.split('.'));
      if (value !== undefined) setPath(out, path.split('.'), value);
    }
    return out;
  }
  const out = structuredClone(doc);
  for (const [path, v] of Object.entries(projection)) if (!v) unsetPath(out, path.split('.'));
  return out;
}

/** The documents of every collection, in memory; every change is reported to `onChange` (the journal). */
export class Database {
  private readonly collections = new Map<string, Map<string, Doc>>();

  constructor(private readonly onChange: (change: Change) => void = () => undefined) {}

  /** Replays one journaled change (no report). */
  replay(change: Change): void {
    if ('create' in change) {
      if (!this.collections.has(change.collection)) this.collections.set(change.collection, new Map());
      return;
    }
    const docs = this.collections.get(change.collection) ?? new Map<string, Doc>();
    this.collections.set(change.collection, docs);
    if ('put' in change) docs.set(idKey(change.put._id), change.put);
    else docs.delete(idKey(change.remove));
  }

  /** Every change that rebuilds the present state (for compacting a journal). */
  *snapshot(): Generator<Change> {
    for (const [collection, docs] of this.collections) {
      yield { collection, create: true };
      for (const doc of docs.values()) yield { collection, put: doc };
    }
  }

  collectionNames(): string[] {
    return [...this.collections.keys()].sort();
  }

  /** Creates a collection; false when it exists. */
  createCollection(name: string): boolean {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(name))
      throw new CloudBaseError('INVALID_PARAM', 'collection name is invalid');
    if (this.collections.has(name)) return false;
    this.collections.set(name, new Map());
    this.onChange({ collection: name, create: true });
    return true;
  }

  private docs(collection: string): Map<string, Doc> {
    const docs = this.collections.get(collection);
    if (!docs)
      throw new CloudBaseError(
        'DATABASE_COLLECTION_NOT_EXIST',
        `[ResourceNotFound] Db or Table not exist: ${collection}. Please check your request, but if the problem cannot be solved, contact us.`,
      );
    return docs;
  }

  private put(collection: string, doc: Doc): void {
    checkStorable(doc);
    this.docs(collection).set(idKey(doc._id), doc);
    this.onChange({ collection, put: doc });
  }

  /** Inserts documents; a repeated `_id` fails as MongoDB's E11000, with nothing of the batch after it written. */
  insert(collection: string, docs: Doc[]): unknown[] {
    const existing = this.docs(collection);
    const ids: unknown[] = [];
    for (const input of docs) {
      if (!isPlainObject(input)) throw requestFailed('document must be an object');
      const doc: Doc = { ...structuredClone(input) };
      if (doc._id === undefined) doc._id = newDocumentId();
      if (existing.has(idKey(doc._id)))
        throw requestFailed(
          `E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: ${JSON.stringify(doc._id)} }`,
        );
      this.put(collection, doc);
      ids.push(doc._id);
    }
    return ids;
  }

  private selected(collection: string, query: Doc): Doc[] {
    const docs = this.docs(collection);
    if (typeof query._id === 'string' || typeof query._id === 'number') {
      const doc = docs.get(idKey(query._id));
      return doc && matches(doc, query) ? [doc] : [];
    }
    return [...docs.values()].filter((doc) => matches(doc, query));
  }

  /** Documents matching the query, ordered, paged and projected; copies. */
  find(collection: string, query: Doc, options: FindOptions = {}): Doc[] {
    let rows = this.selected(collection, query);
    const order = Object.entries(options.order ?? {});
    if (order.length)
      rows = [...rows].sort((a, b) => {
        for (const [field, direction] of order) {
          const diff = compare(getPath(a, field.split('.')), getPath(b, field.split('.')));
          if (diff !== 0) return direction < 0 ? -diff : diff;
        }
        return 0;
      });
    const offset = options.offset ?? 0;
    rows = rows.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
    return rows.map((doc) => project(structuredClone(doc), options.projection));
  }

  count(collection: string, query: Doc): number {
    return this.selected(collection, query).length;
  }

  /**
   * Updates matching documents. With `merge` the data is an update document (`$set`, …); without it the data
   * replaces the document (`doc().set()`), and `upsert` creates it when none matches. `updated` counts the
   * documents that changed, as MongoDB's nModified does.
   */
  modify(
    collection: string,
    query: Doc,
    data: Doc,
    options: { multi: boolean; merge: boolean; upsert: boolean },
  ): { updated: number; upsertId?: unknown } {
    const targets = this.selected(collection, query);
    if (targets.length === 0) {
      if (!options.upsert) return { updated: 0 };
      const base: Doc =
        typeof query._id === 'string' || typeof query._id === 'number' ? { _id: query._id } : {};
      const doc = options.merge ? applyUpdate(base, data) : { ...structuredClone(data), ...base };
      const [id] = this.insert(collection, [doc]);
      return { updated: 0, upsertId: id };
    }
    let updated = 0;
    for (const doc of options.multi ? targets : targets.slice(0, 1)) {
      let next: Doc;
      if (options.merge) next = applyUpdate(doc, data);
      else {
        if (Object.keys(data).some((k) => k.startsWith('$')))
          throw requestFailed('replacement document must not contain update operators');
        next = { ...structuredClone(data), _id: doc._id };
      }
      if (isDeepStrictEqual(next, doc)) continue;
      this.put(collection, next);
      updated++;
    }
    return { updated };
  }

  /** Removes matching documents; resolves how many. */
  remove(collection: string, query: Doc, options: { multi: boolean }): number {
    const targets = this.selected(collection, query);
    const docs = this.docs(collection);
    let deleted = 0;
    for (const doc of options.multi ? targets : targets.slice(0, 1)) {
      docs.delete(idKey(doc._id));
      this.onChange({ collection, remove: doc._id });
      deleted++;
    }
    return deleted;
  }
}
