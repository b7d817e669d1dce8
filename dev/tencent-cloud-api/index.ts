/**
 * A loopback stand-in of the Tencent Cloud API 3.0 hosts CloudBase is managed through (tcb, scf), reached the way
 * @cloudbase/manager-node reaches any host: through an HTTP proxy (`http_proxy`) that opens a CONNECT tunnel, here
 * ended by a TLS server with a certificate made for the run (trusted by the client through NODE_EXTRA_CA_CERTS).
 *
 * It checks each request's TC3-HMAC-SHA256 signature, keeps one environment's collections, permissions, functions
 * (with the files of each uploaded zip), triggers and HTTP access routes, answers in the API's
 * `{ Response: { …, RequestId } }` / `{ Response: { Error: { Code, Message } } }` shape, and records every call.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

interface ApiCall {
  service: string;
  action: string;
  params: Record<string, unknown>;
}

interface StoredIndex {
  Name: string;
  Keys: { Name: string; Direction: string }[];
  Unique: boolean;
}

interface StoredTrigger {
  TriggerName: string;
  Type: string;
  TriggerDesc: string;
}

interface StoredFunction {
  FunctionName: string;
  Runtime: string;
  MemorySize: number;
  Timeout: number;
  Handler: string;
  InstallDependency: 'TRUE' | 'FALSE';
  Description: string;
  Environment: { Variables: { Key: string; Value: string }[] };
  Triggers: StoredTrigger[];
  Status: string;
  /** Files of the last uploaded zip. */
  files: Record<string, string>;
  /** GetFunction answers left before a Creating/Updating function becomes Active. */
  busy: number;
}

interface StoredRoute {
  APIId: string;
  Name: string;
  Path: string;
  Type: number;
  EnableAuth: boolean;
}

/** One CloudBase environment as the stand-in keeps it. */
interface EnvironmentState {
  /** The storage bucket's permission: its tag and, for CUSTOM, the rule as sent (a JSON string). */
  storage: { acl: string; rule?: string };
  collections: Map<string, { indexes: StoredIndex[]; acl: string }>;
  functions: Map<string, StoredFunction>;
  access: { enabled: boolean; domain: string; routes: StoredRoute[] };
}

/** The actions that only read. */
const READS = /^(Describe|Get|List)/;

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Files of a zip archive (central directory, stored or deflated entries). */
/** A request parameter as text: strings as sent, other JSON values as JSON, '' when absent. */
export function paramText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function unzip(zip: Buffer): Record<string, string> {
  const files: Record<string, string> = {};
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    if (!name.endsWith('/')) files[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    at += 46 + skip;
  }
  return files;
}

const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The stand-in: `proxyUrl` for `http_proxy`, `caFile` for NODE_EXTRA_CA_CERTS. */
export interface TencentCloudStandIn {
  proxyUrl: string;
  caFile: string;
  envId: string;
  secretId: string;
  secretKey: string;
  state: EnvironmentState;
  calls: ApiCall[];
  /** Calls that change something (everything but Describe*, Get*, List*). */
  writes(): ApiCall[];
  /** Hosts a client tried to reach that are not Tencent Cloud API hosts (refused). */
  refusedHosts: string[];
  /** Makes the next call of `action` about function or collection `subject` fail with the API error `code`. */
  failOnce(action: string, subject: string, code: string, message: string): void;
  close(): Promise<void>;
}

