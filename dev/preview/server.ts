/** Serves the browser preview: the device frame, simulate's browser build, the file map and the WeChat shim. */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { fileMapScript, MINIPROGRAM_ROOT, realPath } from './filemap';

const SIMULATE_BUILD = resolve(__dirname, '..', '..', 'node_modules', 'miniprogram-simulate', 'build.js');
const CLIENT_ENTRY = join(__dirname, 'client', 'main.ts');
const BASE_CSS = join(__dirname, 'static', 'base.css');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.json': 'application/json; charset=utf-8',
  '.mp4': 'video/mp4',
};
const STATIC_EXTENSIONS = new Set(['.svg', '.png', '.jpg', '.jpeg', '.gif', '.webp', '.mp4']);

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Exact source edits of simulate's browser build: [text, replacement, expected occurrences]. */
const SIMULATE_PATCHES: [string, string, number][] = [
  [
    'const hasRegisterCache = {}',
    'const hasRegisterCache = window.__SIMULATE_REGISTERED__ || (window.__SIMULATE_REGISTERED__ = {})',
    1,
  ],
  // 750 rpx is the screen width (375 px here); simulate reads 1 rpx as 1 px, also in bound inline styles.
  [
    "return style.replace(/(\\d+)rpx/ig, '$1px')",
    'return style.replace(/(-?\\d*\\.?\\d+)rpx/ig, (_m, n) => `${+(n / 2).toFixed(3)}px`)',
    2,
  ],
];

/**
 * simulate registers a component again on every load() (its registry is per call), so a component shared by two
 * pages would run its script twice; WeUI's webpack chunks then skip Component() the second time. One registry for
 * all loads makes each component register once, as in WeChat.
 */
function patchedSimulate(): string {
  let source = readFileSync(SIMULATE_BUILD, 'utf8');
  for (const [needle, replacement, count] of SIMULATE_PATCHES) {
    if (source.split(needle).length !== count + 1)
      throw new Error(`miniprogram-simulate build.js changed: cannot patch ${JSON.stringify(needle)}`);
    source = source.split(needle).join(replacement);
  }
  return source;
}

function page(mode: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
<title>小程序预览</title>
<link rel="stylesheet" href="/preview/base.css">
</head>
<body class="${mode}">
<div id="device">
  <div id="phone">
    <div id="statusbar"><span>9:41</span><span>本地预览</span><span>100%</span></div>
    <div id="navbar">
      <button id="nav-back" type="button" aria-label="返回" hidden>‹</button>
      <button id="nav-home" type="button" aria-label="首页" hidden>⌂</button>
      <div id="nav-title" role="heading" aria-level="1"></div>
      <div id="nav-capsule" aria-hidden="true"><span>···</span><span>◉</span></div>
    </div>
    <div id="pages"></div>
    <div id="wx-overlay"></div>
    <div id="fatal" role="alert" hidden></div>
  </div>
  <div id="caption">本地预览：真实页面 + miniprogram-simulate，FaceID 为本地沙箱（非微信环境）</div>
  <input type="file" id="wx-choose-file" aria-hidden="true" tabindex="-1">
</div>
<script src="/preview/simulate.js"></script>
<script src="/preview/filemap.js"></script>
<script src="/preview/runtime.js"></script>
</body>
</html>
`;
}

let runtimeCache: { mtime: number; code: string } | undefined;

/** The client's sources: its own folder and the fake wx it builds on (dev/wx). */
const CLIENT_DIRS = [join(__dirname, 'client'), resolve(__dirname, '..', 'wx')];

async function runtime(): Promise<string> {
  const mtime = Math.max(
    ...CLIENT_DIRS.flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => statSync(join(dir, f)).mtimeMs),
    ),
  );
  if (runtimeCache && runtimeCache.mtime === mtime) return runtimeCache.code;
  const out = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  runtimeCache = { mtime, code: out.outputFiles[0].text };
  return runtimeCache.code;
}

function staticFile(pathname: string): string | undefined {
  const rel = decodeURIComponent(pathname.slice('/mp/'.length));
  if (!STATIC_EXTENSIONS.has(extname(rel).toLowerCase())) return undefined;
  for (const candidate of [
    realPath(rel, MINIPROGRAM_ROOT),
    realPath(`weui-miniprogram/${rel}`, MINIPROGRAM_ROOT),
  ]) {
    if (candidate && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Options of the preview handler. */
interface PreviewOptions {
  /** The mini-program's folder (default: miniprogram/). */
  root?: string;
}

/** A request handler for the preview's paths; resolves false for paths it does not serve. */
export function createPreviewHandler(options: PreviewOptions = {}) {
  const root = options.root ?? MINIPROGRAM_ROOT;
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = url.pathname;
    if (path === '/' || path === '/index.html') {
      const mode = url.searchParams.has('fit') ? 'fit' : url.searchParams.has('bare') ? 'bare' : '';
      send(res, 200, TYPES['.html'], page(mode));
      return true;
    }
    if (path === '/preview/simulate.js') {
      send(res, 200, TYPES['.js'], patchedSimulate());
      return true;
    }
    if (path === '/preview/base.css') {
      send(res, 200, TYPES['.css'], readFileSync(BASE_CSS));
      return true;
    }
    if (path === '/preview/filemap.js') {
      let script: string;
      try {
        script = fileMapScript(root);
      } catch (error) {
        script = `window.__PREVIEW_ERROR__ = ${JSON.stringify((error as Error).message)};`;
      }
      send(res, 200, TYPES['.js'], script);
      return true;
    }
    if (path === '/preview/runtime.js') {
      send(res, 200, TYPES['.js'], await runtime());
      return true;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return true;
    }
    if (path.startsWith('/mp/')) {
      const file = staticFile(path);
      if (!file) send(res, 404, 'text/plain; charset=utf-8', 'not found');
      else
        send(res, 200, TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', readFileSync(file));
      return true;
    }
    return false;
  };
}
