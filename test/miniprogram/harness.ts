/**
 * What miniprogram-simulate lacks, for the mini-program tests (import it first, in a jsdom test file):
 * recorded wx.cloud calls answered by per-test handlers, wx.chooseMedia / compressImage / getImageInfo on real
 * temp files, a file-system manager over a temp USER_DATA_PATH, storage, navigation and dialog recorders, getApp,
 * and wx.request / wx.uploadFile sent over HTTP (to the sandbox on 127.0.0.1).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

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
 * WeChat's privacy authorization and permissions as the fake wx models them (PrivacyAuthorize.html, wx.authorize,
 * wx.openSetting): a privacy-scoped call before agreement raises onNeedPrivacyAuthorization and, without an agree
 * from a tapped agreePrivacyAuthorization button, fails with errno 104; one the guide lacks fails with errno 112;
 * a scope said no to fails `…:fail auth deny` until the settings page (opened only from a tap) turns it on.
 */
export const platform = {
  privacyAgreed: true,
  privacyDeclared: true,
  contractName: '《实名人脸核身隐私保护指引》',
  sdkVersion: '3.8.12',
  /** Scopes asked before, as wx.getSetting answers: true allowed, false said no to; absent never asked. */
  authSetting: {} as Record<string, boolean>,
  /** What the person answers when WeChat asks for a scope (wx.authorize, a first camera use): true allows. */
  promptAnswer: true,
  /** What the person switches on (true) or off in WeChat's settings page, by scope. */
  settings: {} as Record<string, boolean>,
  /** Privacy-scoped calls that raised onNeedPrivacyAuthorization, by interface. */
  privacyRequests: [] as string[],
  /** Scopes WeChat asked the person for, in order. */
  prompts: [] as string[],
  openSettingCalls: 0,
  privacyContractOpened: 0,
};
/** The ids of agreePrivacyAuthorization buttons tapped (WeChat checks resolve's buttonId against them). */
const agreeButtonsTapped = new Set<string>();
let privacyListener: ((resolve: (answer: AnyObject) => void, info: AnyObject) => void) | undefined;
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
    promptAnswer: true,
    settings: {},
    privacyRequests: [],
    prompts: [],
    openSettingCalls: 0,
    privacyContractOpened: 0,
  });
  agreeButtonsTapped.clear();
  cloudUploadFails = false;
}

type Callbacks = {
  success?: (r: AnyObject) => void;
  fail?: (e: AnyObject) => void;
  complete?: (r: AnyObject) => void;
};

/** A wx-style async API: callbacks when given, otherwise a promise; rejections carry `errMsg`. */
/** A failed WeChat API call as WeChat rejects it: a plain object, not an Error. */
interface WxFailure {
  errMsg: string;
  errno?: number;
}

/** A failure in WeChat's shape, with its errno when WeChat gives one. */
function wxFailure(errMsg: string, errno?: number): WxFailure {
  return errno === undefined ? { errMsg } : { errMsg, errno };
}

function asyncApi<P extends AnyObject>(name: string, impl: (params: P) => Promise<AnyObject> | AnyObject) {
  return (params: P & Callbacks = {} as P & Callbacks) => {
    const result = Promise.resolve()
      .then(() => impl(params))
      .then(
        (r) => ({ errMsg: `${name}:ok`, ...r }),
        (e: unknown) => {
          if (e && typeof e === 'object' && typeof (e as WxFailure).errMsg === 'string') throw e;
          const failure: WxFailure = { errMsg: `${name}:fail ${e instanceof Error ? e.message : String(e)}` };
          throw failure;
        },
      );
    if (params.success || params.fail || params.complete) {
      result.then(
        (r) => {
          params.success?.(r);
          params.complete?.(r);
        },
        (e: AnyObject) => {
          params.fail?.(e);
          params.complete?.(e);
        },
      );
      return undefined;
    }
    return result;
  };
}

