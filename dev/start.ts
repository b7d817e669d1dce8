/**
 * `npm start`: the whole app on one local port — the sandbox FaceID, the CloudBase stand-in, every cloud function's
 * bundle running on it through the real wx-server-sdk, and a browser preview of the real pages
 * (miniprogram-simulate in browser mode).
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  commandLine,
  dataDirFrom,
  parseOptions,
  portFrom,
  standInDataDir,
  UsageError,
} from '../pipeline/cli';
import { buildFunctions, functionNames } from '../pipeline/build-functions';
import { createLocalHost } from './local-cloud/host';
import { startLocalCloud, type LocalCloud } from './local-cloud';
import { LOCAL_APPID } from './local-cloud/functions';
import { createPreviewHandler } from './preview/server';
import { BANNER, DEFAULT_WECHAT_SECRET, startSandbox, type Sandbox } from './sandbox';
import { deliveryLine, startWebhookReceiver, type WebhookReceiver } from './local-cloud/webhook-receiver';

const ROOT = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const DEFAULT_PORT = 8780;
const LOCAL_APPCODE = 'local-preview-appcode';
/** How often `npm start` runs the deliverResults timer, as cloudbaserc.json's trigger does in the cloud. */
const DELIVER_EVERY_MS = 60_000;
/** The rate limit `npm start` gives each browser session (production's default is 5/600). */
export const LOCAL_RATE_LIMIT = '100/600';
/** The operator `npm start`'s privacy policy names unless FACEID_OPERATOR_NAME / _CONTACT say otherwise. */
const LOCAL_OPERATOR = { name: '本地预览（示例运营方）', contact: 'privacy@example.invalid' };

interface AppOptions {
  /** Port on 127.0.0.1; 0 picks a free one (default: PORT or 8780). */
  port?: number;
  /** Where the stand-in keeps its database and storage, under `cloudbase/` (default: .data). */
  dataDir?: string;
  /** No request log. */
  quiet?: boolean;
  /** The FaceID product the functions use: fidlite (default) or wechat (WeChat 人脸核身 2.0's double). */
  provider?: PreviewProvider;
}

/** The products `npm start` can run against the sandbox without any credentials of their own. */
const PREVIEW_PROVIDERS = ['fidlite', 'wechat'] as const;
export type PreviewProvider = (typeof PREVIEW_PROVIDERS)[number];

