/**
 * The one fake `wx`: WeChat's behaviour as the pages meet it (storage, privacy authorization and scopes, the
 * base-library facts, the back-arrow alert, WeChat's face verification, navigation, wx.cloud, dialogs, media,
 * files, HTTP), written once. Each host (the page tests' harness, the browser preview) builds its `wx` from it and
 * supplies only what it shows and where things live: how a dialog or sheet appears, whether a tap is under way,
 * where files and storage are kept, how a request travels.
 */
import { asyncApi, callbackApi, wxError, type Dict, type Options } from './api';
import { fileSystemManager, type FileStore } from './files';
import { privacyModel, type PrivacyHost, type PrivacyState } from './privacy';

export { agreeByButton, type PrivacyHost } from './privacy';
export { asyncApi, wxError, type Dict, type Options, type WxFailure } from './api';
export type { FileStore } from './files';

/** What WeChat knows of the device and the person's setting, beside privacy. */
export interface WeChatState extends PrivacyState {
  /** The base library's version (wx.getAppBaseInfo().SDKVersion). */
  sdkVersion: string;
}

/** Where wx storage lives: a Map, or anything with its five methods. */
export interface StorageStore {
  has(key: string): boolean;
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
  delete(key: string): unknown;
  keys(): Iterable<string>;
}

/** An HTTP request as wx.request or wx.uploadFile sends it. */
interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | ArrayBuffer;
  /** The page's `data` (the request's fields). */
  data: unknown;
  timeout?: number;
}

/** An HTTP answer: its status, headers (lower-case names) and body. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The navigation interfaces a host's page stack serves. */
type Navigation = 'navigateTo' | 'redirectTo' | 'reLaunch' | 'switchTab';

/** What a host supplies: its screens, its page stack, its transport and where it keeps data. */
export interface WxHost extends PrivacyHost {
  storage: StorageStore;
  files: FileStore;
  userDataPath: string;
  /** WeChat's language setting (`zh_CN`, `en`). */
  language(): string;
  /** The system font size WeChat reports (16 is the default). */
  fontSizeSetting(): number;
  /** A wx.showModal dialog; resolves with the button tapped (and an editable dialog's text). */
  modal(o: Options): Promise<{ confirm: boolean; content?: string }>;
  /** wx.showToast / wx.showLoading. */
  toast(o: Options, loading: boolean): void;
  closeToast(): void;
  /** Opens a page; throws a WeChat failure for a page that is not there. */
  navigate(how: Navigation, url: string, events?: Dict): void;
  /** wx.navigateBack by `delta` pages. */
  back(delta: number): void;
  /** wx.enableAlertBeforeUnload's question for the top page (undefined: disabled). */
  setUnloadAlert(message: string | undefined): void;
  setTitle(title: string): void;
  /** wx.pageScrollTo: to a position, or to the element a selector names. */
  scrollTo(scrollTop: number | undefined, selector: string | undefined): void;
  dial(phoneNumber: string): void;
  /** A cloud function's answer (`result`) through the host's wx.cloud transport. */
  runFunction(name: string, data: Dict): Promise<{ result: unknown; requestID?: unknown }>;
  /** Stores a local file's bytes in cloud storage; resolves with its fileID. */
  cloudUpload(cloudPath: string, filePath: string, bytes: Uint8Array): Promise<string>;
  /** Whether the device can run WeChat's face verification. */
  facialSupported(): boolean;
  /** WeChat's face verification of a verify_id; resolves with its errCode (0: done). */
  facialVerify(verifyId: string): Promise<number>;
  /** The person picks files (after WeChat's checks); resolves with chooseMedia's / chooseImage's answer. */
  pickMedia(api: 'chooseMedia' | 'chooseImage' | 'chooseVideo', o: Options): Promise<Dict>;
  /** An image's size and type. */
  imageSize(src: string): Promise<{ width: number; height: number; type: string }>;
  /** wx.compressImage: writes the compressed file; resolves with its path. */
  compress(o: {
    src: string;
    quality: number;
    compressedWidth?: number;
    compressedHeight?: number;
  }): Promise<string>;
  http(request: HttpRequest): Promise<HttpAnswer>;
  /** A multipart upload of one local file with form fields. */
  upload(o: {
    url: string;
    headers: Record<string, string>;
    formData: Dict;
    name: string;
    filePath: string;
    bytes: Uint8Array;
    timeout?: number;
  }): Promise<{ status: number; body: string }>;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function headersOf(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h && typeof h === 'object')
    for (const [k, v] of Object.entries(h as Dict)) out[k.toLowerCase()] = String(v);
  return out;
}

