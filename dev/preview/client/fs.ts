/** Local files of the preview (temp files, USER_DATA_PATH), in memory; dev/wx's file-system manager reads them. */
import type { FileStore } from '../../wx';

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
function blobOf(path: string): Blob | undefined {
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

/** The preview's local files as the fake wx's file store (folders exist while a file is under them). */
export const localFiles: FileStore = {
  read: (path) => files.get(path)?.bytes,
  write: (path, bytes) => putFile(path, bytes),
  remove: (path) => {
    const had = files.delete(path);
    const url = urls.get(path);
    if (url) URL.revokeObjectURL(url);
    urls.delete(path);
    return had;
  },
  exists: (path) =>
    files.has(path) || [...files.keys()].some((k) => k.startsWith(`${path.replace(/\/$/, '')}/`)),
  list: (dir) =>
    [...files.keys()]
      .filter((k) => k.startsWith(`${dir.replace(/\/$/, '')}/`))
      .map((k) => k.split('/').pop() ?? ''),
};
