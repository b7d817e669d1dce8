/**
 * A loopback stand-in of the CloudBase service that wx-server-sdk (through @cloudbase/node-sdk and
 * @cloudbase/database) talks to: the `/admin` endpoint with its `database.*` and `storage.*` actions (EJSON
 * bodies, CloudBase's answer and error shapes), signed `/cos/` URLs for file contents, and a small control API
 * under `/__cloudbase` (faults, latency, request counts). It persists to a folder when given one. See
 * docs/cloudbase-standin.md.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { CloudBaseError, Database, requestFailed, type Change, type Doc } from './database';
import { compactJournal, journalWriter, replayJournal } from './journal';
import { MAX_DELETE_FILES, Storage, validCloudPath } from './storage';

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 50 * 1024 * 1024;
const CONTROL_PREFIX = '/__cloudbase';
export const DEFAULT_ENV_ID = 'local-dev-0a1b2c';
export const DEFAULT_SECRET_ID = 'AKIDlocalstandin0000000000000000';
export const DEFAULT_SECRET_KEY = 'local-stand-in-secret-key';
/** Region the cloud announces to a function (TENCENTCLOUD_REGION). */
const DEFAULT_REGION = 'ap-shanghai';

export interface CloudBaseOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The environment id (TCB_ENV); requests for another environment are refused as CloudBase does. */
  envId?: string;
  /** The key pair requests must be signed with (the SDK reads it from TENCENTCLOUD_SECRETID/SECRETKEY). */
  secretId?: string;
  secretKey?: string;
  /** Keep the database (an append-only journal) and storage here; in memory without it. */
  dataDir?: string;
  /** Collections that exist from the start, as created in the console (others answer "not exist"). */
  collections?: string[];
  /** Milliseconds every request waits before it is answered. */
  latencyMs?: number;
}

