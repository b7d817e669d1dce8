/** The exported image fixtures are real JPEG/PNG files of the stated size, and the sniffer tells them apart. */
import { inflateSync } from 'node:zlib';
import {
  JPEG_FIXTURE,
  makeJpeg,
  makePng,
  PNG_FIXTURE,
  RESULT_JPEG,
  SAMPLE_IDCARD,
  VIDEO_FIXTURE,
} from '../../dev/sandbox/fixtures';
import { imageInfo } from '../../dev/sandbox/images';
import { checkIdNumber } from '../../miniprogram/shared/idcard';

describe('fixtures', () => {
  it.each([
    ['JPEG_FIXTURE', JPEG_FIXTURE, 'jpeg'],
    ['PNG_FIXTURE', PNG_FIXTURE, 'png'],
    ['RESULT_JPEG', RESULT_JPEG, 'jpeg'],
  ] as const)('%s has its stated format and size', (_name, fixture, format) => {
    expect(imageInfo(fixture.buffer)).toEqual({ format, width: fixture.width, height: fixture.height });
    expect(fixture.mimeType).toBe(`image/${format}`);
    expect(fixture.buffer.length).toBeLessThan(2048);
  });

  it.each([
    [1, 1],
    [8, 8],
    [333, 17],
    [640, 480],
  ])('makeJpeg(%i, %i) is a complete baseline JPEG of that size', (width, height) => {
    const jpeg = makeJpeg(width, height);
    expect(imageInfo(jpeg)).toEqual({ format: 'jpeg', width, height });
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...jpeg.subarray(-2)]).toEqual([0xff, 0xd9]);
    expect(jpeg.includes(Buffer.from([0xff, 0xda]))).toBe(true);
  });

  it('makePng writes IHDR, IDAT rows of the stated size and IEND', () => {
    const png = makePng(5, 3);
    expect(imageInfo(png)).toEqual({ format: 'png', width: 5, height: 3 });
    const idat = png.indexOf('IDAT');
    const length = png.readUInt32BE(idat - 4);
    expect(inflateSync(png.subarray(idat + 4, idat + 4 + length))).toHaveLength((5 * 3 + 1) * 3);
    expect(png.subarray(-8, -4).toString('latin1')).toBe('IEND');
  });

  it('refuses impossible sizes', () => {
    expect(() => makeJpeg(0, 1)).toThrow(RangeError);
    expect(() => makeJpeg(1, 70000)).toThrow(RangeError);
    expect(() => makePng(1.5, 1)).toThrow(RangeError);
  });

  it('VIDEO_FIXTURE starts with an MP4 ftyp box and is not an image', () => {
    expect(VIDEO_FIXTURE.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(imageInfo(VIDEO_FIXTURE)).toBeUndefined();
  });

  it('SAMPLE_IDCARD is the public sample number, consistent with its birth date and gender', () => {
    const checked = checkIdNumber(SAMPLE_IDCARD.idcard_number);
    expect(checked.ok).toBe(true);
    const { idcard_number: id } = SAMPLE_IDCARD;
    expect(id.slice(6, 14)).toBe(
      `${SAMPLE_IDCARD.birth_year}${SAMPLE_IDCARD.birth_month}${SAMPLE_IDCARD.birth_day}`,
    );
    expect(Number(id[16]) % 2 === 0 ? '女' : '男').toBe(SAMPLE_IDCARD.gender);
  });
});

describe('imageInfo', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['text', Buffer.from('hello world, not an image')],
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00', 'latin1')],
    ['JPEG signature only', Buffer.from([0xff, 0xd8, 0xff, 0xe0])],
    ['JPEG cut before its frame header', JPEG_FIXTURE.buffer.subarray(0, 40)],
    [
      'JPEG without SOF before the scan',
      Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 63, 0]),
    ],
    ['PNG signature only', PNG_FIXTURE.buffer.subarray(0, 8)],
    [
      'PNG with zero width',
      (() => {
        const png = Buffer.from(PNG_FIXTURE.buffer);
        png.writeUInt32BE(0, 16);
        return png;
      })(),
    ],
  ])('refuses %s', (_label, bytes) => {
    expect(imageInfo(bytes)).toBeUndefined();
  });
});