/** WeChat's privacy check before a privacy-scoped interface runs. */
async function privacyGate(api: string): Promise<void> {
  if (!platform.privacyDeclared)
    throw wxFailure(`${api}:fail api scope is not declared in the privacy agreement`, 112);
  if (platform.privacyAgreed) return;
  platform.privacyRequests.push(api);
  const listener = privacyListener;
  if (listener) {
    const answer = await new Promise<AnyObject>((resolve) =>
      listener(
        (a) => {
          if (a.event !== 'exposureAuthorization') resolve(a);
        },
        { referrer: api },
      ),
    );
    if (answer.event === 'agree' && agreeButtonsTapped.has(String(answer.buttonId))) {
      platform.privacyAgreed = true;
      return;
    }
  }
  throw wxFailure(`${api}:fail privacy permission is not authorized`, 104);
}

/** A scope's permission: said no to fails at once; never asked, the person is asked (promptAnswer). */
function scopeGate(api: string, scope: string): void {
  if (platform.authSetting[scope] === undefined) {
    platform.prompts.push(scope);
    platform.authSetting[scope] = platform.promptAnswer;
  }
  if (!platform.authSetting[scope]) throw wxFailure(`${api}:fail auth deny`);
}

let tempCounter = 0;
/** Writes a file into the temp dir and returns its path. */
export function writeTempFile(name: string, bytes: Buffer | number): string {
  const file = path.join(tempDir, `${++tempCounter}-${name}`);
  fs.writeFileSync(file, typeof bytes === 'number' ? Buffer.alloc(bytes, 1) : bytes);
  return file;
}

function toBuffer(data: unknown): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object ArrayBuffer]') {
    return Buffer.from(new Uint8Array(data as ArrayBuffer));
  }
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new Error('unsupported data');
}

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
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
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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

const fileSystemManager = {
  writeFileSync(filePath: string, data: unknown) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    fs.writeFileSync(filePath, toBuffer(data));
  },
  writeFile: asyncApi('writeFile', (p: AnyObject) => {
    fileSystemManager.writeFileSync(p.filePath, p.data);
    return {};
  }),
  readFileSync(filePath: string) {
    const b = fs.readFileSync(filePath);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  },
  getFileInfo: asyncApi('getFileInfo', (p: AnyObject) => ({ size: fs.statSync(p.filePath).size })),
  accessSync(filePath: string) {
    fs.accessSync(filePath);
  },
};