/** The next request(s) of an action fail: with a CloudBase error code, or an HTTP status. */
interface CloudBaseFault {
  /** An action such as `database.insertDocument`, or `cos.put` / `cos.get` for file contents. */
  action: string;
  /** CloudBase's error code (default DATABASE_REQUEST_FAILED, wx-server-sdk's -502001). */
  code?: string;
  message?: string;
  /** Answer with this HTTP status instead of a CloudBase error. */
  status?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface CloudBaseStandIn {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The `/admin` endpoint the SDK posts to. */
  readonly adminUrl: string;
  readonly envId: string;
  /** The variables the cloud sets for a function of this environment, pointing wx-server-sdk here (see cloudEnvironment). */
  sdkEnvironment(): Record<string, string>;
  createCollection(name: string): boolean;
  collectionNames(): string[];
  /** Stores a file as the mini-program's wx.cloud.uploadFile would; resolves its fileID. */
  putFile(cloudPath: string, content: Buffer): string;
  /** The fileID a cloud path has in this environment. */
  fileIdOf(cloudPath: string): string;
  /** A file's content by fileID, or undefined. */
  readFile(fileID: string): Buffer | undefined;
  /** Deletes a file by fileID; false when there was none. */
  removeFile(fileID: string): boolean;
  injectFault(fault: CloudBaseFault): void;
  /** Milliseconds every request waits before it is answered (0: none). */
  setLatency(ms: number): void;
  /** Requests served so far, by action (`database.getDocument`, `storage.batchDeleteFile`, `cos.get`, …). */
  requestCounts(): Record<string, number>;
  resetRequestCounts(): void;
  close(): Promise<void>;
}

/**
 * The variables the cloud sets for a function of an environment, pointing wx-server-sdk at a stand-in:
 * TCB_CONTEXT_CNFG (the `/admin` endpoint), TCB_ENV, SCF_NAMESPACE, TENCENTCLOUD_RUNENV=SCF (so the SDK does not
 * probe Tencent Cloud's metadata server), the region and the key pair the SDK signs with.
 */
export function cloudEnvironment(target: {
  url: string;
  envId?: string;
  secretId?: string;
  secretKey?: string;
}): Record<string, string> {
  const envId = target.envId ?? DEFAULT_ENV_ID;
  return {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${target.url}/admin` }),
    TCB_CONTEXT_KEYS: 'TCB_ENV',
    TCB_ENV: envId,
    SCF_NAMESPACE: envId,
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: DEFAULT_REGION,
    TENCENTCLOUD_SECRETID: target.secretId ?? DEFAULT_SECRET_ID,
    TENCENTCLOUD_SECRETKEY: target.secretKey ?? DEFAULT_SECRET_KEY,
  };
}

/** The file in a data folder that names the process serving it (one process at a time). */
export const LOCK_FILE = 'standin.json';

/** The running stand-in serving a data folder, if any (`{ pid, url }`), so a second process can use it. */
export function runningStandIn(dataDir: string): { pid: number; url: string } | undefined {
  const file = join(dataDir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; url: string };
    process.kill(lock.pid, 0);
    return lock;
  } catch {
    return undefined;
  }
}

type Params = Record<string, unknown>;

const parseEjson = (text: unknown, what: string): Doc => {
  if (text === undefined || text === null || text === '') return {};
  if (typeof text !== 'string') throw new CloudBaseError('INVALID_PARAM', `${what} must be an EJSON string`);
  try {
    const value = EJSON.parse(text, { relaxed: true }) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Doc;
  } catch (error) {
    throw new CloudBaseError('INVALID_PARAM', `${what} is not valid EJSON: ${(error as Error).message}`);
  }
};

const stringifyEjson = (doc: Doc): string => EJSON.stringify(doc, { relaxed: false });

function collectionOf(params: Params): string {
  const name = params.collectionName;
  if (typeof name !== 'string' || !name)
    throw new CloudBaseError('INVALID_PARAM', 'collectionName is required');
  return name;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new CloudBaseError('INVALID_PARAM', 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Starts the stand-in on 127.0.0.1. */
export async function startCloudBase(options: CloudBaseOptions = {}): Promise<CloudBaseStandIn> {
  const envId = options.envId ?? DEFAULT_ENV_ID;
  const secretId = options.secretId ?? DEFAULT_SECRET_ID;
  const secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
  const dataDir = options.dataDir;
  let record: (change: Change) => void = () => undefined;
  const database = new Database((change) => record(change));
  let journal: ReturnType<typeof journalWriter> | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    const owner = runningStandIn(dataDir);
    if (owner && owner.pid !== process.pid)
      throw new Error(
        `${dataDir} is in use by the CloudBase stand-in of process ${owner.pid} (${owner.url})`,
      );
    const file = join(dataDir, 'database.journal');
    replayJournal(file, database);
    compactJournal(file, database);
    const writer = journalWriter(file);
    journal = writer;
    record = (change) => writer.record(change);
  }
  for (const name of options.collections ?? []) database.createCollection(name);
  const storage = new Storage(envId, dataDir ? join(dataDir, 'storage') : undefined);

  let latencyMs = options.latencyMs ?? 0;
  const faults: (CloudBaseFault & { times: number })[] = [];
  const counts: Record<string, number> = {};
  let url = '';

  function takeFault(action: string): CloudBaseFault | undefined {
    const index = faults.findIndex((f) => f.action === action);
    if (index < 0) return undefined;
    const fault = faults[index];
    if (--fault.times <= 0) faults.splice(index, 1);
    return fault;
  }

  function databaseAction(action: string, params: Params): Params {
    const collection = collectionOf(params);
    switch (action) {
      case 'database.insertDocument': {
        const data = params.data;
        if (!Array.isArray(data) || data.length === 0)
          throw new CloudBaseError('INVALID_PARAM', 'data must be a nonempty array');
        const docs = data.map((item) => parseEjson(item, 'data'));
        return { insertedIds: database.insert(collection, docs) };
      }
      case 'database.getDocument': {
        const limit = typeof params.limit === 'number' ? Math.min(Math.max(params.limit, 0), 1000) : 100;
        const offset = typeof params.offset === 'number' ? params.offset : 0;
        const list = database.find(collection, parseEjson(params.query, 'query'), {
          order: parseEjson(params.order, 'order') as Record<string, number>,
          projection: parseEjson(params.projection, 'projection'),
          offset,
          limit,
        });
        return { list: list.map(stringifyEjson), limit, offset };
      }
      case 'database.calculateDocument':
        return { total: database.count(collection, parseEjson(params.query, 'query')) };
      case 'database.modifyDocument': {
        const result = database.modify(
          collection,
          parseEjson(params.query, 'query'),
          parseEjson(params.data, 'data'),
          {
            multi: params.multi !== false,
            merge: params.merge !== false,
            upsert: params.upsert === true,
          },
        );
        return result.upsertId === undefined
          ? { updated: result.updated }
          : { updated: result.updated, upsert_id: result.upsertId };
      }
      case 'database.removeDocument':
        return {
          deleted: database.remove(collection, parseEjson(params.query, 'query'), {
            multi: params.multi !== false,
          }),
        };
      case 'database.addCollection':
        if (!database.createCollection(collection)) throw requestFailed(`Table exist: ${collection}`);
        return {};
      default:
        throw new CloudBaseError(
          'INVALID_ACTION',
          `action ${action} is not served by the CloudBase stand-in`,
        );
    }
  }

  function storageAction(action: string, params: Params, now: number): Params {
    switch (action) {
      case 'storage.getUploadMetadata': {
        const path = params.path;
        if (typeof path !== 'string' || !validCloudPath(path))
          throw new CloudBaseError('STORAGE_REQUEST_FAIL', 'path is invalid');
        const query = storage.signedQuery(path, 'put', now);
        const token = randomUUID();
        return {
          url: `${url}/cos/${encodeURI(path)}?${query}`,
          token,
          authorization: `q-sign-algorithm=sha1&q-ak=${secretId}&${query}`,
          fileId: storage.fileIdOf(path),
          cosFileId: token,
        };
      }
      case 'storage.batchGetDownloadUrl': {
        const list = params.file_list;
        if (!Array.isArray(list) || list.length === 0)
          throw new CloudBaseError('INVALID_PARAM', 'file_list must be a nonempty array');
        return {
          download_list: list.map((item: { fileid?: unknown; max_age?: unknown }) => {
            const fileID = typeof item?.fileid === 'string' ? item.fileid : '';
            const path = storage.pathOf(fileID);
            if (!path || !storage.get(path))
              return {
                fileID,
                tempFileURL: '',
                code: 'STORAGE_FILE_NONEXIST',
                message: 'storage file not exists',
              };
            return {
              fileID,
              tempFileURL: `${url}/cos/${path}?${storage.signedQuery(path, 'get', now)}`,
              code: 'SUCCESS',
              maxAge: typeof item.max_age === 'number' ? item.max_age : 600,
            };
          }),
        };
      }
      case 'storage.batchDeleteFile': {
        const list = params.fileid_list;
        if (!Array.isArray(list) || list.length === 0)
          throw new CloudBaseError('INVALID_PARAM', 'fileid_list must be a nonempty array');
        // CloudBase deletes at most 50 files per call (deleteFile: "一次最多 50 个") and refuses the whole call.
        if (list.length > MAX_DELETE_FILES)
          throw new CloudBaseError(
            'INVALID_PARAM',
            `fileid_list has ${list.length} items; at most ${MAX_DELETE_FILES} files can be deleted at a time`,
          );
        return {
          delete_list: list.map((fileID: unknown) => {
            const path = storage.pathOf(String(fileID));
            return path && storage.delete(path)
              ? { fileID, code: 'SUCCESS' }
              : { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exists' };
          }),
        };
      }
      default:
        throw new CloudBaseError(
          'INVALID_ACTION',
          `action ${action} is not served by the CloudBase stand-in`,
        );
    }
  }

  function send(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  async function admin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let params: Params;
    try {
      params = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Params;
    } catch {
      return send(res, 200, { code: 'INVALID_PARAM', message: 'body is not JSON', requestId });
    }
    const action = typeof params.action === 'string' ? params.action : '';
    counts[action] = (counts[action] ?? 0) + 1;
    const fault = takeFault(action);
    if (latencyMs > 0) await sleep(latencyMs);
    if (fault?.status) return send(res, fault.status, { code: 'SYS_ERR', message: 'injected', requestId });
    if (fault)
      return send(res, 200, {
        code: fault.code ?? 'DATABASE_REQUEST_FAILED',
        message: fault.message ?? `[InternalError] injected fault on ${action}`,
        requestId,
      });
    const authorization = String(req.headers.authorization ?? '');
    if (!authorization.includes(`Credential=${secretId}/`))
      return send(res, 200, {
        code: 'SIGN_PARAM_INVALID',
        message: '[AuthFailure] the request is not signed with this environment’s key pair',
        requestId,
      });
    if (params.envName !== envId)
      return send(res, 200, {
        code: 'INVALID_ENV',
        message: `[ResourceNotFound.Env] env ${String(params.envName)} not found`,
        requestId,
      });
    try {
      const data = action.startsWith('database.')
        ? databaseAction(action, params)
        : storageAction(action, params, Date.now());
      send(res, 200, { data, requestId });
    } catch (error) {
      if (error instanceof CloudBaseError)
        return send(res, 200, { code: error.code, message: error.message, requestId });
      send(res, 200, { code: 'SYS_ERR', message: (error as Error).message, requestId });
    }
  }

  async function cos(req: http.IncomingMessage, res: http.ServerResponse, target: URL): Promise<void> {
    const operation = req.method === 'PUT' ? 'put' : 'get';
    counts[`cos.${operation}`] = (counts[`cos.${operation}`] ?? 0) + 1;
    const body = operation === 'put' ? await readBody(req) : undefined;
    const fault = takeFault(`cos.${operation}`);
    if (latencyMs > 0) await sleep(latencyMs);
    const path = decodeURI(target.pathname.slice('/cos/'.length));
    const xmlError = (status: number, code: string, message: string): void => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n<Code>${code}</Code>\n<Message>${message}</Message>\n` +
          `<Resource>/${path}</Resource>\n<RequestId>${randomUUID()}</RequestId>\n<TraceId>stand-in</TraceId>\n</Error>`,
      );
    };
    if (fault) return xmlError(fault.status ?? 503, 'ServiceUnavailable', fault.message ?? 'injected fault');
    const signed = storage.verify(
      path,
      operation,
      Number(target.searchParams.get('t')),
      target.searchParams.get('sign') ?? '',
      Date.now(),
    );
    if (!validCloudPath(path) || !signed)
      return xmlError(403, 'AccessDenied', 'Request has expired or is not signed');
    if (operation === 'put' && body) {
      storage.put(path, body);
      res.writeHead(200, { 'content-length': '0' });
      return void res.end();
    }
    const content = storage.get(path);
    if (!content) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(content.length),
    });
    res.end(content);
  }

  async function control(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const body =
      req.method === 'POST' ? (JSON.parse((await readBody(req)).toString('utf8') || '{}') as Params) : {};
    if (req.method === 'GET' && path === '/stats') return send(res, 200, { requests: { ...counts } });
    if (req.method === 'POST' && path === '/stats/reset') {
      standIn.resetRequestCounts();
      return send(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/latency') {
      standIn.setLatency(Number(body.ms));
      return send(res, 200, { ok: true, ms: latencyMs });
    }
    if (req.method === 'POST' && path === '/faults') {
      standIn.injectFault(body as unknown as CloudBaseFault);
      return send(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/collections') {
      return send(res, 200, { created: standIn.createCollection(String(body.name)) });
    }
    send(res, 404, { error: `no control endpoint ${req.method} ${path}` });
  }

  const server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '/', `http://${HOST}`);
    let handled: Promise<void>;
    if (req.method === 'POST' && target.pathname === '/admin') handled = admin(req, res);
    else if ((req.method === 'PUT' || req.method === 'GET') && target.pathname.startsWith('/cos/'))
      handled = cos(req, res, target);
    else if (target.pathname.startsWith(`${CONTROL_PREFIX}/`))
      handled = control(req, res, target.pathname.slice(CONTROL_PREFIX.length));
    else handled = Promise.resolve(send(res, 404, { code: 'INVALID_PATH', message: 'not found' }));
    handled.catch((error: unknown) => {
      if (!res.headersSent)
        send(res, error instanceof RangeError || error instanceof SyntaxError ? 400 : 500, {
          error: (error as Error).message,
        });
      else res.destroy();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve((server.address() as AddressInfo).port));
  });
  url = `http://${HOST}:${port}`;
  if (dataDir) writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: process.pid, url }));

  const standIn: CloudBaseStandIn = {
    url,
    adminUrl: `${url}/admin`,
    envId,
    sdkEnvironment: () => cloudEnvironment({ url, envId, secretId, secretKey }),
    createCollection: (name) => database.createCollection(name),
    collectionNames: () => database.collectionNames(),
    putFile: (cloudPath, content) => storage.put(cloudPath, content),
    fileIdOf: (cloudPath) => storage.fileIdOf(cloudPath),
    readFile(fileID) {
      const path = storage.pathOf(fileID);
      return path ? storage.get(path) : undefined;
    },
    removeFile(fileID) {
      const path = storage.pathOf(fileID);
      return path ? storage.delete(path) : false;
    },
    injectFault(fault) {
      if (!fault || typeof fault.action !== 'string' || !fault.action)
        throw new RangeError('a fault needs an action');
      const times = fault.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be a positive integer');
      faults.push({ ...fault, times });
    },
    setLatency(ms) {
      if (!Number.isFinite(ms) || ms < 0 || ms > 120_000)
        throw new RangeError('latency must be 0..120000 ms');
      latencyMs = ms;
    },
    requestCounts: () => ({ ...counts }),
    resetRequestCounts() {
      for (const key of Object.keys(counts)) delete counts[key];
    },
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      journal?.close();
      if (dataDir && runningStandIn(dataDir)?.pid === process.pid)
        rmSync(join(dataDir, LOCK_FILE), { force: true });
    },
  };
  return standIn;
}
