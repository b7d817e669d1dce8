/**
 * What miniprogram-simulate lacks, for the mini-program tests (import it first, in a jsdom test file): the fake
 * `wx` of dev/wx (WeChat's behaviour, shared with the preview) with this harness as its host: wx.cloud calls
 * answered by per-test handlers, media from a queue and images on real temp files, files under a temp
 * USER_DATA_PATH, storage in a Map, WeChat's dialogs answered from queues and every screen recorded, getApp, and
 * wx.request / wx.uploadFile sent over HTTP (to the sandbox on 127.0.0.1).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { TextDecoder, TextEncoder } from 'util';
import { agreeByButton, createWx, type FileStore, type WxHost } from '../../dev/wx';

const WCC_DIR = path.resolve(__dirname, '../../node_modules/miniprogram-compiler/bin/linux');
for (const bin of ['wcc', 'wcsc']) {
  const file = path.join(WCC_DIR, bin);
  if (fs.existsSync(file) && (fs.statSync(file).mode & 0o111) === 0) fs.chmodSync(file, 0o755);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
import simulate = require('miniprogram-simulate');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulateUtils = require('miniprogram-simulate/src/utils') as { runJs: (file: string) => void };

export { simulate };

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const MP_ROOT = path.join(REPO_ROOT, 'miniprogram');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyObject = Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const g = globalThis as any;

/*
 * simulate runs a component's script with require(); jest keeps modules cached, so a second load() of the same
 * component (or a page that uses it) would not call Component() again. Remember each definition and replay it.
 */
const definitions = new Map<string, AnyObject>();
let loadingFile: string | undefined;
const registerComponent = g.Component as (options: AnyObject) => void;
g.Component = (options: AnyObject) => {
  if (loadingFile) definitions.set(loadingFile, options);
  registerComponent(options);
};
simulateUtils.runJs = (file: string) => {
  const before = definitions.get(file);
  loadingFile = file;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file);
  } finally {
    loadingFile = undefined;
  }
  if (before && definitions.get(file) === before) registerComponent(before);
};

export const userDataPath = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-user-'));
export const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-temp-'));

export interface CloudCall {
  name: string;
  data: AnyObject;
}
export interface Navigation {
  kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack';
  url?: string;
}
export interface Recorded {
  cloud: CloudCall[];
  uploads: { cloudPath: string; filePath: string }[];
  navigation: Navigation[];
  requests: { method: string; url: string; fields: AnyObject; file?: string }[];
  compress: { src: string; quality?: number; compressedWidth?: number }[];
  modals: { title?: string; content?: string; confirmText?: string }[];
  titles: string[];
  toasts: string[];
  scrolls: { selector?: string; scrollTop?: number }[];
  calls: string[];
}

export const recorded: Recorded = {
  cloud: [],
  uploads: [],
  navigation: [],
  requests: [],
  compress: [],
  modals: [],
  titles: [],
  toasts: [],
  scrolls: [],
  calls: [],
};
/** WeChat's language setting as the pages read it from wx.getAppBaseInfo(); zh_CN unless a test sets it. */
export const wechat = { language: 'zh_CN' };
/**
 * WeChat's own face verification as a test chooses it: whether the device supports it, the errCode of each
 * wx.requestFacialVerify (queued; empty: 0), and what was called (the base library and the settings page are
 * `platform`'s).
 */
export const facial = {
  supported: true,
  results: [] as number[],
  verifyIds: [] as string[],
  /** Runs when wx.requestFacialVerify is called (a test points its sandbox's outcome at the verify_id). */
  onVerify: undefined as ((verifyId: string) => void) | undefined,
};
/** What the person taps in the next wx.showModal dialogs (true: confirm); an empty queue means cancel. */
export const modalAnswers: boolean[] = [];

/** The back-arrow question wx.enableAlertBeforeUnload set (undefined while off or after disableAlertBeforeUnload). */
export const unloadAlert: { message?: string } = {};

/** Answers for wx.cloud.callFunction by function name; a handler that throws makes callFunction fail. */
export const cloudHandlers: Record<string, (data: AnyObject) => unknown> = {};
/** Queued results of wx.chooseMedia; an empty queue means the user cancelled. */
export const mediaQueue: AnyObject[] = [];
/** Size of the file compressImage writes, by quality; default: the source size scaled by quality / 100. */
export const imageBehaviour: {
  width: number;
  height: number;
  sizeFor?: (quality: number, srcSize: number) => number;
} = {
  width: 3000,
  height: 4000,
};
export const storage = new Map<string, unknown>();

