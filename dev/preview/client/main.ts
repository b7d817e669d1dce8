/** The preview's entry: installs the shim, the built-in components and the app, then opens the first page. */
import { onControlClick, registerBuiltins } from './builtins';
import { installRequire, requireModule } from './modules';
import * as router from './router';
import { installTouchBridge } from './touch';
import type { Dict } from './types';
import { createPreviewWx, fontScale } from './wx';

function showFatal(error: unknown): void {
  console.error(error);
  const box = document.getElementById('fatal');
  if (!box) return;
  box.hidden = false;
  box.textContent = `预览出错：${error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error)}`;
}

function installApp(): void {
  let app: Dict | undefined;
  window.App = (options: Dict) => {
    app = { ...options, globalData: { ...(options.globalData ?? {}) } };
  };
  window.getApp = () => app ?? {};
  window.getCurrentPages = () => router.currentPages();
  window.Page = (options: Dict) => {
    const { data, ...rest } = options;
    const methods: Dict = {};
    const plain: Dict = {};
    for (const [k, v] of Object.entries(rest)) (typeof v === 'function' ? methods : plain)[k] = v;
    window.Component({ data, methods, ...plain });
  };
  requireModule('app');
  if (!app) throw new Error('app.js did not call App()');
  const globalData = app.globalData as Dict;
  if (!globalData.faceidHost) globalData.faceidHost = location.origin;
  const launch = { path: router.firstPage(), query: {}, scene: 1001, referrerInfo: {} };
  for (const name of ['onLaunch', 'onShow']) {
    const fn = app[name];
    if (typeof fn === 'function') (fn as (o: unknown) => void).call(app, launch);
  }
}

function start(): void {
  const buildError = (window as { __PREVIEW_ERROR__?: string }).__PREVIEW_ERROR__;
  if (buildError) throw new Error(`the mini-program could not be compiled: ${buildError}`);
  window.addEventListener('error', (e) => console.error('[preview]', e.error ?? e.message));
  window.addEventListener('unhandledrejection', (e) =>
    console.error('[preview] unhandled rejection', e.reason),
  );
  installRequire();
  document.documentElement.style.setProperty('--wx-font-scale', String(fontScale()));
  window.wx = createPreviewWx(window.wx ?? {});
  registerBuiltins();
  installTouchBridge();
  document.addEventListener('click', onControlClick);
  router.initNav();
  installApp();
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const wanted =
    hash && window.__APP_CONFIG__.app.pages.includes(hash.split('?')[0]) ? hash : router.firstPage();
  router.navigate(`/${wanted}`, 'reLaunch');
  document.body.dataset.ready = '1';
}

try {
  start();
} catch (error) {
  showFatal(error);
}
