import { randomUUID } from 'node:crypto';
import { FaceIdError } from '../errors';
import { uploadDirFor, type PreparePhotoOk } from '../../miniprogram/shared/events';
import { PHOTOS_PER_WINDOW, PHOTO_LIFETIME_MS, fileIdOf } from '../photos';
import type { Services } from '../runtime';

/**
 * Registers one reference photo before the person uploads it: a server-chosen, unique cloud path in the caller's
 * folder, and its end (the purge deletes it 24 hours later, or getBizToken sooner). At most PHOTOS_PER_WINDOW
 * registrations per person per window.
 */
export async function preparePhoto(_event: unknown, services: Services): Promise<PreparePhotoOk> {
  const { caller, store, photos, files, now, log } = services;
  if (caller.kind !== 'user') {
    throw new FaceIdError('FORBIDDEN', {
      detail: 'no WeChat user in this call',
      reason: 'OUTSIDE_MINIPROGRAM',
    });
  }
  const at = now();
  const key = `photo:${caller.openid}`;
  if (!(await store.take(key, PHOTOS_PER_WINDOW, at, PHOTO_LIFETIME_MS))) {
    const retryAt = (Math.floor(at / PHOTO_LIFETIME_MS) + 1) * PHOTO_LIFETIME_MS;
    throw new FaceIdError('RATE_LIMITED', {
      detail: `more than ${PHOTOS_PER_WINDOW} photos in ${PHOTO_LIFETIME_MS / 1000}s`,
      reason: 'PHOTO_LIMIT',
      retryAt,
    });
  }
  const id = randomUUID().replace(/-/g, '');
  const cloudPath = `${uploadDirFor(caller.openid)}ref-${id}.jpg`;
  const expiresAt = at + PHOTO_LIFETIME_MS;
  try {
    const fileID = await fileIdOf(cloudPath, files);
    await photos.register({ _id: id, openid: caller.openid, cloudPath, fileID, createdAt: at, expiresAt });
    log.info({ fn: 'preparePhoto', event: 'registered' });
    return { ok: true, cloudPath, fileID, expiresAt };
  } catch (err) {
    await store.giveBack(key, at, PHOTO_LIFETIME_MS);
    if (err instanceof FaceIdError) throw err;
    throw new FaceIdError('SERVICE_BUSY', { detail: 'the photo could not be registered' });
  }
}