/**
 * WeChat's platform state as the fake wx (dev/wx) models it, and what the tests make the person do on WeChat's own
 * screens: `promptAnswer` (WeChat's prompt for a never-asked scope: true allows), `settings` (what the person
 * switches on or off in WeChat's settings page, by scope), and the counts of those screens opened.
 */
export const platform = {
  privacyAgreed: true,
  privacyDeclared: true,
  contractName: '《实名人脸核身隐私保护指引》',
  sdkVersion: '3.8.12',
  authSetting: {} as Record<string, boolean>,
  agreeButtonsTapped: [] as string[],
  privacyRequests: [] as string[],
  prompts: [] as string[],
  promptAnswer: true,
  settings: {} as Record<string, boolean>,
  openSettingCalls: 0,
  privacyContractOpened: 0,
};
/** True while a tap's handlers run: wx.openSetting works only then. */
let inTap = false;
export const app: { globalData: AnyObject } = { globalData: {} };

let cloudUploadFails = false;
/** Makes wx.cloud.uploadFile fail until called again with false. */
export function failCloudUpload(fail: boolean): void {
  cloudUploadFails = fail;
}

/** Clears records, handlers, queues, storage and app state between tests. */
export function resetHarness(): void {
  recorded.cloud.length = 0;
  recorded.uploads.length = 0;
  recorded.navigation.length = 0;
  recorded.requests.length = 0;
  recorded.compress.length = 0;
  recorded.modals.length = 0;
  recorded.titles.length = 0;
  recorded.toasts.length = 0;
  recorded.scrolls.length = 0;
  recorded.calls.length = 0;
  wechat.language = 'zh_CN';
  Object.assign(facial, {
    supported: true,
    results: [],
    verifyIds: [],
    onVerify: undefined,
  });
  modalAnswers.length = 0;
  unloadAlert.message = undefined;
  for (const key of Object.keys(cloudHandlers)) delete cloudHandlers[key];
  mediaQueue.length = 0;
  imageBehaviour.width = 3000;
  imageBehaviour.height = 4000;
  imageBehaviour.sizeFor = undefined;
  storage.clear();
  app.globalData = {};
  Object.assign(platform, {
    privacyAgreed: true,
    privacyDeclared: true,
    sdkVersion: '3.8.12',
    authSetting: {},
    agreeButtonsTapped: [],
    promptAnswer: true,
    settings: {},
    privacyRequests: [],
    prompts: [],
    openSettingCalls: 0,
    privacyContractOpened: 0,
  });
  cloudUploadFails = false;
}

let tempCounter = 0;
/** Writes a file into the temp dir and returns its path. */
export function writeTempFile(name: string, bytes: Buffer | number): string {
  const file = path.join(tempDir, `${++tempCounter}-${name}`);
  fs.writeFileSync(file, typeof bytes === 'number' ? Buffer.alloc(bytes, 1) : bytes);
  return file;
}

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
}

