/**
 * Cloud storage as the stand-in keeps it: objects by cloud path, in memory or in a folder, named by CloudBase
 * fileIDs (`cloud://<env>.<bucket>/<path>`). Uploads and downloads go through signed URLs on the stand-in's own
 * `/cos/` endpoint, as CloudBase hands out COS URLs.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

/** How long a download URL stays valid (CloudBase's default max_age). */
const URL_LIFETIME_MS = 600_000;

/** The most files one deleteFile (`storage.batchDeleteFile`) call may name. */
export const MAX_DELETE_FILES = 50;

/** Cloud paths CloudBase accepts: relative, no `..`, no empty segments. */
export function validCloudPath(path: string): boolean {
  return (
    path.length > 0 &&
    path.length <= 850 &&
    !path.startsWith('/') &&
    !path.split('/').some((part) => part === '' || part === '.' || part === '..')
  );
}

export class Storage {
  private readonly memory = new Map<string, Buffer>();
  private readonly key = randomBytes(16);
  readonly bucket: string;

  constructor(
    readonly envId: string,
    private readonly folder?: string,
  ) {
    // CloudBase names an environment's bucket after it: the hex of its first two characters, the id, the account.
    this.bucket = `${Buffer.from(envId.slice(0, 2)).toString('hex')}-${envId}-1300000000`;
    if (folder) mkdirSync(folder, { recursive: true });
  }

  fileIdOf(cloudPath: string): string {
    return `cloud://${this.envId}.${this.bucket}/${cloudPath}`;
  }

  /** The cloud path a fileID names in this environment, or undefined for another environment's or a malformed one. */
  pathOf(fileID: string): string | undefined {
    const prefix = `cloud://${this.envId}.${this.bucket}/`;
    if (!fileID.startsWith(prefix)) return undefined;
    const path = fileID.slice(prefix.length);
    return validCloudPath(path) ? path : undefined;
  }

  private fileOf(folder: string, cloudPath: string): string {
    const root = resolve(folder);
    const full = resolve(root, cloudPath);
    if (!full.startsWith(root + sep)) throw new Error('cloud path escapes the storage folder');
    return full;
  }

  put(cloudPath: string, content: Buffer): string {
    if (!validCloudPath(cloudPath)) throw new Error(`invalid cloud path: ${cloudPath}`);
    if (this.folder) {
      const file = this.fileOf(this.folder, cloudPath);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    } else this.memory.set(cloudPath, Buffer.from(content));
    return this.fileIdOf(cloudPath);
  }

  get(cloudPath: string): Buffer | undefined {
    if (!this.folder) return this.memory.get(cloudPath);
    const file = this.fileOf(this.folder, cloudPath);
    return existsSync(file) ? readFileSync(file) : undefined;
  }

  /** Deletes an object; false when there was none. */
  delete(cloudPath: string): boolean {
    if (!this.folder) return this.memory.delete(cloudPath);
    const file = this.fileOf(this.folder, cloudPath);
    if (!existsSync(file)) return false;
    rmSync(file);
    return true;
  }

  /** A signature for a path, an operation and an expiry: the URL's `sign` parameter. */
  sign(cloudPath: string, operation: 'get' | 'put', expires: number): string {
    return createHmac('sha256', this.key).update(`${operation}\n${cloudPath}\n${expires}`).digest('hex');
  }

  /** Whether a URL's signature is this stand-in's, for this path and operation, and not expired. */
  verify(cloudPath: string, operation: 'get' | 'put', expires: number, sign: string, now: number): boolean {
    if (!Number.isFinite(expires) || expires < now || !/^[0-9a-f]{64}$/.test(sign)) return false;
    return timingSafeEqual(
      Buffer.from(this.sign(cloudPath, operation, expires), 'hex'),
      Buffer.from(sign, 'hex'),
    );
  }

  /** The signed URL query for a path (`sign=…&t=…`). */
  signedQuery(cloudPath: string, operation: 'get' | 'put', now: number): string {
    const expires = now + URL_LIFETIME_MS;
    return `sign=${this.sign(cloudPath, operation, expires)}&t=${expires}`;
  }
}
