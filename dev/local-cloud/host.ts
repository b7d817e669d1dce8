/**
 * The local host of the cloud functions: runs each bundled function (through the real wx-server-sdk, on the
 * CloudBase stand-in) for HTTP calls from the preview, as the caller identified by a session cookie, and backs
 * wx.cloud.uploadFile/downloadFile/deleteFile with the stand-in's storage.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { readManifest, type StorageDeclaration } from '../../pipeline/functions-manifest';
import { CloudFunctionError } from './functions';
import type { LocalCloud } from './index';

export const SESSION_COOKIE = 'mp_openid';
const SESSION_PATTERN = /^o-local-[A-Za-z0-9_-]{8,40}$/;
const JSON_LIMIT = 1024 * 1024;
const FILE_LIMIT = 20 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

interface LocalHostOptions {
  cloud: LocalCloud;
  log?: (line: string) => void;
  /** The storage permission clients get (default: cloudbaserc.json's, as the deploy sets it). */
  storage?: StorageDeclaration;
}

type StorageCheck = (operation: 'read' | 'write', owner: string | undefined, openid: string) => boolean;

/**
 * What a storage permission lets a client do, as CloudBase decides it: the simple tags, and the rule forms this
 * project declares (a boolean, or `resource.openid == auth.openid`); another expression is refused at start.
 */
export function storageCheck(storage: StorageDeclaration): StorageCheck {
  const own = (owner: string | undefined, openid: string) => owner === openid;
  switch (storage.acl) {
    case 'READONLY':
      return (op, owner, openid) => op === 'read' || own(owner, openid);
    case 'PRIVATE':
      return (_op, owner, openid) => own(owner, openid);
    case 'ADMINWRITE':
      return (op) => op === 'read';
    case 'ADMINONLY':
      return () => false;
    case 'CUSTOM': {
      const rule = storage.rule ?? { read: false, write: false };
      const checks = (['read', 'write'] as const).map((op) => {
        const value = rule[op];
        if (typeof value === 'boolean') return () => value;
        if (value.replace(/\s+/g, ' ').trim() === 'resource.openid == auth.openid') return own;
        throw new Error(`the local host cannot evaluate the storage rule ${op}: ${value}`);
      });
      return (op, owner, openid) => checks[op === 'read' ? 0 : 1](owner, openid);
    }
  }
}