/** One HTTP request with node's http module (jsdom has no fetch). */
export function httpRequest(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method,
      headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A multipart/form-data body with text fields and one file. */
export function multipart(
  fields: AnyObject,
  fileField: string,
  fileName: string,
  file: Buffer,
): { body: Buffer; type: string } {
  const boundary = `----mpTest${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${String(value)}\r\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${fileName}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

const headerText = (headers: http.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
  );

/** Local files are real files: temp files in tempDir, USER_DATA_PATH in userDataPath. */
const localFiles: FileStore = {
  read: (file) => (fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file) : undefined),
  write(file, bytes) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  },
  remove: (file) => fs.existsSync(file) && (fs.rmSync(file), true),
  exists: (file) => fs.existsSync(file),
  list: (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []),
};

/** The harness as the fake wx's host: WeChat's screens answered from the tests' queues, everything recorded. */
const host: WxHost = {
  storage,
  files: localFiles,
  userDataPath,
  language: () => wechat.language,
  fontSizeSetting: () => 16,
  inTap: () => inTap,
  askScope: async () => platform.promptAnswer,
  settingsPage: async () => {
    platform.openSettingCalls++;
    return platform.settings;
  },
  showPrivacyContract: () => {
    platform.privacyContractOpened++;
  },
  modal: async (o) => {
    recorded.modals.push({
      title: o.title,
      content: o.content,
      confirmText: o.confirmText,
    } as Recorded['modals'][0]);
    return { confirm: modalAnswers.shift() ?? false };
  },
  toast: (o) => void recorded.toasts.push(o.title as string),
  closeToast: () => undefined,
  navigate: (kind, url) => void recorded.navigation.push({ kind: kind as Navigation['kind'], url }),
  back: () => void recorded.navigation.push({ kind: 'navigateBack' }),
  setUnloadAlert: (message) => {
    unloadAlert.message = message;
  },
  setTitle: (title) => void recorded.titles.push(title),
  scrollTo: (scrollTop, selector) => void recorded.scrolls.push({ selector, scrollTop }),
  dial: (phoneNumber) => void recorded.calls.push(phoneNumber),
  runFunction: async (name, data) => {
    recorded.cloud.push({ name, data: JSON.parse(JSON.stringify(data)) as AnyObject });
    const handler = cloudHandlers[name];
    if (!handler) throw new Error(`no handler for cloud function ${name}`);
    return { result: await handler(data) };
  },
  cloudUpload: async (cloudPath, filePath) => {
    recorded.uploads.push({ cloudPath, filePath });
    if (cloudUploadFails) throw new Error('network');
    return `cloud://test-env.7465-test/${cloudPath}`;
  },
  facialSupported: () => facial.supported,
  facialVerify: async (verifyId) => {
    facial.verifyIds.push(verifyId);
    facial.onVerify?.(verifyId);
    const errCode = facial.results.shift() ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 0));
    return errCode;
  },
  pickMedia: async () => {
    const next = mediaQueue.shift();
    if (!next) throw new Error('cancel');
    return next;
  },
  imageSize: async (src) => {
    fs.accessSync(src);
    return { width: imageBehaviour.width, height: imageBehaviour.height, type: 'jpeg' };
  },
  compress: async ({ src, quality, compressedWidth }) => {
    recorded.compress.push({ src, quality, compressedWidth });
    const srcSize = fs.statSync(src).size;
    const size = imageBehaviour.sizeFor
      ? imageBehaviour.sizeFor(quality, srcSize)
      : Math.round((srcSize * quality) / 100);
    return writeTempFile(`compressed-q${quality}.jpg`, Math.max(1, size));
  },
  http: async ({ method, url, headers, body, data }) => {
    recorded.requests.push({ method, url, fields: data ?? {} });
    const bytes =
      body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : new Uint8Array(body));
    const res = await httpRequest(method, url, headers, bytes);
    return { status: res.status, headers: headerText(res.headers), body: res.bytes };
  },
  upload: async ({ url, headers, formData, name, filePath, bytes }) => {
    recorded.requests.push({ method: 'UPLOAD', url, fields: formData, file: filePath });
    const { body, type } = multipart(formData, name, path.basename(filePath), Buffer.from(bytes));
    const res = await httpRequest('POST', url, { ...headers, 'content-type': type }, body);
    return { status: res.status, body: res.body };
  },
};

// jsdom leaves out the text codecs the fake wx uses (the browser and Node.js both have them).
g.TextEncoder ??= TextEncoder;
g.TextDecoder ??= TextDecoder;
Object.assign(g.wx, createWx(host, platform));
g.getApp = () => app;
g.getCurrentPages = () => [];

/** Loads a page or component of the mini-program (path relative to miniprogram/), compiled by the official wcc. */
export function load(relative: string, usingComponents?: Record<string, string>): string {
  const file = path.isAbsolute(relative) ? relative : path.join(MP_ROOT, relative);
  return simulate.load(file, { rootPath: REPO_ROOT, compiler: 'official', usingComponents });
}

/** A rendered component as the tests use it. */
export interface Mounted {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  instance: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  dom?: { textContent: string | null; getAttribute(name: string): string | null };
  querySelector(selector: string): Mounted | undefined;
  querySelectorAll(selector: string): Mounted[];
  dispatchEvent(eventName: string, options?: AnyObject): void;
  triggerLifeTime(name: string): void;
  triggerPageLifeTime(name: string): void;
  toJSON(): { attrs: { name: string; value: unknown }[] };
  attach(parent: unknown): void;
  detach(): void;
}