function encodeQuery(data: Dict): string {
  return Object.entries(data)
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) =>
        `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : text(v))}`,
    )
    .join('&');
}

function parseData(body: string, dataType: unknown): unknown {
  if (dataType !== undefined && dataType !== 'json') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

const timeoutOf = (o: Options) => (typeof o.timeout === 'number' && o.timeout > 0 ? o.timeout : undefined);

/** The storage interfaces over `store`: '' for a key never set (getStorageSync), a failure for getStorage. */
function storageApis(store: StorageStore): Dict {
  const sync = {
    setStorageSync: (key: string, data: unknown) => void store.set(key, data),
    getStorageSync: (key: string) => (store.has(key) ? store.get(key) : ''),
    removeStorageSync: (key: string) => void store.delete(key),
    clearStorageSync: () => [...store.keys()].forEach((key) => store.delete(key)),
    getStorageInfoSync: () => ({ keys: [...store.keys()], currentSize: 0, limitSize: 10240 }),
    batchSetStorageSync: (kvList: { key: string; value: unknown }[]) =>
      kvList.forEach(({ key, value }) => store.set(key, value)),
  };
  return {
    ...sync,
    setStorage: asyncApi('setStorage', (o) => sync.setStorageSync(String(o.key), o.data)),
    getStorage: asyncApi('getStorage', (o) => {
      const key = String(o.key);
      if (!store.has(key)) throw wxError('getStorage', 'data not found');
      return { data: store.get(key) };
    }),
    removeStorage: asyncApi('removeStorage', (o) => sync.removeStorageSync(String(o.key))),
    clearStorage: asyncApi('clearStorage', () => sync.clearStorageSync()),
    getStorageInfo: asyncApi('getStorageInfo', () => sync.getStorageInfoSync()),
    batchSetStorage: asyncApi('batchSetStorage', (o) =>
      sync.batchSetStorageSync(o.kvList as { key: string; value: unknown }[]),
    ),
  };
}

/** The `wx` of a host: every interface above, modelled here once. */
export function createWx(host: WxHost, state: WeChatState): Dict {
  const privacy = privacyModel(state, host);
  const files = host.files;
  const readLocal = (api: string, filePath: string): Uint8Array => {
    const bytes = files.read(filePath);
    if (!bytes) throw wxError(api, `file not found: ${filePath}`);
    return bytes;
  };
  const choose = (api: 'chooseMedia' | 'chooseImage' | 'chooseVideo') =>
    asyncApi(api, async (o) => {
      await privacy.guardMedia(api, o);
      return host.pickMedia(api, o);
    });
  const navigation = (how: Navigation) =>
    asyncApi(how, (o) => host.navigate(how, String(o.url), o.events as Dict | undefined));

  return {
    env: { USER_DATA_PATH: host.userDataPath },
    getAppBaseInfo: () => ({
      SDKVersion: state.sdkVersion,
      language: host.language(),
      fontSizeSetting: host.fontSizeSetting(),
      version: '8.0.50',
      theme: 'light',
      enableDebug: false,
      host: { env: 'WeChat' },
    }),
    ...privacy.apis,
    ...storageApis(host.storage),
    getFileSystemManager: () => fileSystemManager(files, host.userDataPath),

    navigateTo: navigation('navigateTo'),
    redirectTo: navigation('redirectTo'),
    reLaunch: navigation('reLaunch'),
    switchTab: navigation('switchTab'),
    navigateBack: asyncApi('navigateBack', (o) => host.back(typeof o.delta === 'number' ? o.delta : 1)),
    // Callbacks only (no Promise style, as documented); `message` is required.
    enableAlertBeforeUnload: callbackApi('enableAlertBeforeUnload', (o) => {
      if (typeof o.message !== 'string' || o.message === '')
        throw wxError('enableAlertBeforeUnload', 'parameter error: message should be String');
      host.setUnloadAlert(o.message);
    }),
    disableAlertBeforeUnload: callbackApi('disableAlertBeforeUnload', () => host.setUnloadAlert(undefined)),
    setNavigationBarTitle: asyncApi('setNavigationBarTitle', (o) => host.setTitle(text(o.title))),
    pageScrollTo: asyncApi('pageScrollTo', (o) =>
      host.scrollTo(
        typeof o.scrollTop === 'number' ? o.scrollTop : undefined,
        typeof o.selector === 'string' ? o.selector : undefined,
      ),
    ),

    showModal: asyncApi('showModal', async (o) => {
      const { confirm, content } = await host.modal(o);
      return { confirm, cancel: !confirm, ...(content === undefined ? {} : { content }) };
    }),
    showToast: asyncApi('showToast', (o) => host.toast(o, false)),
    showLoading: asyncApi('showLoading', (o) => host.toast(o, true)),
    hideToast: asyncApi('hideToast', () => host.closeToast()),
    hideLoading: asyncApi('hideLoading', () => host.closeToast()),
    makePhoneCall: asyncApi('makePhoneCall', (o) => host.dial(text(o.phoneNumber))),

    // WeChat 人脸核身 2.0: both answer through callbacks only.
    checkIsSupportFacialRecognition: (o: Options = {}) => {
      if (host.facialSupported()) o.success?.({ errMsg: 'checkIsSupportFacialRecognition:ok', errCode: 0 });
      else o.fail?.({ errMsg: 'checkIsSupportFacialRecognition:fail No front camera', errCode: 10001 });
    },
    requestFacialVerify: (o: Options = {}) => {
      void host.facialVerify(typeof o.verifyId === 'string' ? o.verifyId : '').then((errCode) => {
        if (errCode === 0) o.success?.({ errMsg: 'requestFacialVerify:ok', errCode });
        else o.fail?.({ errMsg: 'requestFacialVerify:fail', errCode });
      });
    },

    chooseMedia: choose('chooseMedia'),
    chooseImage: choose('chooseImage'),
    chooseVideo: choose('chooseVideo'),
    getImageInfo: asyncApi('getImageInfo', async (o) => {
      const src = String(o.src);
      return { ...(await host.imageSize(src)), path: src, orientation: 'up' };
    }),
    compressImage: asyncApi('compressImage', async (o) => {
      const quality = Math.min(100, Math.max(0, typeof o.quality === 'number' ? o.quality : 80));
      const size = (v: unknown) => (typeof v === 'number' && v > 0 ? v : undefined);
      return {
        tempFilePath: await host.compress({
          src: String(o.src),
          quality,
          compressedWidth: size(o.compressedWidth),
          compressedHeight: size(o.compressedHeight),
        }),
      };
    }),

    request: asyncApi('request', async (o) => {
      const method = text(o.method || 'GET').toUpperCase();
      const headers = headersOf(o.header);
      let url = String(o.url);
      let body: string | ArrayBuffer | undefined;
      const data = o.data;
      if (method === 'GET' || method === 'HEAD') {
        const q =
          typeof data === 'string' ? data : data && typeof data === 'object' ? encodeQuery(data as Dict) : '';
        if (q) url += (url.includes('?') ? '&' : '?') + q;
      } else if (data instanceof ArrayBuffer || typeof data === 'string') {
        body = data;
      } else if (data !== undefined) {
        const type = headers['content-type'] ?? 'application/json';
        body = type.includes('application/x-www-form-urlencoded')
          ? encodeQuery(data as Dict)
          : JSON.stringify(data);
        headers['content-type'] = type;
      }
      const res = await host.http({ method, url, headers, body, data, timeout: timeoutOf(o) });
      const payload =
        o.responseType === 'arraybuffer'
          ? res.body.slice().buffer
          : parseData(new TextDecoder().decode(res.body), o.dataType);
      return { data: payload, statusCode: res.status, header: res.headers, cookies: [] };
    }),
    uploadFile: asyncApi('uploadFile', async (o) => {
      const filePath = String(o.filePath);
      const res = await host.upload({
        url: String(o.url),
        headers: headersOf(o.header),
        formData: (o.formData as Dict | undefined) ?? {},
        name: text(o.name) || 'file',
        filePath,
        bytes: readLocal('uploadFile', filePath),
        timeout: timeoutOf(o),
      });
      return { data: res.body, statusCode: res.status };
    }),

    cloud: {
      init: () => undefined,
      callFunction: asyncApi('cloud.callFunction', (o) =>
        host.runFunction(String(o.name), (o.data as Dict | undefined) ?? {}),
      ),
      uploadFile: asyncApi('cloud.uploadFile', async (o) => {
        const filePath = String(o.filePath);
        const fileID = await host.cloudUpload(
          String(o.cloudPath),
          filePath,
          readLocal('cloud.uploadFile', filePath),
        );
        return { fileID, statusCode: 200 };
      }),
    },
  };
}
