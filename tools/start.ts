/**
 * `npm start`: the whole app on one local port — the sandbox FaceID, a local host running every cloud function's
 * exports.main, and a browser preview of the real pages (miniprogram-simulate in browser mode).
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { resetEmbeddedStores } from '../server/store';
import { buildFunctions, functionNames } from './build-functions';
import { createLocalHost } from './local-cloud/host';
import { createLocalCloud } from './local-cloud/sdk';
import { createPreviewHandler } from './preview/server';
import { BANNER, startSandbox, type Sandbox } from './sandbox';

const ROOT = resolve(__dirname, '..');
const HOST = '127.0.0.1';
export const DEFAULT_PORT = 8780;
const LOCAL_APPCODE = 'local-preview-appcode';

export interface AppOptions {
  /** Port on 127.0.0.1; 0 picks a free one (default: PORT or 8780). */
  port?: number;
  /** Where records and uploaded files live (default: .data). */
  dataDir?: string;
  /** No request log. */
  quiet?: boolean;
}

export interface RunningApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The in-process sandbox FaceID (its control endpoints are also under `<url>/__sandbox/`). */
  readonly sandbox: Sandbox;
  /** Stops the server and the sandbox, and restores the environment. */
  close(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the cloud functions when a bundle is missing or older than its sources. */
export async function ensureFunctionsBuilt(): Promise<boolean> {
  const sources = Math.max(
    newestMtime(join(ROOT, 'server')),
    newestMtime(join(ROOT, 'miniprogram', 'domain')),
  );
  const stale = functionNames().some((name) => {
    const bundle = join(ROOT, 'cloudfunctions', name, 'index.js');
    return !existsSync(bundle) || statSync(bundle).mtimeMs < sources;
  });
  if (stale) await buildFunctions();
  return stale;
}

function proxy(target: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const upstream = http.request(
    `${target}${req.url ?? '/'}`,
    { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('sandbox unreachable');
  });
  req.pipe(upstream);
}

/** Starts the sandbox, the local cloud host and the preview on one port. */
export async function startApp(options: AppOptions = {}): Promise<RunningApp> {
  await ensureFunctionsBuilt();
  const dataDir = resolve(options.dataDir ?? join(ROOT, '.data'));
  mkdirSync(join(dataDir, 'files'), { recursive: true });
  const log = options.quiet ? () => undefined : (line: string) => console.log(`[local] ${line}`);
  const sandbox = await startSandbox({ port: 0, appcode: LOCAL_APPCODE, quiet: true });
  const cloud = createLocalCloud({ filesDir: join(dataDir, 'files') });
  const host = createLocalHost({ cloud, log });
  const preview = createPreviewHandler();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    void (async () => {
      if (url.pathname === '/') host.session(req, res);
      if (await host.handle(req, res, url)) return;
      if (await preview(req, res, url)) return;
      if (url.pathname.startsWith('/lite/') || url.pathname.startsWith('/__sandbox/'))
        return proxy(sandbox.url, req, res);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
    })().catch((error: unknown) => {
      log(`${req.method} ${url.pathname} failed: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error');
    });
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? DEFAULT_PORT, host: HOST }, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
  const url = `http://${HOST}:${port}`;

  const env: Record<string, string> = {
    FACEID_PROVIDER: 'fidlite',
    FACEID_APPCODE: LOCAL_APPCODE,
    FACEID_BASE_URL: sandbox.url,
    FACEID_NOTIFY_URL: `${url}/api/notify`,
    FACEID_RETURN_URL: `${url}/`,
    FACEID_STORE: `file:${join(dataDir, 'records.json')}`,
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  resetEmbeddedStores();
  cloud.install();

  let closed = false;
  return {
    url,
    port,
    dataDir,
    sandbox,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await sandbox.close();
      cloud.uninstall();
      resetEmbeddedStores();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

async function main(): Promise<void> {
  const portText = process.env.PORT ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    console.error(`PORT must be a port number, not ${JSON.stringify(portText)}`);
    process.exit(2);
  }
  const app = await startApp({
    port: Number(portText),
    dataDir: process.env.DATA_DIR || undefined,
    quiet: process.env.QUIET === '1',
  });
  console.log(`${BANNER} inside (not the real FaceID); records in ${app.dataDir}`);
  console.log(`Open ${app.url}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`stopping (${signal})`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  main().catch((error: unknown) => {
    console.error(`could not start: ${(error as Error).message}`);
    process.exit(1);
  });
}
