/** The page stack: loads each page once with simulate, renders instances, runs page lifetimes, draws the nav bar. */
import { textOf } from './text';
import { watchNewComponents } from './lifetimes';
import { wxError } from '../../wx';
import type { Dict, MethodCaller, RootComponent } from './types';
import { showModal } from './ui';

const MAX_STACK = 10;

interface PageEntry {
  path: string;
  query: Record<string, string>;
  comp: RootComponent;
  wrap: HTMLElement;
  title?: string;
  /** wx.enableAlertBeforeUnload's question: the nav bar's back arrow asks it before leaving this page. */
  unloadAlert?: string;
  stopWatching: () => void;
}

const stack: PageEntry[] = [];
const ids = new Map<string, string>();

/**
 * The browser's history mirrors the page stack, so its back button goes back within the preview. `depth` is the
 * history entry shown now (its state's `previewDepth`); the bottom page of the stack sits at `depth - stack.length
 * + 1`. Entry 0 is a guard: going back to it from the first page stays in the preview.
 */
let depth = 0;
/** A depth the preview itself moved the history to (navigateBack): its popstate is not a person's back. */
let expectedDepth: number | undefined;
let historyStarted = false;

function historyState(): { previewDepth: number } {
  return { previewDepth: depth };
}

function config(): Window['__APP_CONFIG__'] {
  return window.__APP_CONFIG__;
}

/** The app's first page (its home). */
export function firstPage(): string {
  return config().app.pages[0] ?? '';
}

/** The page instances, bottom first, as getCurrentPages() returns them. */
export function currentPages(): MethodCaller[] {
  return stack.map((p) => p.comp.instance);
}

function pageId(path: string): string {
  let id = ids.get(path);
  if (!id) {
    id = window.simulate.load(path, 'page', { compiler: 'simulate', rootPath: '/' });
    ids.set(path, id);
  }
  return id;
}

function parseUrl(url: string, api: string): { path: string; query: Record<string, string> } {
  const [rawPath, rawQuery = ''] = url.split('?');
  let path = rawPath;
  if (!path.startsWith('/')) {
    const current = stack[stack.length - 1]?.path ?? '';
    path = `${current.split('/').slice(0, -1).join('/')}/${path}`;
  }
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  path = parts.join('/');
  if (!config().app.pages.includes(path)) throw wxError(api, `page "${path}" is not found`);
  const query: Record<string, string> = {};
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    query[i < 0 ? pair : pair.slice(0, i)] = i < 0 ? '' : pair.slice(i + 1);
  }
  return { path, query };
}

function call(inst: MethodCaller, name: string, ...args: unknown[]): void {
  const fn = inst[name];
  if (typeof fn !== 'function') return;
  try {
    const out = (fn as (...a: unknown[]) => unknown).apply(inst, args);
    if (out instanceof Promise) out.catch((error: unknown) => console.error(`${name} failed`, error));
  } catch (error) {
    console.error(`${name} failed`, error);
  }
}

function pageTitle(entry: PageEntry): string {
  if (entry.title !== undefined) return entry.title;
  const own = config().pages[entry.path]?.navigationBarTitleText;
  const app = config().app.window?.navigationBarTitleText;
  return textOf(own ?? app);
}

let navColors: { front?: string; back?: string } = {};

function pageWindow(entry: PageEntry | undefined): Dict {
  return { ...(config().app.window ?? {}), ...(entry ? (config().pages[entry.path] ?? {}) : {}) };
}

function drawNav(): void {
  const top = stack[stack.length - 1];
  const win = pageWindow(top);
  const nav = document.getElementById('navbar') as HTMLElement;
  const title = document.getElementById('nav-title') as HTMLElement;
  const backBtn = document.getElementById('nav-back') as HTMLElement;
  const homeBtn = document.getElementById('nav-home') as HTMLElement;
  nav.hidden = win.navigationStyle === 'custom';
  title.textContent = top ? pageTitle(top) : '';
  nav.style.background = navColors.back || textOf(win.navigationBarBackgroundColor ?? '#ededed');
  nav.style.color = navColors.front || (win.navigationBarTextStyle === 'white' ? '#fff' : '#000');
  backBtn.hidden = stack.length < 2;
  homeBtn.hidden = stack.length !== 1 || !top || top.path === firstPage();
  const pages = document.getElementById('pages') as HTMLElement;
  pages.style.background = textOf(win.backgroundColor ?? '#fff');
  document.title = `${title.textContent || 'Preview'} · 小程序预览`;
  if (top) history.replaceState(historyState(), '', hashOf(top));
}

function hashOf(entry: PageEntry): string {
  return `#/${entry.path}${queryString(entry.query)}`;
}

/** A new history entry for the page just opened (navigateTo, reLaunch). */
function pushHistory(): void {
  if (!historyStarted) {
    historyStarted = true;
    history.replaceState({ previewDepth: 0 }, '', location.href);
  }
  depth += 1;
  const top = stack[stack.length - 1];
  history.pushState(historyState(), '', top ? hashOf(top) : location.href);
}