interface LocalHost {
  /** The caller's openid from the session cookie; sets a new cookie when there is none. */
  session(req: IncomingMessage, res: ServerResponse): string;
  /** Handles /api/*; resolves false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errCode: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, -1, 'request entity too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req, JSON_LIMIT);
  try {
    const value: unknown = JSON.parse(raw.toString('utf8') || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, -1, 'body must be a JSON object');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/** Creates the local host over a local cloud. */
export function createLocalHost(options: LocalHostOptions): LocalHost {
  const { cloud } = options;
  const log = options.log ?? (() => undefined);
  let requestSeq = 0;
  const allowed = storageCheck(options.storage ?? readManifest().storage);
  /** Who uploaded each file through this host (storage's `resource.openid`); files the functions wrote have none. */
  const owners = new Map<string, string>();
  const denied = () => new HttpError(403, -503002, 'storage permission denied');

  function session(req: IncomingMessage, res: ServerResponse): string {
    const current = cookieValue(req, SESSION_COOKIE);
    if (current && SESSION_PATTERN.test(current)) return current;
    const openid = `o-local-${randomBytes(12).toString('base64url')}`;
    res.setHeader(
      'set-cookie',
      `${SESSION_COOKIE}=${openid}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly`,
    );
    return openid;
  }

  async function callFunction(req: IncomingMessage, res: ServerResponse, openid: string): Promise<void> {
    const body = await readJson(req);
    const name = typeof body.name === 'string' ? body.name : '';
    const started = Date.now();
    const requestID = `local-${Date.now().toString(36)}-${(++requestSeq).toString(36)}`;
    try {
      const result = await cloud.invoke(name, body.data ?? {}, openid);
      log(`callFunction ${name} ${openid} ${Date.now() - started}ms`);
      sendJson(res, 200, { result, requestID });
    } catch (error) {
      log(`callFunction ${name} ${openid} failed: ${(error as Error).message}`);
      if (error instanceof CloudFunctionError)
        throw new HttpError(error.errCode === -501000 ? 404 : 500, error.errCode, error.errMsg);
      throw new HttpError(500, -504002, `functions execute fail: ${(error as Error).message}`);
    }
  }

  async function uploadFile(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    openid: string,
  ): Promise<void> {
    const cloudPath = url.searchParams.get('cloudPath') ?? '';
    if (!cloudPath || cloudPath.includes('..')) throw new HttpError(400, -1, 'cloudPath is invalid');
    const content = await readBody(req, FILE_LIMIT);
    const existing = cloud.cloudbase.fileIdOf(cloudPath);
    const owner = cloud.cloudbase.readFile(existing) ? owners.get(existing) : openid;
    if (!allowed('write', owner, openid)) throw denied();
    let fileID: string;
    try {
      fileID = cloud.putFile(cloudPath, content);
    } catch (error) {
      throw new HttpError(400, -1, (error as Error).message);
    }
    owners.set(fileID, openid);
    log(`uploadFile ${cloudPath} ${content.length} bytes ${openid}`);
    sendJson(res, 200, { fileID });
  }

  async function downloadFile(res: ServerResponse, url: URL, openid: string): Promise<void> {
    const fileID = url.searchParams.get('fileID') ?? '';
    const content = cloud.cloudbase.readFile(fileID);
    if (!content) throw new HttpError(404, -503003, 'storage file not exists');
    if (!allowed('read', owners.get(fileID), openid)) throw denied();
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(fileID).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(content);
  }

  async function deleteFile(req: IncomingMessage, res: ServerResponse, openid: string): Promise<void> {
    const body = await readJson(req);
    const fileList = Array.isArray(body.fileList) ? body.fileList.map(String) : [];
    sendJson(res, 200, {
      fileList: fileList.map((fileID) => {
        if (!cloud.cloudbase.readFile(fileID))
          return { fileID, status: -503003, errMsg: 'storage file not exists' };
        if (!allowed('write', owners.get(fileID), openid))
          return { fileID, status: -503002, errMsg: 'storage permission denied' };
        cloud.cloudbase.removeFile(fileID);
        owners.delete(fileID);
        return { fileID, status: 0, errMsg: 'ok' };
      }),
    });
  }

  async function notify(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (await readBody(req, JSON_LIMIT)).toString('utf8');
    const data = new URLSearchParams(raw).get('data') ?? raw;
    log(`FaceID notify ${data.slice(0, 200)}`);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('success');
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (!path.startsWith('/api/')) return false;
    try {
      if (req.method === 'POST' && path === '/api/notify') await notify(req, res);
      else if (req.method === 'GET' && path === '/api/session')
        sendJson(res, 200, { openid: session(req, res) });
      else if (req.method === 'POST' && path === '/api/callFunction')
        await callFunction(req, res, session(req, res));
      else if (req.method === 'POST' && path === '/api/uploadFile')
        await uploadFile(req, res, url, session(req, res));
      else if (req.method === 'GET' && path === '/api/downloadFile')
        await downloadFile(res, url, session(req, res));
      else if (req.method === 'POST' && path === '/api/deleteFile')
        await deleteFile(req, res, session(req, res));
      else throw new HttpError(404, -1, `no such API: ${req.method} ${path}`);
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, -1, (error as Error).message);
      if (!res.headersSent) sendJson(res, e.status, { errCode: e.errCode, errMsg: e.message });
      else res.destroy();
    }
    return true;
  }

  return { session, handle };
}