const shims: AnyObject = {
  env: { USER_DATA_PATH: userDataPath },
  getAppBaseInfo: () => ({ language: wechat.language, SDKVersion: platform.sdkVersion, theme: 'light' }),
  getPrivacySetting: asyncApi('getPrivacySetting', () => ({
    needAuthorization: !platform.privacyAgreed,
    privacyContractName: platform.contractName,
  })),
  openPrivacyContract: asyncApi('openPrivacyContract', () => {
    platform.privacyContractOpened++;
    return {};
  }),
  onNeedPrivacyAuthorization: (listener: typeof privacyListener) => {
    privacyListener = listener;
  },
  requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', async () => {
    await privacyGate('requirePrivacyAuthorize');
    return {};
  }),
  getSetting: asyncApi('getSetting', () => ({ authSetting: { ...platform.authSetting } })),
  authorize: asyncApi('authorize', async (p: AnyObject) => {
    await privacyGate('authorize');
    scopeGate('authorize', String(p.scope));
    return {};
  }),
  openSetting: (p: AnyObject & Callbacks = {}) => {
    const fromTap = inTap;
    return asyncApi('openSetting', () => {
      if (!fromTap) throw wxFailure('openSetting:fail can only be invoked by user TAP gesture.');
      platform.openSettingCalls++;
      Object.assign(platform.authSetting, platform.settings);
      return { authSetting: { ...platform.authSetting } };
    })(p);
  },
  checkIsSupportFacialRecognition: (o: AnyObject) => {
    if (facial.supported) o.success?.({ errMsg: 'checkIsSupportFacialRecognition:ok', errCode: 0 });
    else o.fail?.({ errMsg: 'checkIsSupportFacialRecognition:fail No front camera', errCode: 10001 });
  },
  requestFacialVerify: (o: AnyObject) => {
    facial.verifyIds.push(o.verifyId);
    facial.onVerify?.(o.verifyId);
    const errCode = facial.results.shift() ?? 0;
    setTimeout(() => {
      if (errCode === 0) o.success?.({ errMsg: 'requestFacialVerify:ok', errCode });
      else o.fail?.({ errMsg: 'requestFacialVerify:fail', errCode });
    }, 0);
  },
  setNavigationBarTitle: asyncApi('setNavigationBarTitle', (p: AnyObject) => {
    recorded.titles.push(p.title);
    return {};
  }),
  showToast: asyncApi('showToast', (p: AnyObject) => {
    recorded.toasts.push(p.title);
    return {};
  }),
  pageScrollTo: asyncApi('pageScrollTo', (p: AnyObject) => {
    recorded.scrolls.push({ selector: p.selector, scrollTop: p.scrollTop });
    return {};
  }),
  makePhoneCall: asyncApi('makePhoneCall', (p: AnyObject) => {
    recorded.calls.push(p.phoneNumber);
    return {};
  }),
  cloud: {
    init() {},
    callFunction: asyncApi('cloud.callFunction', async (p: AnyObject) => {
      recorded.cloud.push({ name: p.name, data: JSON.parse(JSON.stringify(p.data ?? {})) });
      const handler = cloudHandlers[p.name];
      if (!handler) throw new Error(`no handler for cloud function ${p.name}`);
      return { result: await handler(p.data ?? {}) };
    }),
    uploadFile: asyncApi('cloud.uploadFile', (p: AnyObject) => {
      recorded.uploads.push({ cloudPath: p.cloudPath, filePath: p.filePath });
      if (cloudUploadFails) throw new Error('network');
      fs.accessSync(p.filePath);
      return { fileID: `cloud://test-env.7465-test/${p.cloudPath}`, statusCode: 200 };
    }),
  },
  chooseMedia: asyncApi('chooseMedia', async (p: AnyObject) => {
    await privacyGate('chooseMedia');
    const sources = (p.sourceType as string[] | undefined) ?? ['album', 'camera'];
    const types = (p.mediaType as string[] | undefined) ?? ['image', 'video'];
    if (sources.includes('camera')) {
      scopeGate('chooseMedia', 'scope.camera');
      if (types.includes('video')) scopeGate('chooseMedia', 'scope.record');
    }
    const next = mediaQueue.shift();
    if (!next) throw new Error('cancel');
    return next;
  }),
  getImageInfo: asyncApi('getImageInfo', (p: AnyObject) => {
    fs.accessSync(p.src);
    return { width: imageBehaviour.width, height: imageBehaviour.height, path: p.src, type: 'jpeg' };
  }),
  compressImage: asyncApi('compressImage', (p: AnyObject) => {
    recorded.compress.push({ src: p.src, quality: p.quality, compressedWidth: p.compressedWidth });
    const srcSize = fs.statSync(p.src).size;
    const quality = typeof p.quality === 'number' ? p.quality : 80;
    const size = imageBehaviour.sizeFor
      ? imageBehaviour.sizeFor(quality, srcSize)
      : Math.round((srcSize * quality) / 100);
    return { tempFilePath: writeTempFile(`compressed-q${quality}.jpg`, Math.max(1, size)) };
  }),
  getFileSystemManager: () => fileSystemManager,
  setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
  setStorage: asyncApi('setStorage', (p: AnyObject) => {
    storage.set(p.key, p.data);
    return {};
  }),
  batchSetStorageSync: (list: { key: string; value: unknown }[]) => {
    for (const { key, value } of list) storage.set(key, value);
  },
  batchSetStorage: asyncApi('batchSetStorage', (p: AnyObject) => {
    for (const { key, value } of p.kvList as { key: string; value: unknown }[]) storage.set(key, value);
    return {};
  }),
  showModal: asyncApi('showModal', (p: AnyObject) => {
    recorded.modals.push({ title: p.title, content: p.content, confirmText: p.confirmText });
    const confirm = modalAnswers.shift() ?? false;
    return { confirm, cancel: !confirm };
  }),
  // Callbacks only (no Promise style, as documented); `message` is required.
  enableAlertBeforeUnload(p: AnyObject & Callbacks) {
    if (typeof p.message !== 'string' || p.message === '') {
      const e = { errMsg: 'enableAlertBeforeUnload:fail parameter error: message should be String' };
      p.fail?.(e);
      p.complete?.(e);
      return;
    }
    unloadAlert.message = p.message;
    const r = { errMsg: 'enableAlertBeforeUnload:ok' };
    p.success?.(r);
    p.complete?.(r);
  },
  disableAlertBeforeUnload(p: Callbacks = {}) {
    unloadAlert.message = undefined;
    const r = { errMsg: 'disableAlertBeforeUnload:ok' };
    p.success?.(r);
    p.complete?.(r);
  },
  getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
  removeStorageSync: (key: string) => void storage.delete(key),
  clearStorageSync: () => storage.clear(),
  navigateTo: asyncApi('navigateTo', (p: AnyObject) => {
    recorded.navigation.push({ kind: 'navigateTo', url: p.url });
    return {};
  }),
  redirectTo: asyncApi('redirectTo', (p: AnyObject) => {
    recorded.navigation.push({ kind: 'redirectTo', url: p.url });
    return {};
  }),
  reLaunch: asyncApi('reLaunch', (p: AnyObject) => {
    recorded.navigation.push({ kind: 'reLaunch', url: p.url });
    return {};
  }),
  navigateBack: asyncApi('navigateBack', () => {
    recorded.navigation.push({ kind: 'navigateBack' });
    return {};
  }),
  request(p: AnyObject & Callbacks) {
    const method = String(p.method ?? 'GET').toUpperCase();
    let url = p.url as string;
    let body: Buffer | undefined;
    const headers: Record<string, string> = { ...(p.header ?? {}) };
    if (method === 'GET') {
      const u = new URL(url);
      for (const [k, v] of Object.entries((p.data ?? {}) as AnyObject)) u.searchParams.set(k, String(v));
      url = u.toString();
    } else if (p.data !== undefined) {
      body = Buffer.from(typeof p.data === 'string' ? p.data : JSON.stringify(p.data));
      headers['content-type'] ??= 'application/json';
    }
    recorded.requests.push({ method, url, fields: (p.data ?? {}) as AnyObject });
    httpRequest(method, url, headers, body).then(
      (res) => {
        const r = {
          errMsg: 'request:ok',
          statusCode: res.status,
          header: res.headers,
          data: parseMaybeJson(res.body),
        };
        p.success?.(r);
        p.complete?.(r);
      },
      (err: Error) => {
        const e = { errMsg: `request:fail ${err.message}` };
        p.fail?.(e);
        p.complete?.(e);
      },
    );
    return { abort() {} };
  },
  uploadFile(p: AnyObject & Callbacks) {
    const file = fs.readFileSync(p.filePath as string);
    const { body, type } = multipart(p.formData ?? {}, p.name, path.basename(p.filePath), file);
    recorded.requests.push({
      method: 'UPLOAD',
      url: p.url,
      fields: (p.formData ?? {}) as AnyObject,
      file: p.filePath,
    });
    httpRequest('POST', p.url, { ...(p.header ?? {}), 'content-type': type }, body).then(
      (res) => {
        const r = { errMsg: 'uploadFile:ok', statusCode: res.status, data: res.body };
        p.success?.(r);
        p.complete?.(r);
      },
      (err: Error) => {
        const e = { errMsg: `uploadFile:fail ${err.message}` };
        p.fail?.(e);
        p.complete?.(e);
      },
    );
    return { abort() {}, onProgressUpdate() {} };
  },
};

Object.assign(g.wx, shims);
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
    platform.privacyAgreed = true;
    agreeButtonsTapped.add(attr(node, 'id'));
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
