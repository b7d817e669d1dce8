/** Recognises JPEG and PNG files from their bytes and reads their pixel size, without decoding them. */

interface ImageInfo {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

/** Longest side FaceID accepts for a reference photo, in pixels (the Megvii App and Raw documents, docs/providers.md#vendor-documents, INVALID_IMAGE_SIZE). */
export const MAX_IMAGE_SIDE = 4096;

/** Largest request body FaceID accepts (20 MB); images must leave room for the other fields. */
export const MAX_REQUEST_BYTES = 20 * 1024 * 1024;

function readPng(bytes: Uint8Array): ImageInfo | undefined {
  if (bytes.length < 24) return undefined;
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => bytes[i] === b)) return undefined;
  if (String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) !== 'IHDR') return undefined;
  const u32 = (o: number) =>
    ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
  const width = u32(16);
  const height = u32(20);
  return width > 0 && height > 0 ? { format: 'png', width, height } : undefined;
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function readJpeg(bytes: Uint8Array): ImageInfo | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    if (length < 2) return undefined;
    if (SOF_MARKERS.has(marker)) {
      if (offset + 9 > bytes.length) return undefined;
      const height = (bytes[offset + 5] << 8) | bytes[offset + 6];
      const width = (bytes[offset + 7] << 8) | bytes[offset + 8];
      return width > 0 && height > 0 ? { format: 'jpeg', width, height } : undefined;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    offset += 2 + length;
  }
  return undefined;
}

/** Format and size of a JPEG or PNG image, or undefined when the bytes are not one. */
export function sniffImage(bytes: Uint8Array): ImageInfo | undefined {
  return readPng(bytes) ?? readJpeg(bytes);
}