export interface RunningApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The in-process sandbox FaceID (its control endpoints are also under `<url>/__sandbox/`). */
  readonly sandbox: Sandbox;
  /** The CloudBase stand-in and the functions running on it. */
  readonly cloud: LocalCloud;
  /** The sample receiver the webhook points at, with every delivery it verified. */
  readonly receiver: WebhookReceiver;
  /** Stops the server, the functions, the stand-in and the sandbox. */
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
async function ensureFunctionsBuilt(): Promise<boolean> {
  const sources = Math.max(
    newestMtime(join(ROOT, 'server')),
    newestMtime(join(ROOT, 'miniprogram', 'shared')),
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
  const dataDir = options.dataDir ?? dataDirFrom(undefined, {});
  mkdirSync(dataDir, { recursive: true });
  const log = options.quiet ? () => undefined : (line: string) => console.log(`[local] ${line}`);
  const sandbox = await startSandbox({ port: 0, appcode: LOCAL_APPCODE, quiet: true });
  // Printed whatever --quiet says: seeing a result arrive is what the receiver is for.
  const receiver = await startWebhookReceiver((delivery) => console.log(`[local] ${deliveryLine(delivery)}`));
  // The functions' configuration refers to the app's own URL, known once the server listens.
  const env: Record<string, string> = {};
  const cloud = await startLocalCloud({ dataDir: standInDataDir(dataDir), env: () => env });
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

  Object.assign(env, {
    FACEID_PROVIDER: options.provider ?? 'fidlite',
    FACEID_APPCODE: LOCAL_APPCODE,
    // WeChat's double knows the local mini-program (LOCAL_APPID) with this AppSecret.
    ...(options.provider === 'wechat' ? { FACEID_WECHAT_APPSECRET: DEFAULT_WECHAT_SECRET } : {}),
    FACEID_BASE_URL: sandbox.url,
    FACEID_NOTIFY_URL: `${url}/api/notify`,
    FACEID_RETURN_URL: `${url}/`,
    // The preview's calls carry the local mini-program's APPID, as a deployment naming its own would check.
    FACEID_MINIPROGRAM_APPID: LOCAL_APPID,
    // Someone evaluating the preview starts many verifications in minutes; production keeps 5/600.
    FACEID_RATE_LIMIT: process.env.FACEID_RATE_LIMIT ?? LOCAL_RATE_LIMIT,
    FACEID_WEBHOOK_URL: receiver.url,
    FACEID_WEBHOOK_SECRET: receiver.secret,
    // Who the privacy policy's 我们 is; a deployment names its own (deploy requires both).
    FACEID_OPERATOR_NAME: process.env.FACEID_OPERATOR_NAME ?? LOCAL_OPERATOR.name,
    FACEID_OPERATOR_CONTACT: process.env.FACEID_OPERATOR_CONTACT ?? LOCAL_OPERATOR.contact,
    ...(process.env.FACEID_LOG ? { FACEID_LOG: process.env.FACEID_LOG } : {}),
  });

  const timer = setInterval(() => {
    cloud.invoke('deliverResults', {}, null).catch((error: unknown) => {
      log(`deliverResults failed: ${(error as Error).message}`);
    });
  }, DELIVER_EVERY_MS);
  timer.unref();

  let closed = false;
  return {
    url,
    port,
    dataDir,
    sandbox,
    cloud,
    receiver,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await cloud.close();
      await sandbox.close();
      await receiver.close();
    },
  };
}

export const USAGE = `usage: npm start [-- --port <port>] [--data-dir <dir>] [--provider <name>] [--quiet]
  --port <port>     port on 127.0.0.1, 0 picks a free one (default PORT, else ${DEFAULT_PORT})
  --provider <name> the FaceID product: fidlite (default) or wechat (default FACEID_PROVIDER, else fidlite)
  --data-dir <dir>  where the CloudBase stand-in keeps its data, under cloudbase/ (default DATA_DIR, else .data);
                    npm run records -- <command> --local (or --data-dir <dir>) reads the same data
  --quiet           no request log (QUIET=1 does the same; without either, requests are logged)
  --help            this text`;

/** The app's options from the command line, then PORT, DATA_DIR and QUIET; `help` for --help. */
export function parseStartArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | (AppOptions & { help: false }) {
  const values = parseOptions(argv, {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    provider: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return { help: true };
  const port = portFrom(values.port, 'PORT', env, DEFAULT_PORT);
  const provider = values.provider ?? env.FACEID_PROVIDER ?? 'fidlite';
  if (!(PREVIEW_PROVIDERS as readonly string[]).includes(provider))
    throw new UsageError(`--provider must be ${PREVIEW_PROVIDERS.join(' or ')}`);
  return {
    help: false,
    port,
    provider: provider as PreviewProvider,
    dataDir: dataDirFrom(values['data-dir'], env),
    quiet: values.quiet ?? env.QUIET === '1',
  };
}

async function main(argv: string[]): Promise<void> {
  const args = commandLine('start', USAGE, () => parseStartArgs(argv, process.env));
  if (!args) return;
  const { help: _help, ...options } = args;
  const app = await startApp(options);
  console.log(
    `${BANNER} inside (not the real FaceID); CloudBase stand-in data in ${standInDataDir(app.dataDir)}`,
  );
  console.log(`Open ${app.url}`);
  // One address to open: the receiver's own address is not printed (it is the functions' FACEID_WEBHOOK_URL).
  console.log(
    'Every result also goes to a sample webhook receiver here; each verified delivery prints below (docs/webhook.md)',
  );
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
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`could not start: ${(error as Error).message}`);
    process.exit(1);
  });
}
