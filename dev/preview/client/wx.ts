/**
 * The `wx` object of the preview: dev/wx's fake wx (WeChat's behaviour, shared with the page tests) with the
 * browser as its host (its dialogs, page stack, fetch, localStorage and in-memory files), plus the interfaces only
 * the preview needs (system info, downloads, the nav bar's look).
 */
import {
  asyncApi,
  createWx as createSharedWx,
  wxError,
  type Dict,
  type HttpAnswer,
  type Options,
  type StorageStore,
  type WxFailure,
  type WxHost,
} from '../../wx';
import { textOf } from './text';
import { getFile, localFiles, objectUrl, putFile, tempPath, USER_DATA_PATH } from './fs';
import { privacyScreens, wechatState } from './privacy';
import * as router from './router';
import { hideToast, showModal, showSheet, showToast } from './ui';

const STORAGE_PREFIX = 'wx-storage:';

/** wx storage in the browser's localStorage, kept across reloads as WeChat keeps it across launches. */
const localStore: StorageStore = {
  has: (key) => localStorage.getItem(STORAGE_PREFIX + key) !== null,
  get: (key) => {
    const raw = localStorage.getItem(STORAGE_PREFIX + key);
    if (raw === null) return '';
    try {
      return (JSON.parse(raw) as { data: unknown }).data;
    } catch {
      return '';
    }
  },
  set: (key, value) => localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify({ data: value })),
  delete: (key) => localStorage.removeItem(STORAGE_PREFIX + key),
  keys: () => {
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k?.startsWith(STORAGE_PREFIX)) keys.push(k.slice(STORAGE_PREFIX.length));
    }
    return keys;
  },
};

function frameSize(): { width: number; height: number; pageHeight: number } {
  const phone = document.getElementById('phone');
  const pages = document.getElementById('pages');
  return {
    width: phone?.clientWidth ?? 375,
    height: phone?.clientHeight ?? 812,
    pageHeight: pages?.clientHeight ?? 724,
  };
}

/**
 * WeChat's language setting as the pages read it (`zh_CN`, `en`): `?lang=` of the preview's address, else the
 * browser's language.
 */
function wechatLanguage(): string {
  const wanted = new URLSearchParams(location.search).get('lang') || navigator.language || 'zh-CN';
  return /^zh/i.test(wanted) ? 'zh_CN' : 'en';
}

/** The system font scale (`?font=<scale>`, 1 to 3), as WeChat's largest font settings enlarge text. */
export function fontScale(): number {
  const scale = Number(new URLSearchParams(location.search).get('font'));
  return Number.isFinite(scale) && scale >= 1 && scale <= 3 ? scale : 1;
}

/** The verify_ret values the preview's stand-in of WeChat's face check offers (its own list, from WeChat's table). */
const FACIAL_OUTCOMES: readonly [number, string][] = [
  [10000, '识别成功'],
  [90004, '用户在识别过程中取消'],
  [90008, '相机权限未授权'],
  [90010, '相机和麦克风权限都未授权'],
  [90109, '设备不支持人脸检测'],
  [90007, '网络错误'],
  [90011, '人脸数据采集无效'],
  [90017, '识别过程超时'],
  [90018, '系统错误'],
];

