/**
 * Tiny, valid image and video bodies with known properties, generated in memory. Tests anywhere in the
 * repository may use them as reference photos (`image_ref1`), ID-card photos (`ocridcard`) or videos.
 */
import { deflateSync } from 'node:zlib';

interface ImageFixture {
  readonly buffer: Buffer;
  readonly mimeType: 'image/jpeg' | 'image/png';
  readonly width: number;
  readonly height: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGB PNG of the given size with a diagonal two-colour pattern. */
export function makePng(width: number, height: number): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError('PNG size must be positive integers');
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const light = (x + y) % 2 === 0;
      rows.set(light ? [0xf0, 0xc8, 0xa0] : [0x50, 0x78, 0xa0], row + 1 + x * 3);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_CODES: Array<[code: number, length: number]> = (() => {
  const codes: Array<[number, number]> = [];
  let code = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < DC_BITS[length - 1]; i++) codes.push([code++, length]);
    code <<= 1;
  }
  return codes;
})();

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.current = (this.current << 1) | ((value >> i) & 1);
      if (++this.used === 8) this.flushByte();
    }
  }

  finish(): Buffer {
    if (this.used > 0) this.write(0xff, 8 - this.used);
    return Buffer.from(this.bytes);
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0);
    this.current = 0;
    this.used = 0;
  }
}

function segment(marker: number, payload: number[] | Buffer): Buffer {
  const data = Buffer.from(payload);
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/** A baseline greyscale JPEG of the given size whose 8×8 blocks alternate between two grey levels. */
export function makeJpeg(width: number, height: number): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 65535) {
    throw new RangeError('JPEG size must be positive integers below 65536');
  }
  if (height > 65535) throw new RangeError('JPEG size must be positive integers below 65536');
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  const bits = new BitWriter();
  let previous = 0;
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      const dc = (bx + by) % 2 === 0 ? 8 * 60 : -8 * 40;
      const diff = dc - previous;
      previous = dc;
      const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      const [code, length] = DC_CODES[category];
      bits.write(code, length);
      if (category > 0) bits.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
      bits.write(0, 1);
    }
  }
  const size = [height >> 8, height & 0xff, width >> 8, width & 0xff];
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    segment(0xc0, [8, ...size, 1, 1, 0x11, 0]),
    segment(0xc4, [0x00, ...DC_BITS, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0]),
    segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    bits.finish(),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function fixture(mimeType: ImageFixture['mimeType'], width: number, height: number): ImageFixture {
  const buffer = mimeType === 'image/jpeg' ? makeJpeg(width, height) : makePng(width, height);
  return Object.freeze({ buffer, mimeType, width, height });
}

/** A 64×48 JPEG: a reference photo or an ID-card photo. */
export const JPEG_FIXTURE = fixture('image/jpeg', 64, 48);

/** A 40×30 PNG: a reference photo or an ID-card photo. */
export const PNG_FIXTURE = fixture('image/png', 40, 30);

/** A 16×16 JPEG the sandbox returns as `image_best`, ID-card photos and portrait in results. */
export const RESULT_JPEG = fixture('image/jpeg', 16, 16);

/** A short byte string with an MP4 `ftyp` box: a stand-in video body for `video_verify`. */
export const VIDEO_FIXTURE: Buffer = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypmp42', 'latin1'),
  Buffer.from([0, 0, 0, 0]),
  Buffer.from('mp42isom', 'latin1'),
  Buffer.alloc(64, 0x2a),
]);

/** The public sample resident ID card the sandbox "recognises" in OCR flows. */
export const SAMPLE_IDCARD = Object.freeze({
  name: '张三',
  idcard_number: '11010519491231002X',
  gender: '女',
  nationality: '汉',
  birth_year: '1949',
  birth_month: '12',
  birth_day: '31',
  address: '北京市朝阳区示例路1号',
  issued_by: '北京市公安局朝阳分局',
  valid_date_start: '20150516',
  valid_date_end: '20350516',
});
