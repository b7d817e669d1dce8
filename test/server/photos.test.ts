/**
 * Every reference photo has an owner and an end: preparePhoto registers it before the upload, getBizToken accepts
 * only the caller's registered photos, and the daily purge deletes every photo past its end (24 hours), whatever
 * path the photo took.
 */
import { JPEG_FIXTURE, makePng } from '../../dev/sandbox/fixtures';
import { PHOTOS_PER_WINDOW } from '../../server/photos';
import { CONSENT, startHarness, type Harness } from '../support/harness';

type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const HOUR = 60 * 60 * 1000;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const tokenCalls = () => h.upstream.calls('/lite/v1/get_biz_token').length;
const registered = () => h.registeredPhotos();

/** The daily purge run 24 hours after the photo was registered (its end moved into the past). */
async function purgeAfter24Hours(fileID: string): Promise<Answer> {
  await h.agePhoto(fileID, Date.now() - 1);
  return h.call<Answer>('purgeVerifications', {}, null);
}

describe('preparePhoto', () => {
  it('names a unique cloud path in the caller’s own folder and registers it with a 24-hour end', async () => {
    const before = Date.now();
    const a = await h.call<Answer>('preparePhoto', {});
    const b = await h.call<Answer>('preparePhoto', {});
    expect(a).toMatchObject({
      ok: true,
      cloudPath: expect.stringMatching(/^faceid\/o-user-1\/ref-[0-9a-f]{32}\.jpg$/),
    });
    expect(b.cloudPath).not.toBe(a.cloudPath);
    expect(a.fileID).toMatch(new RegExp(`^cloud://${h.cloud.cloudbase.envId}\\.[^/]+/${a.cloudPath}$`));
    expect(a.expiresAt).toBeGreaterThanOrEqual(before + 24 * HOUR);
    expect(a.expiresAt).toBeLessThanOrEqual(Date.now() + 24 * HOUR);
    expect(await registered()).toBe(2);
  });

  it('is for WeChat users only, and bounds the photos one person may register in a window', async () => {
    expect((await h.call<Answer>('preparePhoto', {}, null)).error.code).toBe('FORBIDDEN');
    for (let i = 0; i < PHOTOS_PER_WINDOW; i++)
      expect((await h.call<Answer>('preparePhoto', {})).ok).toBe(true);
    const refused = await h.call<Answer>('preparePhoto', {});
    expect(refused.error).toMatchObject({ code: 'RATE_LIMITED', retryAt: expect.any(Number) });
    expect((await h.call<Answer>('preparePhoto', {}, 'o-user-2')).ok).toBe(true);
    expect(await registered()).toBe(PHOTOS_PER_WINDOW + 1);
  });
});

describe('getBizToken takes only registered photos', () => {
  it('refuses a photo put in the caller’s folder without preparePhoto, before any download or paid call', async () => {
    const stray = await h.putFile('faceid/o-user-1/ref-stray.jpg', JPEG_FIXTURE.buffer);
    h.cloud.cloudbase.resetRequestCounts();
    const answer = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'reference', imageRef1: stray });
    expect(answer.error).toMatchObject({ code: 'PHOTO_EXPIRED', param: 'image_ref1' });
    expect(h.cloud.cloudbase.requestCounts()['cos.get']).toBeUndefined();
    expect(tokenCalls()).toBe(0);
  });

  it('answers PHOTO_EXPIRED, not a bad file, for a photo already deleted; INVALID_IMAGE only for a bad file', async () => {
    const photo = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'reference', imageRef1: photo })).ok,
    ).toBe(true);
    expect(await h.fileExists(photo)).toBe(false);
    const again = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'reference', imageRef1: photo });
    expect(again.error).toMatchObject({
      code: 'PHOTO_EXPIRED',
      message: '这张照片已删除，请重新选择一张照片',
    });

    const vanished = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    h.cloud.cloudbase.removeFile(vanished);
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'reference', imageRef1: vanished })).error
        .code,
    ).toBe('PHOTO_EXPIRED');
    const text = await h.uploadPhoto(Buffer.from('not an image'));
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'reference', imageRef1: text })).error.code,
    ).toBe('INVALID_IMAGE');
    expect(tokenCalls()).toBe(1);
  });
});