async function sandboxPost(path: string, body: Dict): Promise<Dict> {
  const res = await fetch(absoluteUrl(`/__sandbox/wechat/${path}`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Dict;
  if (!res.ok)
    throw wxError(
      'requestFacialVerify',
      typeof answer.error === 'string' ? answer.error : String(res.status),
    );
  return answer;
}

/**
 * wx.requestFacialVerify in the preview: a sheet picks the verify_ret, the sandbox's WeChat double runs the check
 * with it, so getResult reads that outcome; closing the sheet is the person cancelling (90004). Resolves with the
 * errCode (90007 when the sandbox cannot be reached).
 */
async function facialVerify(verifyId: string): Promise<number> {
  const index = await showSheet(
    FACIAL_OUTCOMES.map(([code, label]) => `${code} ${label}`),
    { title: '微信人脸核身（沙箱替身）：选择结果' },
  );
  const verifyRet = FACIAL_OUTCOMES[index]?.[0] ?? 90004;
  try {
    await sandboxPost('outcome', { verify_ret: verifyRet, verify_id: verifyId });
    const { errCode } = await sandboxPost('verify', { verify_id: verifyId });
    return typeof errCode === 'number' ? errCode : 90007;
  } catch {
    return 90007;
  }
}

function systemInfo(): Dict {
  const { width, height, pageHeight } = frameSize();
  return {
    brand: 'devtools',
    model: 'Browser preview',
    pixelRatio: window.devicePixelRatio || 2,
    screenWidth: width,
    screenHeight: height,
    windowWidth: width,
    windowHeight: pageHeight,
    statusBarHeight: 20,
    language: wechatLanguage(),
    version: '8.0.50',
    system: 'Browser',
    platform: 'devtools',
    fontSizeSetting: Math.round(16 * fontScale()),
    SDKVersion: wechatState.sdkVersion,
    theme: 'light',
    enableDebug: false,
    safeArea: { left: 0, right: width, top: 20, bottom: height, width, height: height - 20 },
    host: { env: 'WeChat' },
  };
}

function absoluteUrl(url: string): string {
  return new URL(url, location.href).toString();
}

function headersOf(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h && typeof h === 'object')
    for (const [k, v] of Object.entries(h as Dict)) out[k.toLowerCase()] = String(v);
  return out;
}

async function fetchWithTimeout(
  api: string,
  url: string,
  init: RequestInit,
  timeout: unknown,
): Promise<Response> {
  const ctrl = new AbortController();
  const ms = typeof timeout === 'number' && timeout > 0 ? timeout : 60000;
  const timer = setTimeout(() => ctrl.abort(), ms);
  try {
    return await fetch(absoluteUrl(url), { ...init, signal: ctrl.signal });
  } catch (error) {
    throw wxError(api, ctrl.signal.aborted ? 'timeout' : (error as Error).message || 'network error');
  } finally {
    clearTimeout(timer);
  }
}

function extOf(type: string, fallback: string): string {
  const known: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/webp': 'webp',
    'video/mp4': 'mp4',
  };
  return known[type] ?? fallback;
}

const downloadFile = asyncApi('downloadFile', async (o) => {
  const res = await fetchWithTimeout(
    'downloadFile',
    String(o.url),
    { headers: headersOf(o.header) },
    o.timeout,
  );
  const bytes = new Uint8Array(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? 'application/octet-stream';
  const path = o.filePath ? textOf(o.filePath) : tempPath(extOf(type, 'bin'));
  putFile(path, bytes, type);
  return o.filePath
    ? { filePath: path, statusCode: res.status }
    : { tempFilePath: path, statusCode: res.status };
});

async function callHost(api: string, path: string, init: RequestInit): Promise<Dict> {
  const res = await fetchWithTimeout(api, path, { credentials: 'same-origin', ...init }, 60000);
  const text = await res.text();
  let body: Dict;
  try {
    body = JSON.parse(text) as Dict;
  } catch {
    body = { errMsg: text };
  }
  if (!res.ok) {
    const failure: WxFailure = {
      errMsg: `${api}:fail ${textOf(body.errMsg ?? res.status)}`,
      errCode: body.errCode ?? -1,
    };
    throw failure;
  }
  return body;
}

/** wx.cloud's interfaces beyond dev/wx's, served by the local host's storage. */
const cloudExtras = {
  DYNAMIC_CURRENT_ENV: 'local-dev',
  downloadFile: asyncApi('cloud.downloadFile', async (o) => {
    const res = await fetchWithTimeout(
      'cloud.downloadFile',
      `/api/downloadFile?fileID=${encodeURIComponent(String(o.fileID))}`,
      {},
      60000,
    );
    if (!res.ok) throw wxError('cloud.downloadFile', `storage file not exists (${res.status})`);
    const type = res.headers.get('content-type') ?? 'application/octet-stream';
    const path = tempPath(extOf(type, String(o.fileID).split('.').pop() ?? 'bin'));
    putFile(path, new Uint8Array(await res.arrayBuffer()), type);
    return { tempFilePath: path, statusCode: 200 };
  }),
  getTempFileURL: asyncApi('cloud.getTempFileURL', (o) => ({
    fileList: ((o.fileList as unknown[]) ?? []).map((f) => {
      const fileID = typeof f === 'string' ? f : String((f as Dict).fileID);
      return {
        fileID,
        tempFileURL: `/api/downloadFile?fileID=${encodeURIComponent(fileID)}`,
        status: 0,
        errMsg: 'ok',
      };
    }),
  })),
  deleteFile: asyncApi('cloud.deleteFile', async (o) => {
    const body = await callHost('cloud.deleteFile', '/api/deleteFile', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fileList: o.fileList ?? [] }),
    });
    return { fileList: body.fileList };
  }),
  database: () => {
    throw new Error('wx.cloud.database is not available in the local preview: call a cloud function instead');
  },
};

