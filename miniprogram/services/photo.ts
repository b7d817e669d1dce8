/** Taking a reference photo and shrinking it to what the backend accepts (≤ 1 MB, ≤ 1920 px long side). */

import { accessProblemOf, type AccessProblem } from './access';

const MAX_PHOTO_BYTES = 1024 * 1024;
const MAX_PHOTO_SIDE = 1920;
const QUALITIES = [80, 60, 40, 20];

/** Why no photo came back; the entry page's copy table has a sentence for each. */
type PhotoProblem = 'photoTooLarge' | 'photoUnreadable' | 'photoNoAccess';

type PhotoResult =
  | { ok: true; path: string; size: number }
  | { ok: false; cancelled: boolean; problem: PhotoProblem; access?: AccessProblem };

function fileSize(filePath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().getFileInfo({
      filePath,
      success: (res) => resolve(res.size),
      fail: reject,
    });
  });
}

function isCancel(err: unknown): boolean {
  const msg = (err as { errMsg?: string } | undefined)?.errMsg ?? '';
  return msg.includes('cancel');
}

/** Width to ask compressImage for so that the long side is at most MAX_PHOTO_SIDE. */
function targetWidth(width: number, height: number): number {
  const longSide = Math.max(width, height);
  if (longSide <= MAX_PHOTO_SIDE) return width;
  return Math.max(1, Math.round((width * MAX_PHOTO_SIDE) / longSide));
}

/** Compresses with falling quality until the file fits MAX_PHOTO_BYTES. */
async function compressPhoto(src: string): Promise<PhotoResult> {
  try {
    const info = await wx.getImageInfo({ src });
    const compressedWidth = targetWidth(info.width, info.height);
    for (const quality of QUALITIES) {
      const { tempFilePath } = await wx.compressImage({ src, quality, compressedWidth });
      const size = await fileSize(tempFilePath);
      if (size <= MAX_PHOTO_BYTES) return { ok: true, path: tempFilePath, size };
    }
    return { ok: false, cancelled: false, problem: 'photoTooLarge' };
  } catch {
    return { ok: false, cancelled: false, problem: 'photoUnreadable' };
  }
}

/** Lets the person take or choose one photo, then compresses it. */
export async function pickReferencePhoto(): Promise<PhotoResult> {
  let src: string;
  try {
    const res = await wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['camera', 'album'],
      sizeType: ['compressed'],
      camera: 'front',
    });
    src = res.tempFiles[0].tempFilePath;
  } catch (err) {
    // Refused by WeChat (privacy errno 104/112, the camera said no to): the page shows what to do next.
    const access = accessProblemOf(err);
    if (access) return { ok: false, cancelled: false, problem: 'photoNoAccess', access };
    return { ok: false, cancelled: isCancel(err), problem: 'photoNoAccess' };
  }
  return compressPhoto(src);
}
