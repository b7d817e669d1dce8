/**
 * The sandbox keeps its own copy of what it checks (signatures, error tables, result codes), and so do the tests
 * (test/support). Each copy, and the backend's signing, is held to the specification's own examples here — never
 * to each other.
 */
import * as testErrors from '../support/megvii-errors';
import { createMegviiLiteProvider } from '../../server/providers/megvii-lite';
import { megviiSign } from '../../server/providers/megvii-sign';
import { liteNotifySign, readSign, signMatches } from '../support/megvii-sign';
import { RESULT_CODES } from '../../miniprogram/shared/result-codes';
import * as sandboxErrors from '../../dev/sandbox/megvii-errors';
import { liteNotifySign as sandboxLiteNotifySign, readAppSign } from '../../dev/sandbox/megvii-sign';
import { RESULT_ROWS } from '../../dev/sandbox/result-codes';

/** The public test vector of "App-鉴权说明" (reference/megvii-api-notes.md). */
const VECTOR = {
  apiKey: 'ICVvC_xUs6177WEtyUNwIH8J6NfGu50t',
  apiSecret: 'UjYGdN9CBZKsDBLB5-5v3DykPXY6dw3q',
  expireTime: 1530762218,
  currentTime: 1530762118,
  rdm: '0799687066',
  sign: 'SPzLRbDBgTGC2A8YdDaa7Jrny+5hPUlDVnZDX3hVczYxNzdXRXR5VU53SUg4SjZOZkd1NTB0JmI9MTUzMDc2MjIxOCZjPTE1MzA3NjIxMTgmZD0wNzk5Njg3MDY2',
};

/**
 * Lite notify: `sign` is the lower-case hex SHA-1 of api_secret followed by `data`. The expected value was computed
 * outside Node: printf '%s' 'sandbox-api-secret{"biz_id":"1530000000,8f3e","status":"OK"}' | sha1sum
 */
const NOTIFY = {
  apiSecret: 'sandbox-api-secret',
  data: '{"biz_id":"1530000000,8f3e","status":"OK"}',
  sign: 'f809ffe4bfd506558de295c9663f9f855dde4d61',
};

/** One copy of an error table: each row's status, field and the text it answers with a parameter. */
type TableCopy = ReadonlyArray<{ status: number; field: string; text: (param?: string) => string }>;

const tests = (table: readonly testErrors.MegviiErrorRow[]): TableCopy =>
  table.map((row) => ({ ...row, text: (param) => testErrors.errorText(row, param) }));

const sandbox = (table: readonly sandboxErrors.MegviiErrorRow[]): TableCopy =>
  table.map((row) => ({ ...row, text: (param) => sandboxErrors.errorText(row, param) }));