/** Starts the stand-in for one environment, empty (a fresh environment) unless `state` says otherwise. */
export async function startTencentCloudStandIn(options: {
  envId: string;
  secretId?: string;
  secretKey?: string;
}): Promise<TencentCloudStandIn> {
  const { envId } = options;
  const secretId = options.secretId ?? 'AKIDstandin0000000000000000000000';
  const secretKey = options.secretKey ?? 'standinsecretkey000000000000000000';
  const dir = mkdtempSync(join(tmpdir(), 'tc-standin-'));
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '1',
      '-subj',
      '/CN=tencentcloudapi.com',
      '-addext',
      'subjectAltName=DNS:tencentcloudapi.com,DNS:*.tencentcloudapi.com',
    ],
    { stdio: 'ignore' },
  );
  const bucket = `${envId}-1250000000`;
  const state: EnvironmentState = {
    // A new environment's storage: every user may read, the creator may write (CloudBase's default).
    storage: { acl: 'READONLY' },
    collections: new Map(),
    functions: new Map(),
    access: { enabled: false, domain: `${envId}-1250000000.ap-shanghai.app.tcloudbase.com`, routes: [] },
  };
  const calls: ApiCall[] = [];
  const refusedHosts: string[] = [];
  const failures: { action: string; subject: string; error: ApiError }[] = [];
  const namespace = envId;

  function fn(params: Record<string, unknown>): StoredFunction {
    if (params.Namespace !== namespace)
      throw new ApiError('ResourceNotFound.Namespace', 'namespace not found');
    const found = state.functions.get(String(params.FunctionName));
    if (!found) throw new ApiError('ResourceNotFound.Function', `函数 ${String(params.FunctionName)} 不存在`);
    return found;
  }
  function idle(f: StoredFunction): void {
    if (f.Status !== 'Active')
      throw new ApiError('FailedOperation', `函数 ${f.FunctionName} 状态为 ${f.Status}，不能操作`);
  }
  function collection(params: Record<string, unknown>): { indexes: StoredIndex[]; acl: string } {
    if (params.EnvId !== envId) throw new ApiError('ResourceNotFound', `环境 ${String(params.EnvId)} 不存在`);
    const name = String(params.TableName ?? params.CollectionName);
    const found = state.collections.get(name);
    if (!found) throw new ApiError('ResourceNotFound', `集合 ${name} 不存在`);
    return found;
  }
  function storageOf(params: Record<string, unknown>): void {
    if (params.EnvId !== envId) throw new ApiError('ResourceNotFound', `环境 ${String(params.EnvId)} 不存在`);
    if (params.Bucket !== bucket)
      throw new ApiError('ResourceNotFound', `存储桶 ${String(params.Bucket)} 不存在`);
  }
  /** A CUSTOM rule as the API takes it: a JSON object of `read` and `write`, each a boolean or an expression. */
  function storageRule(rule: unknown): string {
    if (typeof rule !== 'string' || rule === '')
      throw new ApiError('MissingParameter', 'AclTag 为 CUSTOM 时 Rule 必填');
    let parsed: unknown;
    try {
      parsed = JSON.parse(rule);
    } catch {
      throw new ApiError('InvalidParameter', 'Rule 不是合法的 JSON');
    }
    const entries = Object.entries(parsed !== null && typeof parsed === 'object' ? parsed : { '': 0 });
    if (
      !entries.length ||
      entries.some(
        ([key, value]) => !['read', 'write'].includes(key) || !['boolean', 'string'].includes(typeof value),
      )
    )
      throw new ApiError('InvalidParameter', 'Rule 只能包含 read、write，取值为布尔值或表达式字符串');
    return rule;
  }
  function variables(params: Record<string, unknown>): StoredFunction['Environment'] {
    const env = params.Environment as { Variables?: { Key: string; Value: string }[] } | undefined;
    return { Variables: (env?.Variables ?? []).map(({ Key, Value }) => ({ Key, Value: String(Value) })) };
  }
  function code(params: Record<string, unknown>): Record<string, string> {
    const zip = (params.Code as { ZipFile?: string } | undefined)?.ZipFile;
    if (!zip) throw new ApiError('InvalidParameterValue.Code', 'Code.ZipFile is required');
    return unzip(Buffer.from(zip, 'base64'));
  }

  const actions: Record<string, Record<string, (p: Record<string, unknown>) => object>> = {
    tcb: {
      DescribeEnvInfo: (p) => {
        if (p.EnvId !== envId) throw new ApiError('ResourceNotFound', `环境 ${String(p.EnvId)} 不存在`);
        return {
          EnvInfo: {
            EnvBaseInfo: {
              EnvId: envId,
              Alias: 'stand-in',
              Status: 'NORMAL',
              Region: 'ap-shanghai',
              Databases: [{ InstanceId: `tnt-${envId}`, Region: 'ap-shanghai', Status: 'RUNNING' }],
              Storages: [{ Region: 'ap-shanghai', Bucket: bucket, AppId: '1250000000' }],
              Functions: [{ Namespace: namespace, Region: 'ap-shanghai' }],
              LogServices: [{ LogsetId: 'logset-1', TopicId: 'topic-1', Region: 'ap-shanghai' }],
            },
            UserInfo: { AppId: '1250000000' },
          },
        };
      },
      ListTables: (p) => {
        if (p.EnvId !== envId) throw new ApiError('ResourceNotFound', 'env not found');
        const all = [...state.collections.keys()];
        const offset = Number(p.MgoOffset ?? 0);
        const limit = Number(p.MgoLimit ?? 100);
        if (limit > 100) throw new ApiError('InvalidParameter', 'MgoLimit 最大为 100');
        const names = all.slice(offset, offset + limit);
        return {
          Tables: names.length
            ? names.map((TableName) => ({ TableName, Count: 0, Size: 0, IndexCount: 1 }))
            : null,
          Pager: { Offset: offset, Limit: limit, Total: all.length },
        };
      },
      DescribeTable: (p) => {
        const c = collection(p);
        return {
          Indexes: [{ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: true }, ...c.indexes],
          IndexNum: c.indexes.length + 1,
        };
      },
      CreateTable: (p) => {
        const name = String(p.TableName);
        if (p.EnvId !== envId) throw new ApiError('ResourceNotFound', 'env not found');
        if (state.collections.has(name)) throw new ApiError('ResourceInUse', `集合 ${name} 已存在`);
        state.collections.set(name, { indexes: [], acl: 'PRIVATE' });
        return {};
      },
      UpdateTable: (p) => {
        const c = collection(p);
        for (const { IndexName } of (p.DropIndexes as { IndexName: string }[] | undefined) ?? []) {
          if (!c.indexes.some((i) => i.Name === IndexName))
            throw new ApiError('ResourceNotFound', `索引 ${IndexName} 不存在`);
          c.indexes = c.indexes.filter((i) => i.Name !== IndexName);
        }
        type Create = {
          IndexName: string;
          MgoKeySchema: { MgoIndexKeys: { Name: string; Direction: string }[]; MgoIsUnique: boolean };
        };
        for (const index of (p.CreateIndexes as Create[] | undefined) ?? []) {
          if (c.indexes.some((i) => i.Name === index.IndexName))
            throw new ApiError('ResourceInUse', `索引 ${index.IndexName} 已存在`);
          c.indexes.push({
            Name: index.IndexName,
            Keys: index.MgoKeySchema.MgoIndexKeys.map(({ Name, Direction }) => ({
              Name,
              Direction: String(Direction),
            })),
            Unique: !!index.MgoKeySchema.MgoIsUnique,
          });
        }
        return {};
      },
      DescribeStorageSafeRule: (p) => {
        storageOf(p);
        return { AclTag: state.storage.acl, ...(state.storage.rule ? { Rule: state.storage.rule } : {}) };
      },
      ModifyStorageSafeRule: (p) => {
        storageOf(p);
        const tag = String(p.AclTag);
        if (!['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM'].includes(tag))
          throw new ApiError('InvalidParameter', `AclTag ${tag}`);
        if (tag !== 'CUSTOM') {
          state.storage = { acl: tag };
          return {};
        }
        state.storage = { acl: tag, rule: storageRule(p.Rule) };
        return {};
      },
      DescribeDatabaseACL: (p) => ({ AclTag: collection(p).acl }),
      ModifyDatabaseACL: (p) => {
        const tag = String(p.AclTag);
        if (!['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY'].includes(tag))
          throw new ApiError('InvalidParameter', `AclTag ${tag}`);
        collection(p).acl = tag;
        return {};
      },
      DescribeCloudBaseGWService: (p) => {
        if (p.ServiceId !== envId) throw new ApiError('ResourceNotFound', 'service not found');
        return { DefaultDomain: state.access.domain, EnableService: state.access.enabled, ServiceSet: [] };
      },
      DescribeCloudBaseGWAPI: (p) => {
        const set = state.access.routes.filter(
          (r) => (p.Name === undefined || r.Name === p.Name) && (p.Path === undefined || r.Path === p.Path),
        );
        return {
          APISet: set.map((r) => ({ ...r, ServiceId: envId, EnvId: envId })),
          Total: set.length,
          EnableService: state.access.enabled,
        };
      },
      ModifyCloudBaseGWPrivilege: (p) => {
        state.access.enabled = p.EnableService === true;
        return { Count: 1 };
      },
      CreateCloudBaseGWAPI: (p) => {
        if (state.access.routes.some((r) => r.Path === p.Path))
          throw new ApiError('InvalidParameter.APICreated', `${String(p.Path)} 已存在`);
        if (!state.functions.has(String(p.Name)))
          throw new ApiError('ResourceNotFound.Function', `函数 ${String(p.Name)} 不存在`);
        const route = {
          APIId: randomUUID(),
          Name: String(p.Name),
          Path: String(p.Path),
          Type: Number(p.Type),
          EnableAuth: p.AuthSwitch === 1,
        };
        state.access.routes.push(route);
        return { APIId: route.APIId };
      },
      ModifyCloudBaseGWAPIPrivilegeBatch: (p) => {
        const auth =
          (p.Options as { Key: string; Value: string }[]).find((o) => o.Key === 'authswitch')?.Value ===
          'true';
        const ids = p.APIIdSet as string[];
        for (const r of state.access.routes) if (ids.includes(r.APIId)) r.EnableAuth = auth;
        return { Count: ids.length };
      },
      DeleteCloudBaseGWAPI: (p) => {
        const before = state.access.routes.length;
        state.access.routes = state.access.routes.filter(
          (r) => !(r.Name === p.Name && (p.APIId === undefined || r.APIId === p.APIId)),
        );
        return { Count: before - state.access.routes.length };
      },
    },
    scf: {
      GetFunction: (p) => {
        const f = fn(p);
        const { files: _files, busy: _busy, ...shown } = f;
        if (f.busy > 0 && --f.busy === 0) f.Status = 'Active';
        return { ...shown, Namespace: namespace };
      },
      CreateFunction: (p) => {
        if (p.Namespace !== namespace)
          throw new ApiError('ResourceNotFound.Namespace', 'namespace not found');
        const name = String(p.FunctionName);
        if (state.functions.has(name)) throw new ApiError('ResourceInUse.Function', `函数 ${name} 已存在`);
        state.functions.set(name, {
          FunctionName: name,
          Runtime: paramText(p.Runtime) || 'Nodejs8.9',
          MemorySize: Number(p.MemorySize ?? 256),
          Timeout: Number(p.Timeout ?? 3),
          Handler: paramText(p.Handler) || 'index.main',
          InstallDependency: p.InstallDependency === 'TRUE' ? 'TRUE' : 'FALSE',
          Description: paramText(p.Description),
          Environment: variables(p),
          Triggers: [],
          Status: 'Creating',
          files: code(p),
          busy: 1,
        });
        return {};
      },
      UpdateFunctionCode: (p) => {
        const f = fn(p);
        idle(f);
        f.files = code(p);
        if (p.Handler !== undefined) f.Handler = paramText(p.Handler);
        if (p.InstallDependency !== undefined)
          f.InstallDependency = p.InstallDependency === 'TRUE' ? 'TRUE' : 'FALSE';
        f.Status = 'Updating';
        f.busy = 1;
        return {};
      },
      UpdateFunctionConfiguration: (p) => {
        const f = fn(p);
        idle(f);
        if ('Runtime' in p || 'Handler' in p)
          throw new ApiError('InvalidParameter', 'Runtime/Handler 只能在创建时指定');
        if (p.MemorySize !== undefined) f.MemorySize = Number(p.MemorySize);
        if (p.Timeout !== undefined) f.Timeout = Number(p.Timeout);
        if (p.Description !== undefined) f.Description = paramText(p.Description);
        if (p.InstallDependency !== undefined)
          f.InstallDependency = p.InstallDependency === 'TRUE' ? 'TRUE' : 'FALSE';
        if (p.Environment !== undefined) f.Environment = variables(p);
        f.Status = 'Updating';
        f.busy = 1;
        return {};
      },
      DeleteFunction: (p) => {
        const f = fn(p);
        state.functions.delete(f.FunctionName);
        return {};
      },
      BatchCreateTrigger: (p) => {
        const f = fn(p);
        idle(f);
        const triggers = JSON.parse(String(p.Triggers)) as {
          TriggerName: string;
          Type: string;
          TriggerDesc: string;
        }[];
        if (triggers.length !== Number(p.Count)) throw new ApiError('InvalidParameter', 'Count');
        for (const t of triggers) {
          if (f.Triggers.some((h) => h.TriggerName === t.TriggerName))
            throw new ApiError('ResourceInUse.Trigger', `触发器 ${t.TriggerName} 已存在`);
          if (t.Type !== 'timer' || t.TriggerDesc.split(' ').length !== 7)
            throw new ApiError('InvalidParameterValue', 'TriggerDesc');
          f.Triggers.push({
            TriggerName: t.TriggerName,
            Type: t.Type,
            TriggerDesc: JSON.stringify({ cron: t.TriggerDesc }),
          });
        }
        return {};
      },
      DeleteTrigger: (p) => {
        const f = fn(p);
        if (!f.Triggers.some((t) => t.TriggerName === p.TriggerName))
          throw new ApiError('ResourceNotFound.Trigger', 'trigger not found');
        f.Triggers = f.Triggers.filter((t) => t.TriggerName !== p.TriggerName);
        return {};
      },
    },
  };

  function verifySignature(req: http.IncomingMessage, body: Buffer, service: string): void {
    const auth = String(req.headers.authorization ?? '');
    const match =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=content-type;host, Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!match) throw new ApiError('AuthFailure.SignatureFailure', 'malformed Authorization');
    const [, id, date, signedService, signature] = match;
    if (id !== secretId) throw new ApiError('AuthFailure.SecretIdNotFound', 'unknown SecretId');
    const timestamp = Number(req.headers['x-tc-timestamp']);
    if (signedService !== service || new Date(timestamp * 1000).toISOString().slice(0, 10) !== date)
      throw new ApiError('AuthFailure.SignatureFailure', 'credential scope does not match');
    const host = String(req.headers.host).split(':')[0];
    const canonical = `POST\n/\n\ncontent-type:${String(req.headers['content-type'])}\nhost:${host}\n\ncontent-type;host\n${sha256(body)}`;
    const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256(canonical)}`;
    const key = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
    if (createHmac('sha256', key).update(toSign).digest('hex') !== signature)
      throw new ApiError('AuthFailure.SignatureFailure', 'signature does not match');
  }

  const api = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const service = String(req.headers.host).split('.')[0];
      const action = String(req.headers['x-tc-action']);
      const RequestId = randomUUID();
      let response: object;
      try {
        if (req.method !== 'POST') throw new ApiError('UnsupportedOperation', 'POST only');
        verifySignature(req, body, service);
        const params = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        calls.push({ service, action, params });
        const subject = paramText(params.FunctionName ?? params.TableName ?? params.CollectionName);
        const failure = failures.findIndex((f) => f.action === action && f.subject === subject);
        if (failure >= 0) throw failures.splice(failure, 1)[0].error;
        const handler = actions[service]?.[action];
        if (!handler) throw new ApiError('InvalidAction', `${service}.${action} is not in the stand-in`);
        response = { ...handler(params), RequestId };
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError('InternalError', (err as Error).message);
        response = { Error: { Code: e.code, Message: e.message }, RequestId };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: response }));
    });
  });

  const proxy = http.createServer((req, res) => {
    refusedHosts.push(String(req.headers.host));
    res.writeHead(403).end();
  });
  proxy.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const [host, port] = String(req.url).split(':');
    if (!/^(tcb|scf)\.tencentcloudapi\.com$/.test(host) || port !== '443') {
      refusedHosts.push(String(req.url));
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    api.emit('connection', socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    proxyUrl: `http://127.0.0.1:${port}`,
    caFile,
    envId,
    secretId,
    secretKey,
    state,
    calls,
    writes: () => calls.filter((c) => !READS.test(c.action)),
    refusedHosts,
    failOnce: (action, subject, code, message) =>
      failures.push({ action, subject, error: new ApiError(code, message) }),
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
