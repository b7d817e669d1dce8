/** Local files of the preview (temp files, USER_DATA_PATH), in memory, with wx.getFileSystemManager over them. */
import { textOf } from './text';
import type { Dict, WxFailure } from './types';

export const USER_DATA_PATH = 'http://usr';

interface Entry {
  bytes: Uint8Array;
  type: string;
}

const files = new Map<string, Entry>();
const urls = new Map<string, string>();
let seq = 0;

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  txt: 'text/plain',
  json: 'application/json',
};

function mimeOf(path: string): string {
  return MIME[path.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

/** A new temp file path like WeChat's devtools (`http://tmp/…`). */
export function tempPath(ext: string): string {
  seq += 1;
  const rand = Math.random().toString(36).slice(2, 8);
  return `http://tmp/${Date.now().toString(36)}${seq.toString(36)}${rand}.${ext.replace(/^\./, '') || 'bin'}`;
}

/** Stores bytes under a path. */
export function putFile(path: string, bytes: Uint8Array, type = mimeOf(path)): void {
  const old = urls.get(path);
  if (old) URL.revokeObjectURL(old);
  urls.delete(path);
  files.set(path, { bytes, type });
}

/** The bytes and type of a stored file. */
export function getFile(path: string): Entry | undefined {
  return files.get(path);
}

/** A Blob of a stored file. */
export function blobOf(path: string): Blob | undefined {
  const f = files.get(path);
  return f ? new Blob([f.bytes as BlobPart], { type: f.type }) : undefined;
}

/** A URL the browser can load for a stored file, or undefined when `path` is not one. */
export function objectUrl(path: string): string | undefined {
  const hit = urls.get(path);
  if (hit) return hit;
  const blob = blobOf(path);
  if (!blob) return undefined;
  const url = URL.createObjectURL(blob);
  urls.set(path, url);
  return url;
}

function fail(api: string, path: string): WxFailure {
  return { errMsg: `${api}:fail no such file or directory, open ${path}` };
}

function toBytes(data: unknown, encoding?: string): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const text = textOf(data);
  if (encoding === 'base64') return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new TextEncoder().encode(text);
}

function fromBytes(bytes: Uint8Array, encoding?: string): string | ArrayBuffer {
  if (!encoding || encoding === 'binary') return bytes.slice().buffer;
  if (encoding === 'base64') {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }
  return new TextDecoder().decode(bytes);
}

type Callbacks = { success?: (r: Dict) => void; fail?: (e: Dict) => void; complete?: (r: Dict) => void };

function callback(api: string, o: Callbacks, run: () => Dict): void {
  setTimeout(() => {
    let res: Dict;
    try {
      res = { errMsg: `${api}:ok`, ...run() };
    } catch (error) {
      const err = (error as Dict).errMsg ? (error as Dict) : { errMsg: `${api}:fail ${String(error)}` };
      o.fail?.(err);
      o.complete?.(err);
      return;
    }
    o.success?.(res);
    o.complete?.(res);
  }, 0);
}

/** wx.getFileSystemManager() over the in-memory files. */
export function fileSystemManager(): Dict {
  const need = (api: string, path: string): Entry => {
    const f = files.get(path);
    if (!f) throw fail(api, path);
    return f;
  };
  const sync = {
    readFileSync: (filePath: string, encoding?: string) =>
      fromBytes(need('readFileSync', filePath).bytes, encoding),
    writeFileSync: (filePath: string, data: unknown, encoding?: string) =>
      putFile(filePath, toBytes(data, encoding)),
    appendFileSync: (filePath: string, data: unknown, encoding?: string) => {
      const old = files.get(filePath)?.bytes ?? new Uint8Array();
      const add = toBytes(data, encoding);
      const next = new Uint8Array(old.length + add.length);
      next.set(old);
      next.set(add, old.length);
      putFile(filePath, next);
    },
    unlinkSync: (filePath: string) => {
      need('unlinkSync', filePath);
      files.delete(filePath);
    },
    accessSync: (path: string) => {
      if (!files.has(path) && ![...files.keys()].some((k) => k.startsWith(`${path}/`)))
        throw fail('accessSync', path);
    },
    copyFileSync: (srcPath: string, destPath: string) => {
      const f = need('copyFileSync', srcPath);
      putFile(destPath, f.bytes.slice(), f.type);
    },
    renameSync: (oldPath: string, newPath: string) => {
      const f = need('renameSync', oldPath);
      files.delete(oldPath);
      putFile(newPath, f.bytes, f.type);
    },
    mkdirSync: () => undefined,
    rmdirSync: () => undefined,
    readdirSync: (dirPath: string) =>
      [...files.keys()]
        .filter((k) => k.startsWith(`${dirPath.replace(/\/$/, '')}/`))
        .map((k) => k.split('/').pop()),
    statSync: (path: string) => {
      const f = need('statSync', path);
      return { size: f.bytes.length, mode: 0o100644, isFile: () => true, isDirectory: () => false };
    },
    saveFileSync: (tempFilePath: string, filePath?: string) => {
      const f = need('saveFileSync', tempFilePath);
      const target = filePath ?? `${USER_DATA_PATH}/${tempFilePath.split('/').pop()}`;
      putFile(target, f.bytes, f.type);
      return target;
    },
  };
  const asyncOf =
    (api: string, run: (o: Dict) => Dict | void) =>
    (o: Dict & Callbacks = {}) =>
      callback(api, o, () => run(o) ?? {});
  return {
    ...sync,
    readFile: asyncOf('readFile', (o) => ({
      data: sync.readFileSync(String(o.filePath), o.encoding as string),
    })),
    writeFile: asyncOf('writeFile', (o) =>
      sync.writeFileSync(String(o.filePath), o.data, o.encoding as string),
    ),
    appendFile: asyncOf('appendFile', (o) =>
      sync.appendFileSync(String(o.filePath), o.data, o.encoding as string),
    ),
    unlink: asyncOf('unlink', (o) => sync.unlinkSync(String(o.filePath))),
    access: asyncOf('access', (o) => sync.accessSync(String(o.path))),
    copyFile: asyncOf('copyFile', (o) => sync.copyFileSync(String(o.srcPath), String(o.destPath))),
    rename: asyncOf('rename', (o) => sync.renameSync(String(o.oldPath), String(o.newPath))),
    mkdir: asyncOf('mkdir', () => undefined),
    rmdir: asyncOf('rmdir', () => undefined),
    readdir: asyncOf('readdir', (o) => ({ files: sync.readdirSync(String(o.dirPath)) })),
    stat: asyncOf('stat', (o) => ({ stats: sync.statSync(String(o.path)) })),
    getFileInfo: asyncOf('getFileInfo', (o) => ({
      size: need('getFileInfo', String(o.filePath)).bytes.length,
    })),
    saveFile: asyncOf('saveFile', (o) => ({
      savedFilePath: sync.saveFileSync(String(o.tempFilePath), o.filePath as string | undefined),
    })),
    removeSavedFile: asyncOf('removeSavedFile', (o) => sync.unlinkSync(String(o.filePath))),
    getSavedFileList: asyncOf('getSavedFileList', () => ({
      fileList: [...files.entries()]
        .filter(([k]) => k.startsWith(`${USER_DATA_PATH}/`))
        .map(([filePath, f]) => ({ filePath, size: f.bytes.length, createTime: 0 })),
    })),
  };
}
