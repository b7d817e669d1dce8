/**
 * The files miniprogram-simulate reads in browser mode (window.__FILE_MAP__): every page and component reachable
 * from app.json, their .json/.wxml/.wxss, and their scripts compiled per file to CommonJS as the mini-program
 * TypeScript plugin would, with paths relative to the mini-program root.
 */
import { transformSync } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';

export const MINIPROGRAM_ROOT = resolve(__dirname, '..', '..', 'miniprogram');
/** Where WeChat's extended library `weui` (app.json useExtendedLib) comes from. */
const WEUI_ROOT = resolve(__dirname, '..', '..', 'node_modules', 'weui-miniprogram', 'miniprogram_dist');
const WEUI_PREFIX = 'weui-miniprogram/';
const WEUI_BASE_WXSS = 'weui-miniprogram/weui-wxss/dist/style/weui.wxss';

interface AppConfig {
  pages: string[];
  window?: Record<string, unknown>;
  usingComponents?: Record<string, string>;
  useExtendedLib?: Record<string, boolean>;
}

interface FileMap {
  files: Record<string, string>;
  app: AppConfig;
  /** Each page's own .json (navigation bar title and so on), by page path. */
  pageConfigs: Record<string, Record<string, unknown>>;
}

/** The real file behind a path of the mini-program's virtual tree, or undefined. */
export function realPath(virtual: string, root = MINIPROGRAM_ROOT): string | undefined {
  const clean = posix.normalize(virtual.replace(/^\/+/, ''));
  if (clean.startsWith('..')) return undefined;
  const base = clean.startsWith(WEUI_PREFIX) ? WEUI_ROOT : root;
  const rest = clean.startsWith(WEUI_PREFIX) ? clean.slice(WEUI_PREFIX.length) : clean;
  const full = resolve(base, rest);
  if (full !== base && !full.startsWith(base + '/')) return undefined;
  return full;
}

function read(virtual: string, root: string): string | undefined {
  const full = realPath(virtual, root);
  return full && existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

/** 750 rpx is the screen width; the preview's screen is 375 px wide. */
function rpxToPx(css: string): string {
  return css.replace(/(-?\d*\.?\d+)rpx\b/g, (_all, n: string) => `${Number((Number(n) / 2).toFixed(3))}px`);
}

/**
 * Font sizes follow the system font setting as WeChat's text zoom does: every `font-size` in px is multiplied by
 * `--wx-font-scale` (1 unless the preview is opened with `?font=<scale>`).
 */
function scaleFontSizes(css: string): string {
  return css.replace(
    /font-size\s*:\s*([^;}!]*\dpx[^;}!]*?)(\s*!important)?\s*(?=[;}])/g,
    (_all, value: string, important = '') =>
      `font-size: calc(${value.trim()} * var(--wx-font-scale, 1))${important}`,
  );
}

/** Compiles one script to CommonJS; `exports` is bound because simulate only passes require and module. */
function compileScript(source: string, file: string): string {
  const loader = file.endsWith('.ts') ? 'ts' : 'js';
  const { code } = transformSync(source, {
    loader,
    format: 'cjs',
    target: 'es2020',
    sourcefile: file,
    sourcemap: 'inline',
  });
  return `var exports = module.exports;\n${code}`;
}

function requiresOf(code: string): string[] {
  const found: string[] = [];
  for (const m of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]);
  return found;
}