let pendingChooser: { reject: (e: WxFailure) => void } | undefined;

function fileInput(): HTMLInputElement {
  return document.getElementById('wx-choose-file') as HTMLInputElement;
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image could not be decoded'));
    img.src = src;
  });
}

function videoMeta(url: string): Promise<{ duration?: number; width?: number; height?: number }> {
  return new Promise((resolve) => {
    const video = document.createElement('video');
    const done = (meta: { duration?: number; width?: number; height?: number }): void => {
      clearTimeout(timer);
      video.removeAttribute('src');
      resolve(meta);
    };
    const timer = setTimeout(() => done({}), 3000);
    video.preload = 'metadata';
    video.onloadedmetadata = () =>
      done({
        duration: Number.isFinite(video.duration) ? video.duration : undefined,
        width: video.videoWidth,
        height: video.videoHeight,
      });
    video.onerror = () => done({});
    video.src = url;
  });
}

/** Opens the file chooser; resolves with the chosen files (stored as temp files). */
function choose(api: string, accept: string, multiple: boolean, camera: boolean): Promise<File[]> {
  pendingChooser?.reject(wxError(api, 'cancel'));
  const input = fileInput();
  input.value = '';
  input.accept = accept;
  input.multiple = multiple;
  if (camera) input.setAttribute('capture', 'user');
  else input.removeAttribute('capture');
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      input.onchange = null;
      input.oncancel = null;
      pendingChooser = undefined;
    };
    pendingChooser = {
      reject: (e) => {
        cleanup();
        reject(e);
      },
    };
    input.onchange = () => {
      const list = [...(input.files ?? [])];
      cleanup();
      if (list.length === 0) reject(wxError(api, 'cancel'));
      else resolve(list);
    };
    input.oncancel = () => {
      cleanup();
      reject(wxError(api, 'cancel'));
    };
    input.click();
  });
}

async function storeChosen(file: File): Promise<Dict> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isVideo = file.type.startsWith('video/');
  const ext = file.name.includes('.')
    ? (file.name.split('.').pop() as string)
    : extOf(file.type, isVideo ? 'mp4' : 'jpg');
  const path = tempPath(ext);
  putFile(path, bytes, file.type || undefined);
  const url = objectUrl(path) as string;
  if (isVideo) {
    const meta = await videoMeta(url);
    return { tempFilePath: path, size: bytes.length, fileType: 'video', thumbTempFilePath: '', ...meta };
  }
  const dims = await loadImage(url).then(
    (img) => ({ width: img.naturalWidth, height: img.naturalHeight }),
    () => ({}),
  );
  return { tempFilePath: path, size: bytes.length, fileType: 'image', ...dims };
}

function wantsCameraOnly(o: Options): boolean {
  const source = o.sourceType as string[] | undefined;
  return Array.isArray(source) && source.length === 1 && source[0] === 'camera';
}

/** The file chooser behind chooseMedia / chooseImage / chooseVideo (WeChat's checks ran before, in dev/wx). */
async function pickMedia(api: 'chooseMedia' | 'chooseImage' | 'chooseVideo', o: Options): Promise<Dict> {
  const count = typeof o.count === 'number' ? o.count : 9;
  if (api === 'chooseVideo') {
    const [file] = await choose(api, 'video/*', false, wantsCameraOnly(o));
    return storeChosen(file);
  }
  if (api === 'chooseImage') {
    const files = await choose(api, 'image/*', count > 1, wantsCameraOnly(o));
    const tempFiles = await Promise.all(files.slice(0, count).map(storeChosen));
    return {
      tempFilePaths: tempFiles.map((f) => f.tempFilePath),
      tempFiles: tempFiles.map((f) => ({ path: f.tempFilePath, size: f.size })),
    };
  }
  const types = (o.mediaType as string[] | undefined) ?? ['image', 'video'];
  const accept = [types.includes('image') ? 'image/*' : '', types.includes('video') ? 'video/*' : '']
    .filter(Boolean)
    .join(',');
  const files = await choose(api, accept, count > 1, wantsCameraOnly(o));
  const tempFiles = await Promise.all(files.slice(0, count).map(storeChosen));
  const kinds = new Set(tempFiles.map((f) => f.fileType));
  return { tempFiles, type: kinds.size > 1 ? 'mix' : [...kinds][0] };
}