/** Each seed's error rows, copied verbatim from its table: status, error field, error text (and 004's billing). */
const SEED_ERRORS = {
  '000 Lite-GetToken': {
    field: 'error_message',
    rows: [
      '400 IMAGE_ERROR_UNSUPPORTED_FORMAT: <param>',
      '400 NO_FACE_FOUND',
      '400 MULTIPLE_FACES',
      '400 INVALID_NAME_FORMAT',
      '400 INVALID_IDCARD_NUMBER',
      '403 AUTHENTICATION_ERROR',
      '403 AUTHORIZATION_ERROR: <reason>',
      '403 CONCURRENCY_LIMIT_EXCEEDED',
      '400 MISSING_ARGUMENTS: <key>',
      '400 BAD_ARGUMENTS: <key>',
      '404 API_NOT_FOUND',
      '500 INTERNAL_ERROR',
    ],
    copies: [tests(testErrors.LITE_ERRORS), sandbox(sandboxErrors.LITE_ERRORS)],
  },
  '001 App-GetBizToken': {
    field: 'error',
    rows: [
      '400 MISSING_ARGUMENTS: <key>',
      '400 BAD_ARGUMENTS: <key>',
      '400 IMAGE_ERROR_UNSUPPORTED_FORMAT:<param>',
      '400 NO_FACE_FOUND:<param>',
      '400 INVALID_IMAGE_SIZE<param>',
      '400 LOW_QUALITY',
      '400 MULTIPLE_FACES',
      '403 AUTHENTICATION_ERROR',
      '403 AUTHORIZATION_ERROR: <reason>',
      '403 CONCURRENCY_LIMIT_EXCEEDED',
      '404 API_NOT_FOUND',
      '413 Request Entity Too Large',
      '500 INTERNAL_ERROR',
    ],
    copies: [tests(testErrors.APP_ERRORS), sandbox(sandboxErrors.APP_ERRORS)],
  },
  '002 overseas get_token': {
    field: undefined,
    rows: [
      '400 error_message IMAGE_ERROR_UNSUPPORTED_FORMAT:<param>',
      '400 error_message NO_FACE_FOUND',
      '400 error_message MULTIPLE_FACES',
      '403 error AUTHENTICATION_ERROR',
      '403 error AUTHORIZATION_ERROR:<reason>',
      '403 error_message CONCURRENCY_LIMIT_EXCEEDED',
      '400 error_message MISSING_ARGUMENTS:<key>',
      '400 error_message BAD_ARGUMENTS:<key>',
      '404 error API_NOT_FOUND',
      '500 error_message INTERNAL_ERROR',
    ],
    copies: [tests(testErrors.OVERSEAS_ERRORS), sandbox(sandboxErrors.OVERSEAS_ERRORS)],
  },
  '004 Raw-GetToken': {
    field: 'error_message',
    rows: [
      '403 AUTHENTICATION_ERROR No',
      '403 CONCURRENCY_LIMIT_EXCEEDED No',
      '400 MISSING_ARGUMENTS:<key> No',
      '400 BAD_ARGUMENTS:<key> No',
      '400 IMAGE_ERROR_UNSUPPORTED_FORMAT:<param> No',
      '400 NO_FACE_FOUND:<param> No',
      '400 INVALID_IMAGE_SIZE:<param> No',
      '403 AUTHORIZATION_ERROR:<reason> No',
      '404 API_NOT_FOUND No',
      '413 Request Entity Too Large No',
      '500 INTERNAL_ERROR No',
    ],
    copies: [tests(testErrors.RAW_ERRORS), sandbox(sandboxErrors.RAW_ERRORS)],
  },
} as const;

interface SeedRow {
  status: number;
  field: string;
  /** The error text with its placeholder, as the seed writes it. */
  text: string;
  billed?: boolean;
}

/** Reads a verbatim seed row; 413 is plain text in every seed that has it. */
function seedRow(line: string, field: string | undefined): SeedRow {
  const match = /^(\d{3}) (?:(error|error_message) )?(.+?)(?: (No|Yes))?$/.exec(line)!;
  const text = match[3];
  return {
    status: Number(match[1]),
    field: text === 'Request Entity Too Large' ? 'text' : (match[2] ?? field!),
    text,
    ...(match[4] ? { billed: match[4] === 'Yes' } : {}),
  };
}

/** The placeholder of a seed text (`<key>`, `<param>`, `<reason>`), if it has one. */
const placeholderOf = (text: string): string | undefined => /<\w+>$/.exec(text)?.[0];

describe('the App v3 signature against the public test vector', () => {
  it('the sandbox reads the vector: its fields, and made with the vector secret only', () => {
    const signed = readAppSign(VECTOR.sign)!;
    expect(signed).toMatchObject({
      apiKey: VECTOR.apiKey,
      expireTime: VECTOR.expireTime,
      currentTime: VECTOR.currentTime,
      rdm: VECTOR.rdm,
    });
    expect(signed.madeWith(VECTOR.apiSecret)).toBe(true);
    expect(signed.madeWith(`${VECTOR.apiSecret}x`)).toBe(false);
  });

  it('the sandbox refuses the vector with one signed character changed, or in URL-safe base64', () => {
    const tampered = Buffer.from(VECTOR.sign, 'base64');
    tampered[tampered.length - 1] ^= 1;
    const changed = readAppSign(tampered.toString('base64'));
    expect(changed === undefined || !changed.madeWith(VECTOR.apiSecret)).toBe(true);
    expect(readAppSign(VECTOR.sign.replace(/\+/g, '-'))).toBeUndefined();
  });

  it('the backend makes exactly the vector, and the tests read it back', () => {
    expect(megviiSign(VECTOR.apiSecret, VECTOR)).toBe(VECTOR.sign);
    const read = readSign(VECTOR.sign)!;
    expect(read.fields).toEqual({
      apiKey: VECTOR.apiKey,
      expireTime: VECTOR.expireTime,
      currentTime: VECTOR.currentTime,
      rdm: VECTOR.rdm,
    });
    expect(signMatches(VECTOR.apiSecret, read)).toBe(true);
  });
});

