/** wx.getFileSystemManager() over the host's files (temp files and USER_DATA_PATH). */
import { asyncApi, wxFailure, type Dict, type Options } from './api';

/** Where the host keeps the mini-program's local files. */
export interface FileStore {
  /** The file's bytes, or undefined when there is none at `path`. */
  read(path: string): Uint8Array | undefined;
  write(path: string, bytes: Uint8Array): void;
  /** Removes the file; false when there was none. */
  remove(path: string): boolean;
  /** Whether a file or a folder is at `path`. */
  exists(path: string): boolean;
  /** The names of the files in a folder. */
  list(dir: string): string[];
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function toBytes(data: unknown, encoding?: string): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]')
    return new Uint8Array((data as ArrayBuffer).slice(0));
  if (encoding === 'base64') return Uint8Array.from(atob(text(data)), (c) => c.charCodeAt(0));
  return new TextEncoder().encode(text(data));
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

const noSuchFile = (api: string, path: string) =>
  wxFailure(`${api}:fail no such file or directory, open ${path}`);

/** The file-system manager WeChat returns, over `files`. */
export function fileSystemManager(files: FileStore, userDataPath: string): Dict {
  const need = (api: string, path: string): Uint8Array => {
    const bytes = files.read(path);
    if (!bytes) throw noSuchFile(api, path);
    return bytes;
  };
  const sync = {
    readFileSync: (filePath: string, encoding?: string) =>
      fromBytes(need('readFileSync', filePath), encoding),
    writeFileSync: (filePath: string, data: unknown, encoding?: string) =>
      files.write(filePath, toBytes(data, encoding)),
    appendFileSync: (filePath: string, data: unknown, encoding?: string) => {
      const old = files.read(filePath) ?? new Uint8Array();
      const add = toBytes(data, encoding);
      const next = new Uint8Array(old.length + add.length);
      next.set(old);
      next.set(add, old.length);
      files.write(filePath, next);
    },
    unlinkSync: (filePath: string) => {
      if (!files.remove(filePath)) throw noSuchFile('unlinkSync', filePath);
    },
    accessSync: (path: string) => {
      if (!files.exists(path)) throw noSuchFile('accessSync', path);
    },
    copyFileSync: (srcPath: string, destPath: string) =>
      files.write(destPath, need('copyFileSync', srcPath).slice()),
    renameSync: (oldPath: string, newPath: string) => {
      const bytes = need('renameSync', oldPath);
      files.remove(oldPath);
      files.write(newPath, bytes);
    },
    readdirSync: (dirPath: string) => files.list(dirPath),
    statSync: (path: string) => {
      const bytes = need('statSync', path);
      return { size: bytes.length, mode: 0o100644, isFile: () => true, isDirectory: () => false };
    },
    saveFileSync: (tempFilePath: string, filePath?: string) => {
      const target = filePath ?? `${userDataPath}/${tempFilePath.split('/').pop() ?? ''}`;
      files.write(target, need('saveFileSync', tempFilePath));
      return target;
    },
  };
  const path = (o: Options, key: string) => text(o[key]);
  const encoding = (o: Options) => o.encoding as string | undefined;
  return {
    ...sync,
    readFile: asyncApi('readFile', (o) => ({ data: sync.readFileSync(path(o, 'filePath'), encoding(o)) })),
    writeFile: asyncApi('writeFile', (o) => sync.writeFileSync(path(o, 'filePath'), o.data, encoding(o))),
    appendFile: asyncApi('appendFile', (o) => sync.appendFileSync(path(o, 'filePath'), o.data, encoding(o))),
    unlink: asyncApi('unlink', (o) => sync.unlinkSync(path(o, 'filePath'))),
    access: asyncApi('access', (o) => sync.accessSync(path(o, 'path'))),
    copyFile: asyncApi('copyFile', (o) => sync.copyFileSync(path(o, 'srcPath'), path(o, 'destPath'))),
    rename: asyncApi('rename', (o) => sync.renameSync(path(o, 'oldPath'), path(o, 'newPath'))),
    readdir: asyncApi('readdir', (o) => ({ files: sync.readdirSync(path(o, 'dirPath')) })),
    stat: asyncApi('stat', (o) => ({ stats: sync.statSync(path(o, 'path')) })),
    getFileInfo: asyncApi('getFileInfo', (o) => ({ size: need('getFileInfo', path(o, 'filePath')).length })),
    saveFile: asyncApi('saveFile', (o) => ({
      savedFilePath: sync.saveFileSync(path(o, 'tempFilePath'), o.filePath as string | undefined),
    })),
    removeSavedFile: asyncApi('removeSavedFile', (o) => sync.unlinkSync(path(o, 'filePath'))),
    getSavedFileList: asyncApi('getSavedFileList', () => ({
      fileList: files.list(userDataPath).map((name) => {
        const filePath = `${userDataPath}/${name}`;
        return { filePath, size: files.read(filePath)?.length ?? 0, createTime: 0 };
      }),
    })),
  };
}