/** The browser's back (or forward) button: pops pages, and never leaves the preview from its first page. */
function onPopState(e: PopStateEvent): void {
  const target = (e.state as { previewDepth?: number } | null)?.previewDepth;
  if (typeof target !== 'number') return;
  if (expectedDepth !== undefined && target === expectedDepth) {
    expectedDepth = undefined;
    return;
  }
  if (target > depth) {
    expectedDepth = depth;
    history.go(depth - target);
    return;
  }
  const wanted = depth - target;
  const poppable = Math.min(wanted, stack.length - 1);
  if (poppable > 0) popPages(poppable);
  depth = target;
  // Back past the first page stays on it, with a new entry to go back from again.
  if (wanted > poppable) pushHistory();
  else drawNav();
}

function queryString(query: Record<string, string>): string {
  const q = Object.entries(query)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return q ? `?${q}` : '';
}

function mount(path: string, query: Record<string, string>): PageEntry {
  const comp = window.simulate.render(pageId(path));
  const inst = comp.instance;
  Object.assign(inst, { route: path, __route__: path, options: query });
  const wrap = document.createElement('div');
  wrap.className = 'wx-page';
  wrap.dataset.route = path;
  (document.getElementById('pages') as HTMLElement).appendChild(wrap);
  const entry: PageEntry = { path, query, comp, wrap, stopWatching: () => undefined };
  stack.push(entry);
  navColors = {};
  call(inst, 'onLoad', { ...query });
  comp.attach(wrap);
  entry.stopWatching = watchNewComponents(wrap);
  call(inst, 'onShow');
  comp.triggerPageLifeTime('show');
  drawNav();
  call(inst, 'onReady');
  return entry;
}

function hide(entry: PageEntry): void {
  call(entry.comp.instance, 'onHide');
  entry.comp.triggerPageLifeTime('hide');
  entry.wrap.hidden = true;
}

function unload(entry: PageEntry): void {
  call(entry.comp.instance, 'onUnload');
  entry.stopWatching();
  entry.comp.detach();
  entry.wrap.remove();
}

/** navigateTo / redirectTo / reLaunch. */
export function navigate(url: string, how: 'navigateTo' | 'redirectTo' | 'reLaunch', _events?: Dict): Dict {
  const { path, query } = parseUrl(url, how);
  if (how === 'navigateTo') {
    if (stack.length >= MAX_STACK) throw wxError(how, `webview count limit exceed`);
    const top = stack[stack.length - 1];
    if (top) hide(top);
  } else if (how === 'redirectTo') {
    const top = stack.pop();
    if (top) unload(top);
  } else {
    while (stack.length) unload(stack.pop() as PageEntry);
  }
  mount(path, query);
  if (how !== 'redirectTo') pushHistory();
  return {};
}

function popPages(n: number): void {
  for (let i = 0; i < n; i++) unload(stack.pop() as PageEntry);
  const top = stack[stack.length - 1];
  top.wrap.hidden = false;
  navColors = {};
  call(top.comp.instance, 'onShow');
  top.comp.triggerPageLifeTime('show');
}

/** navigateBack (the pages' own, or the nav bar's back button); the browser's history follows. */
export function back(delta: number): Dict {
  if (stack.length < 2) throw wxError('navigateBack', 'cannot navigate back at first page.');
  const n = Math.min(Math.max(1, delta), stack.length - 1);
  popPages(n);
  depth -= n;
  expectedDepth = depth;
  history.go(-n);
  drawNav();
  return {};
}

/** wx.enableAlertBeforeUnload (a message) / wx.disableAlertBeforeUnload (undefined) for the top page. */
export function setUnloadAlert(message: string | undefined): void {
  const top = stack[stack.length - 1];
  if (top) top.unloadAlert = message;
}

/** The nav bar's back arrow: as WeChat's, it asks first when the page enabled the alert (the pages' own navigateBack never does). */
async function backArrow(): Promise<void> {
  const top = stack[stack.length - 1];
  if (stack.length < 2 || !top) return;
  if (top.unloadAlert !== undefined) {
    const { confirm } = await showModal({ content: top.unloadAlert });
    if (!confirm || stack[stack.length - 1] !== top) return;
  }
  back(1);
}

/** setNavigationBarTitle for the top page. */
export function setTitle(title: string): void {
  const top = stack[stack.length - 1];
  if (top) top.title = title;
  drawNav();
}

/** setNavigationBarColor for the top page. */
export function setNavColors(front: string, back: string): void {
  navColors = { front: front || navColors.front, back: back || navColors.back };
  drawNav();
}

/** pageScrollTo: to a position, or to the element a selector names. */
export function scrollTo(top: number, selector?: string): void {
  const entry = stack[stack.length - 1];
  if (!entry) return;
  const wrap = entry.wrap;
  const target = selector ? entry.comp.querySelector(selector)?.dom : undefined;
  if (target) {
    wrap.scrollTo({
      top: target.getBoundingClientRect().top - wrap.getBoundingClientRect().top + wrap.scrollTop,
    });
    return;
  }
  wrap.scrollTo({ top });
}

/** Wires the nav bar buttons and the browser's back button. */
export function initNav(): void {
  window.addEventListener('popstate', onPopState);
  (document.getElementById('nav-back') as HTMLElement).addEventListener('click', () => void backArrow());
  (document.getElementById('nav-home') as HTMLElement).addEventListener('click', () =>
    navigate(`/${firstPage()}`, 'reLaunch'),
  );
}