describe('the Lite notify sign against a value computed outside Node', () => {
  it.each([
    ['the sandbox', sandboxLiteNotifySign],
    ["the tests' copy", liteNotifySign],
  ])('%s signs the notify data to the known SHA-1', (_who, sign) => {
    expect(sign(NOTIFY.apiSecret, NOTIFY.data)).toBe(NOTIFY.sign);
  });

  it('the backend takes a notify with the known sign and refuses it under another secret', () => {
    const lite = (apiSecret: string) =>
      createMegviiLiteProvider({
        apiKey: 'k',
        apiSecret,
        baseUrl: 'https://api.megvii.com',
        timeoutMs: 1000,
        now: Date.now,
        returnUrl: '',
        notifyUrl: '',
        threshold: '1e-4',
        returnImage: 0,
      });
    expect(lite(NOTIFY.apiSecret).readNotify({ data: NOTIFY.data, sign: NOTIFY.sign })).toEqual({
      resultRef: '1530000000,8f3e',
    });
    expect(() => lite('other').readNotify({ data: NOTIFY.data, sign: NOTIFY.sign })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });
});

describe.each(Object.entries(SEED_ERRORS))("seed %s's error table", (_seed, spec) => {
  const rows = spec.rows.map((line) => seedRow(line, spec.field));

  it.each([
    ["the tests' copy", spec.copies[0]],
    ['the sandbox', spec.copies[1]],
  ])('%s has every row of the seed, in order, with its status, field and text', (_who, copy) => {
    expect(
      copy.map((row, i) => ({
        status: row.status,
        field: row.field,
        text: row.text(placeholderOf(rows[i]?.text ?? '')),
      })),
    ).toEqual(rows.map(({ status, field, text }) => ({ status, field, text })));
  });

  it.each([
    ["the tests' copy", spec.copies[0]],
    ['the sandbox', spec.copies[1]],
  ])('%s adds no parameter to rows the seed writes without one', (_who, copy) => {
    const bare = rows.flatMap((row, i) => (placeholderOf(row.text) ? [] : [[row.text, copy[i]] as const]));
    for (const [text, row] of bare) expect(row?.text('image_ref1')).toBe(text);
  });
});

it("the tests' copy keeps seed 004's billing column: no error row is billed", () => {
  expect(testErrors.RAW_ERRORS.map((row) => row.billed)).toEqual(
    SEED_ERRORS['004 Raw-GetToken'].rows.map((line) => seedRow(line, 'error_message').billed),
  );
});

describe("seed 003's result codes", () => {
  /** The seed's "结果码说明" rows, verbatim: result_code and result_message. */
  const SEED_RESULTS =
    `1000 SUCCESS|2000 PASS_LIVING_NOT_THE_SAME|3000 NO_ID_CARD_NUMBER|3000 ID_NUMBER_NAME_NOT_MATCH|
3100 IDCARD_PHOTO_FRONTSIDE|3100 IDCARD_BACKSIDE_BLURRED|3100 NO_FACE_FOUND_IDCARD|3100 IDCARD_PHOTO_NOTFRONTSIDE|
3100 IDCARD_PHOTO_NOTBACKSIDE|3200 FAIL_OCR_FAKE_IDCARD|4100 FAIL_LIVING_FACE_ATTACK|4100 CHANGE_FACE_ATTACK|
4200 NO_FACE_FOUND|4200 FACE_QUALITY_TOO_LOW|4200 INVALID_VIDEO_DURATION|4200 VIDEO_TOO_LARGE|4200 SR_ERROR|
4200 NOT_SYNCHRONIZED|4200 NO_AUDIO|4200 VIDEO_FORMAT_UNSUPPORTED|4200 LIP_VOICE_NOT_SYNC|4200 VIDEO_OK|
4200 VIDEO_MANY_TIMES|4200 VIDEO_INTERNAL_ERROR|5000 NON_ENTERPRISE_CERTIFICATION|5000 BALANCE_NOT_ENOUGH|
5000 ACCOUNT_DISABLED|6000 USER_CANCEL|9000 LIVING_NOT_START`
      .split('|')
      .map((entry) => entry.trim());

  it.each([
    ['the sandbox', RESULT_ROWS],
    ['the mini-program', RESULT_CODES],
  ] as const)('%s has every row of the seed, in order', (_who, rows) => {
    expect(rows.map((row) => `${row.code} ${row.message}`)).toEqual(SEED_RESULTS);
  });
});