function imageSource(src: string): string {
  return objectUrl(src) ?? (src.startsWith('/') ? `/mp${src}` : src);
}

async function imageSize(src: string): Promise<{ width: number; height: number; type: string }> {
  const img = await loadImage(imageSource(src)).catch(() => {
    throw wxError('getImageInfo', 'image could not be decoded');
  });
  const type = (getFile(src)?.type ?? '').replace('image/', '').replace('jpeg', 'jpg') || 'unknown';
  return { width: img.naturalWidth, height: img.naturalHeight, type };
}

function canvasBlob(canvas: HTMLCanvasElement, type: string, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas could not encode'))), type, quality),
  );
}

async function compress(o: {
  src: string;
  quality: number;
  compressedWidth?: number;
  compressedHeight?: number;
}): Promise<string> {
  const img = await loadImage(imageSource(o.src)).catch(() => {
    throw wxError('compressImage', 'image could not be decoded');
  });
  let width = img.naturalWidth;
  let height = img.naturalHeight;
  const cw = o.compressedWidth ?? 0;
  const ch = o.compressedHeight ?? 0;
  if (cw > 0 && ch > 0) [width, height] = [cw, ch];
  else if (cw > 0) [width, height] = [cw, Math.max(1, Math.round((height * cw) / width))];
  else if (ch > 0) [width, height] = [Math.max(1, Math.round((width * ch) / height)), ch];
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(img, 0, 0, width, height);
  const blob = await canvasBlob(canvas, 'image/jpeg', o.quality / 100);
  const path = tempPath('jpg');
  putFile(path, new Uint8Array(await blob.arrayBuffer()), 'image/jpeg');
  return path;
}

async function answerOf(res: Response): Promise<HttpAnswer> {
  return {
    status: res.status,
    headers: Object.fromEntries(res.headers.entries()),
    body: new Uint8Array(await res.arrayBuffer()),
  };
}

/** The browser as dev/wx's host. */
const host: WxHost = {
  ...privacyScreens,
  storage: localStore,
  files: localFiles,
  userDataPath: USER_DATA_PATH,
  language: wechatLanguage,
  fontSizeSetting: () => Math.round(16 * fontScale()),
  modal: (o) => showModal(o as never),
  toast: (o, loading) => showToast(o as never, loading),
  closeToast: hideToast,
  navigate: (how, url, events) => void router.navigate(url, how === 'switchTab' ? 'reLaunch' : how, events),
  back: (delta) => void router.back(delta),
  setUnloadAlert: router.setUnloadAlert,
  setTitle: router.setTitle,
  scrollTo: (scrollTop, selector) => router.scrollTo(scrollTop ?? 0, selector),
  dial: (phoneNumber) => showToast({ title: `拨打 ${phoneNumber}（预览中不拨号）`, icon: 'none' }),
  runFunction: async (name, data) => {
    const body = await callHost('cloud.callFunction', '/api/callFunction', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, data }),
    });
    return { result: body.result, requestID: body.requestID };
  },
  cloudUpload: async (cloudPath, filePath, bytes) => {
    const type = getFile(filePath)?.type || 'application/octet-stream';
    const body = await callHost(
      'cloud.uploadFile',
      `/api/uploadFile?cloudPath=${encodeURIComponent(cloudPath)}`,
      {
        method: 'POST',
        headers: { 'content-type': type },
        body: new Blob([bytes as BlobPart], { type }),
      },
    );
    return String(body.fileID);
  },
  // Supported unless the address says `?facial=unsupported`.
  facialSupported: () => new URLSearchParams(location.search).get('facial') !== 'unsupported',
  facialVerify,
  pickMedia,
  imageSize,
  compress,
  http: async ({ method, url, headers, body, timeout }) =>
    answerOf(await fetchWithTimeout('request', url, { method, headers, body }, timeout)),
  upload: async ({ url, headers, formData, name, filePath, bytes, timeout }) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(formData)) form.append(k, String(v));
    form.append(
      name,
      new Blob([bytes as BlobPart], { type: getFile(filePath)?.type ?? '' }),
      filePath.split('/').pop(),
    );
    const sent = { ...headers };
    delete sent['content-type'];
    const res = await fetchWithTimeout(
      'uploadFile',
      url,
      { method: 'POST', headers: sent, body: form },
      timeout,
    );
    return { status: res.status, body: await res.text() };
  },
};

