/**
 * The registry of reference photos: every photo a person is let upload is registered before the upload, with its
 * end, because cloud storage cannot be listed. getBizToken accepts only registered photos; the daily purge deletes
 * every photo past its end, whatever path it took.
 */
import type { CloudDatabase } from './store/cloudbase';
import type { FileApi } from './files';

/** Name of the CloudBase collection registering the reference photos people were let upload. */
export const UPLOADS_COLLECTION = 'faceid_uploads';

/** How long a reference photo may exist, whatever happens to it (it is deleted sooner once FaceID has it). */
export const PHOTO_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Photos one person may register per PHOTO_LIFETIME_MS window (a bound on what the registry holds for them). */
export const PHOTOS_PER_WINDOW = 20;

/** One registered photo. `_id` is the random part of its cloud path. */
interface PhotoUpload {
  _id: string;
  openid: string;
  cloudPath: string;
  fileID: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** When the purge deletes it (epoch ms): createdAt + PHOTO_LIFETIME_MS. */
  expiresAt: number;
}

/** The cloud path of a registered photo: `faceid/<openid>/ref-<id>.jpg`. */
const PHOTO_PATH = /^faceid\/[^/]+\/ref-([0-9a-f]{32})\.jpg$/;

/** The storage path inside a `cloud://<env>.<bucket>/<path>` fileID. */
export function fileIdPath(fileID: string): string | undefined {
  const match = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileID);
  return match ? match[1] : undefined;
}

/** Where the functions keep the registry: the collection faceid_uploads. */
export class PhotoRegistry {
  constructor(private readonly db: CloudDatabase) {}

  private get collection() {
    return this.db.collection(UPLOADS_COLLECTION);
  }

  /** Registers a photo before its upload. */
  async register(upload: PhotoUpload): Promise<void> {
    await this.collection.add({ data: { ...upload } });
  }

  /** The registration of a fileID, if it is registered (exactly this fileID). */
  async find(fileID: string): Promise<PhotoUpload | undefined> {
    const id = PHOTO_PATH.exec(fileIdPath(fileID) ?? '')?.[1];
    if (!id) return undefined;
    const { data } = await this.collection.where({ _id: id }).limit(1).get();
    const upload = data[0] as unknown as PhotoUpload | undefined;
    return upload?.fileID === fileID ? upload : undefined;
  }

  /** Forgets the registrations of photos whose files are deleted. */
  async forget(fileIDs: string[]): Promise<void> {
    const ids = fileIDs.flatMap((fileID) => PHOTO_PATH.exec(fileIdPath(fileID) ?? '')?.[1] ?? []);
    await this.remove(ids);
  }

  /** Up to `limit` registrations whose end is before `at`, oldest first. */
  async listEnded(at: number, limit: number): Promise<PhotoUpload[]> {
    const { data } = await this.collection
      .where({ expiresAt: this.db.command.lt(at) })
      .orderBy('expiresAt', 'asc')
      .limit(limit)
      .get();
    return data as unknown as PhotoUpload[];
  }

  /** Deletes registrations by id; resolves how many existed. */
  async remove(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const { stats } = await this.collection.where({ _id: this.db.command.in(ids) }).remove();
    return stats.removed;
  }
}

/** A file the functions write once per instance to learn the environment's fileID prefix. */
const PREFIX_MARKER = 'faceid-meta/file-id-prefix';

let fileIdPrefix: string | undefined;

/**
 * The fileID a cloud path has in this environment (`cloud://<env>.<bucket>/` + path). The SDK names the bucket
 * only in a fileID it returns, so the first call writes a one-byte marker and keeps its prefix for the instance.
 */
export async function fileIdOf(cloudPath: string, files: Pick<FileApi, 'uploadFile'>): Promise<string> {
  if (fileIdPrefix === undefined) {
    const { fileID } = await files.uploadFile({ cloudPath: PREFIX_MARKER, fileContent: Buffer.from('1') });
    if (!fileID.endsWith(`/${PREFIX_MARKER}`)) throw new Error('unexpected fileID for the prefix marker');
    fileIdPrefix = fileID.slice(0, fileID.length - PREFIX_MARKER.length);
  }
  return fileIdPrefix + cloudPath;
}