describe('no face photo outlives 24 hours', () => {
  it('keeps an open photo through a purge before its end, and deletes it with its registration after', async () => {
    const photo = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    expect(await h.call<Answer>('purgeVerifications', {}, null)).toMatchObject({ ok: true, photos: 0 });
    expect(await h.fileExists(photo)).toBe(true);
    expect(await purgeAfter24Hours(photo)).toMatchObject({ ok: true, photos: 1 });
    expect(await h.fileExists(photo)).toBe(false);
    expect(await registered()).toBe(0);
  });

  it('a photo sent with a rate-limited request', async () => {
    h.setEnv({ FACEID_RATE_LIMIT: '1/600' });
    expect((await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr' })).ok).toBe(true);
    const photo = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    const refused = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'reference', imageRef1: photo });
    expect(refused.error.code).toBe('RATE_LIMITED');
    await purgeAfter24Hours(photo);
    expect(await h.fileExists(photo)).toBe(false);
  });

  it('a photo sent with an option refused after the download', async () => {
    const photo = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    const refused = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'reference',
      imageRef1: photo,
      options: { livenessRetryCount: 6 },
    });
    expect(refused.error.code).toBe('BAD_ARGUMENTS');
    await purgeAfter24Hours(photo);
    expect(await h.fileExists(photo)).toBe(false);
  });

  it('a photo over 4096 px, or a file that is no image: deleted at once, since it can never be sent', async () => {
    const huge = await h.uploadPhoto(makePng(4097, 8));
    const refused = await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'reference', imageRef1: huge });
    expect(refused.error.code).toBe('INVALID_IMAGE_SIZE');
    expect(await h.fileExists(huge)).toBe(false);
    const text = await h.uploadPhoto(Buffer.from('not an image'));
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'reference', imageRef1: text })).error.code,
    ).toBe('INVALID_IMAGE');
    expect(await h.fileExists(text)).toBe(false);
    expect(await registered()).toBe(0);
  });

  it('a photo sent with a bizNo another user has (a bizNo is its caller’s own, so this is the sender’s own verification)', async () => {
    expect(
      (await h.call<Answer>('getBizToken', { ...CONSENT, mode: 'ocr', bizNo: 'order-7' }, 'o-user-2')).ok,
    ).toBe(true);
    const photo = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    const own = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'reference',
      imageRef1: photo,
      bizNo: 'order-7',
    });
    expect(own.ok).toBe(true);
    await purgeAfter24Hours(photo);
    expect(await h.fileExists(photo)).toBe(false);
  });

  it('a photo sent with the same bizNo while its token is live', async () => {
    const first = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    const issued = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'reference',
      imageRef1: first,
      bizNo: 'order-8',
    });
    expect(issued.ok).toBe(true);
    const second = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    const reused = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'reference',
      imageRef1: second,
      bizNo: 'order-8',
    });
    expect(reused).toMatchObject({ ok: true, bizToken: issued.bizToken });
    expect(tokenCalls()).toBe(1);
    await purgeAfter24Hours(second);
    expect(await h.fileExists(second)).toBe(false);
  });

  it('a new photo sent with the retry of a bizNo', async () => {
    const first = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    h.sandbox.injectFault({ kind: 'status', status: 500, path: '/lite/v1/get_biz_token' });
    expect(
      (
        await h.call<Answer>('getBizToken', {
          ...CONSENT,
          mode: 'reference',
          imageRef1: first,
          bizNo: 'order-9',
        })
      ).ok,
    ).toBe(false);
    const second = await h.uploadPhoto(JPEG_FIXTURE.buffer);
    const retried = await h.call<Answer>('getBizToken', {
      ...CONSENT,
      mode: 'reference',
      imageRef1: second,
      bizNo: 'order-9',
    });
    expect(retried.ok).toBe(true);
    await purgeAfter24Hours(second);
    expect(await h.fileExists(first)).toBe(false);
    expect(await h.fileExists(second)).toBe(false);
    expect(await registered()).toBe(0);
  });
});