/** Builds the file map of the mini-program under `root`. */
function buildFileMap(root = MINIPROGRAM_ROOT): FileMap {
  const files: Record<string, string> = {};
  const app = JSON.parse(read('app.json', root) ?? '{"pages":[]}') as AppConfig;
  const weui = Boolean(app.useExtendedLib?.weui);
  const pageConfigs: Record<string, Record<string, unknown>> = {};
  const doneComponents = new Set<string>();
  const doneModules = new Set<string>();

  const exists = (virtual: string): boolean => read(virtual, root) !== undefined;

  /** A usingComponents value resolved as WeChat does (relative, absolute, miniprogram_npm, extended lib). */
  function resolveComponent(from: string, value: string): string | undefined {
    const withIndex = (p: string): string | undefined => {
      if (exists(`${p}.json`)) return p;
      if (exists(`${p}/index.json`)) return `${p}/index`;
      return undefined;
    };
    if (value.startsWith('plugin://')) return undefined;
    if (value.startsWith('/')) return withIndex(posix.normalize(value.slice(1)));
    if (value.startsWith('.')) return withIndex(posix.join(posix.dirname(from), value));
    for (let dir = posix.dirname(from); ; dir = posix.dirname(dir)) {
      const base = dir === '.' ? 'miniprogram_npm' : `${dir}/miniprogram_npm`;
      const hit = withIndex(`${base}/${value}`);
      if (hit) return hit;
      if (dir === '.' || dir === '/' || dir === '') break;
    }
    if (weui && value.startsWith(WEUI_PREFIX)) return withIndex(value);
    return withIndex(value);
  }

  function addModule(virtualNoExt: string): void {
    const clean = posix.normalize(virtualNoExt).replace(/\.(js|ts)$/, '');
    if (doneModules.has(clean)) return;
    doneModules.add(clean);
    for (const candidate of [clean, `${clean}/index`]) {
      for (const ext of ['.ts', '.js']) {
        const source = read(candidate + ext, root);
        if (source === undefined) continue;
        const code = compileScript(source, candidate + ext);
        files[`${candidate}.js`] = code;
        for (const dep of requiresOf(code)) {
          if (dep.startsWith('.')) addModule(posix.join(posix.dirname(candidate), dep));
          else if (dep.startsWith('/')) addModule(dep.slice(1));
        }
        return;
      }
    }
  }

  function addWxss(virtual: string, prepend: string[]): void {
    const source = read(virtual, root);
    const imports = prepend.map((p) => `@import "${posix.relative(posix.dirname(virtual), p)}";\n`).join('');
    if (source === undefined && imports === '') return;
    const css = imports + scaleFontSizes(rpxToPx(source ?? ''));
    files[virtual] = css;
    for (const m of css.matchAll(/@import\s+["']([^"']+)["']/g)) {
      const target = m[1].startsWith('/') ? m[1].slice(1) : posix.join(posix.dirname(virtual), m[1]);
      if (!(target in files)) addWxss(posix.normalize(target), []);
    }
  }

  function addComponent(path: string, isPage: boolean): void {
    if (doneComponents.has(path)) return;
    doneComponents.add(path);
    const json = JSON.parse(read(`${path}.json`, root) ?? '{}') as Record<string, unknown>;
    const using = {
      ...(app.usingComponents ?? {}),
      ...((json.usingComponents as Record<string, string>) ?? {}),
    };
    const resolved: Record<string, string> = {};
    for (const [tag, value] of Object.entries(using)) {
      const target = resolveComponent(path, value);
      if (!target) continue;
      resolved[tag] = `/${target}`;
      addComponent(target, false);
    }
    files[`${path}.json`] = JSON.stringify({ ...json, usingComponents: resolved });
    if (isPage) pageConfigs[path] = json;
    const wxml = read(`${path}.wxml`, root);
    files[`${path}.wxml`] = wxml ?? '';
    const prepend: string[] = [];
    if (isPage && exists('app.wxss')) prepend.push('app.wxss');
    if (weui && path.startsWith(WEUI_PREFIX)) prepend.push(WEUI_BASE_WXSS);
    addWxss(`${path}.wxss`, prepend);
    addModule(path);
  }

  if (exists('app.wxss')) addWxss('app.wxss', []);
  addModule('app');
  for (const page of app.pages) addComponent(page, true);
  return { files, app, pageConfigs };
}

/** The file map as a script that sets window.__FILE_MAP__ and window.__APP_CONFIG__. */
export function fileMapScript(root = MINIPROGRAM_ROOT): string {
  const map = buildFileMap(root);
  return (
    `window.__FILE_MAP__ = ${JSON.stringify(map.files)};\n` +
    `window.__APP_CONFIG__ = ${JSON.stringify({ app: map.app, pages: map.pageConfigs })};\n`
  );
}