let loginSeq = 0;

/** Builds the shim: dev/wx's fake wx over the browser, over simulate's own mock `wx` (`base`), plus the preview's own. */
export function createPreviewWx(base: Dict): Dict {
  const sys = systemInfo;
  const shared = createSharedWx(host, wechatState);
  return {
    ...base,
    ...shared,
    canIUse: () => true,
    setNavigationBarColor: asyncApi('setNavigationBarColor', (o) =>
      router.setNavColors(textOf(o.frontColor), textOf(o.backgroundColor)),
    ),
    showNavigationBarLoading: asyncApi('showNavigationBarLoading', () => undefined),
    hideNavigationBarLoading: asyncApi('hideNavigationBarLoading', () => undefined),
    hideHomeButton: asyncApi('hideHomeButton', () => undefined),
    showActionSheet: asyncApi('showActionSheet', async (o) => {
      const tapIndex = await showSheet(((o.itemList as unknown[]) ?? []).map(String), {
        title: o.alertText as string,
      });
      if (tapIndex < 0) throw wxError('showActionSheet', 'cancel');
      return { tapIndex };
    }),
    downloadFile,
    cloud: { ...(shared.cloud as Dict), ...cloudExtras },
    previewImage: asyncApi('previewImage', () => undefined),
    saveImageToPhotosAlbum: asyncApi('saveImageToPhotosAlbum', () => undefined),
    getSystemInfoSync: sys,
    getSystemInfo: asyncApi('getSystemInfo', sys),
    getSystemInfoAsync: asyncApi('getSystemInfoAsync', sys),
    getWindowInfo: () => {
      const s = sys();
      return {
        pixelRatio: s.pixelRatio,
        screenWidth: s.screenWidth,
        screenHeight: s.screenHeight,
        windowWidth: s.windowWidth,
        windowHeight: s.windowHeight,
        statusBarHeight: s.statusBarHeight,
        safeArea: s.safeArea,
        screenTop: 64,
      };
    },
    getDeviceInfo: () => ({
      brand: 'devtools',
      model: 'Browser preview',
      system: 'Browser',
      platform: 'devtools',
      pixelRatio: window.devicePixelRatio || 2,
    }),
    getMenuButtonBoundingClientRect: () => ({
      width: 87,
      height: 32,
      top: 26,
      right: 368,
      bottom: 58,
      left: 281,
    }),
    getAccountInfoSync: () => ({
      miniProgram: { appId: 'wx-local-preview', envVersion: 'develop', version: '' },
      plugin: {},
    }),
    getLaunchOptionsSync: () => ({ path: router.firstPage(), query: {}, scene: 1001, referrerInfo: {} }),
    getEnterOptionsSync: () => ({ path: router.firstPage(), query: {}, scene: 1001, referrerInfo: {} }),
    login: asyncApi('login', () => ({ code: `local-code-${++loginSeq}` })),
    checkSession: asyncApi('checkSession', () => undefined),
    vibrateShort: asyncApi('vibrateShort', () => undefined),
    vibrateLong: asyncApi('vibrateLong', () => undefined),
    hideKeyboard: asyncApi('hideKeyboard', () => {
      (document.activeElement as HTMLElement | null)?.blur();
    }),
    setKeepScreenOn: asyncApi('setKeepScreenOn', () => undefined),
    getNetworkType: asyncApi('getNetworkType', () => ({ networkType: 'wifi' })),
    onNetworkStatusChange: () => undefined,
    offNetworkStatusChange: () => undefined,
    nextTick: (fn: () => void) => setTimeout(fn, 0),
    reportAnalytics: () => undefined,
  };
}