/** Renders and attaches a loaded component with the given properties. */
export function mount(id: string, properties?: AnyObject): Mounted {
  const component = simulate.render(id, properties) as unknown as Mounted;
  component.attach(g.document.createElement('parent-wrapper'));
  return component;
}

/**
 * The person taps WeChat's back arrow on `page` (not a page's own navigateBack): with an alert enabled WeChat first
 * asks with its message (a dialog answered from modalAnswers), and only a confirmed back unloads the page.
 * Resolves whether the page was left.
 */
export async function pressBack(page: Mounted): Promise<boolean> {
  if (unloadAlert.message !== undefined) {
    recorded.modals.push({ content: unloadAlert.message });
    await Promise.resolve();
    if (!(modalAnswers.shift() ?? false)) return false;
  }
  unloadAlert.message = undefined;
  recorded.navigation.push({ kind: 'navigateBack' });
  page.instance.onUnload();
  return true;
}

/** Lets pending promises, timers of 0 ms and setData run. */
export function flush(ms = 0): Promise<void> {
  return simulate.sleep(ms);
}

/** The least a wait gets before it fails: a loaded 2-core machine can take seconds for what takes milliseconds. */
const UNTIL_FLOOR_MS = 10_000;

/**
 * Waits until `check` returns a truthy value, polling; fails after `timeoutMs`, but never sooner than 10 s (the
 * deadline only catches what never happens).
 */
export async function until<T>(
  check: () => T,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const start = Date.now();
  const limit = Math.max(timeoutMs, UNTIL_FLOOR_MS);
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > limit) throw new Error(`timed out waiting for ${what}`);
    await simulate.sleep(10);
  }
}

/** The selected element's text, whitespace-collapsed; '' when it is absent. */
export function text(root: Mounted, selector: string): string {
  const node = root.querySelector(selector);
  return node ? (node.dom?.textContent ?? '').replace(/\s+/g, ' ').trim() : '';
}

/** Whether the selected element exists and is not disabled. */
export function enabled(root: Mounted, selector: string): boolean {
  const node = root.querySelector(selector);
  if (!node) return false;
  const disabled = node.toJSON().attrs.find((attr) => attr.name === 'disabled');
  return !disabled || disabled.value === false || disabled.value === 'false' || disabled.value === '';
}

/** A property of a rendered element (camelCase, as j-component lists it), '' when absent. */
function attr(node: Mounted, name: string): string {
  const found = node.toJSON().attrs.find((a) => a.name === name);
  return found === undefined ? '' : String(found.value);
}

/**
 * Taps the selected element (it must exist), as a user gesture. A button with open-type="agreePrivacyAuthorization"
 * agrees to the privacy guide first, then fires its agreeprivacyauthorization event, as WeChat does.
 */
export function tap(root: Mounted, selector: string): void {
  const node = root.querySelector(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  inTap = true;
  node.dispatchEvent('tap');
  if (attr(node, 'openType') === 'agreePrivacyAuthorization') {
    agreeByButton(platform, attr(node, 'id'));
    node.dispatchEvent('agreeprivacyauthorization', { detail: {} });
  }
  // j-component delivers the events in a microtask: the gesture ends once their handlers have run.
  void Promise.resolve().then(() => {
    inTap = false;
  });
}

/** Fires an input event with the given value. */
export function type(root: Mounted, selector: string, value: string): void {
  const node = root.querySelector(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  node.dispatchEvent('input', { detail: { value } });
}

/** Fires a change event with the given detail value. */
export function change(root: Mounted, selector: string, value: unknown): void {
  const node = root.querySelector(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  node.dispatchEvent('change', { detail: { value } });
}

/** A promise with its resolve function, to hold a stubbed cloud function's answer. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Records the arguments of every wx.setStorage* / wx.batchSetStorage* call (nothing is stored) until stop(). */
export function spyStorageWrites(): { writes: unknown[]; stop: () => void } {
  const writes: unknown[] = [];
  const spies = (['setStorage', 'setStorageSync', 'batchSetStorage', 'batchSetStorageSync'] as const).map(
    (api) =>
      jest.spyOn(wx, api).mockImplementation(((...args: unknown[]) => void writes.push(args)) as never),
  );
  return { writes, stop: () => spies.forEach((spy) => spy.mockRestore()) };
}
