import { checkIdNumber, checkName, idCheckChar, normalizeIdNumber } from '../../miniprogram/shared/idcard';
import { maskIdNumber, maskName } from '../../server/mask';

/** Builds a valid ID number from a 17-digit body. */
const withCheck = (body: string) => body + idCheckChar(body);

describe('resident ID number', () => {
  it('accepts the GB 11643 example number and computes its check digit', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(checkIdNumber('11010519491231002X')).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it('normalises a lower-case x and surrounding spaces', () => {
    expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(checkIdNumber('11010519491231002x')).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it.each([
    ['110105 19491231 002X'],
    ['110105-19491231-002x'],
    ['110105\u300019491231\u3000002X'],
    ['１１０１０５１９４９１２３１００２ｘ'],
    ['110105 1949 1231 002 x'],
  ])('accepts %p pasted with spaces, hyphens or full-width characters, as the 18 characters', (input) => {
    expect(checkIdNumber(input)).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it('rejects a wrong check digit', () => {
    const r = checkIdNumber('110105194912310021');
    expect(r).toMatchObject({ ok: false, code: 'INVALID_IDCARD_NUMBER', problem: 'checksum' });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['1101051949123100', 'length'],
    ['11010519491231002X1', 'length'],
    ['1101051949123100AX', 'characters'],
    ['X10105194912310021', 'characters'],
  ])('rejects %p as %s', (input, problem) => {
    expect(checkIdNumber(input)).toMatchObject({ ok: false, problem });
  });

  it('rejects impossible and future birth dates even with a correct check digit', () => {
    expect(checkIdNumber(withCheck('11010519490230002'))).toMatchObject({ ok: false, problem: 'birthdate' });
    expect(checkIdNumber(withCheck('11010518991231002'))).toMatchObject({ ok: false, problem: 'birthdate' });
    const now = new Date(Date.UTC(2026, 10, 23));
    expect(checkIdNumber(withCheck('11010520261124002'), now)).toMatchObject({
      ok: false,
      problem: 'birthdate',
    });
    expect(checkIdNumber(withCheck('11010520000229002'), now)).toMatchObject({ ok: true });
  });

  it('rejects an unknown region code', () => {
    expect(checkIdNumber(withCheck('99010519491231002'))).toMatchObject({ ok: false, problem: 'region' });
  });

  it('rejects non-strings with the reason the page words', () => {
    expect(checkIdNumber(12345)).toMatchObject({ ok: false, problem: 'empty', reason: 'ID_NUMBER_EMPTY' });
  });
});

describe('name', () => {
  it.each([
    ['张三', '张三'],
    [' 张三 ', '张三'],
    ['阿依古丽·买买提', '阿依古丽·买买提'],
    ['𠮷野家', '𠮷野家'],
    ['欧阳娜娜', '欧阳娜娜'],
    ['王〇', '王〇'],
  ])('accepts %p, the name an ID card bears', (input, value) => {
    expect(checkName(input)).toEqual({ ok: true, value });
  });

  it.each(['阿依古丽•买买提', '阿依古丽・买买提', '阿依古丽･买买提', '阿依古丽‧买买提'])(
    'writes the look-alike dot in %p as the ID card\'s "·"',
    (input) => {
      expect(checkName(input)).toEqual({ ok: true, value: '阿依古丽·买买提' });
    },
  );

  it.each(['Zhang San 123', '张三😀', 'zhangsan', '张 三', '<script>', '张三1', '张三.', 'ｚｈａｎｇ'])(
    'refuses %p: only the characters of an ID card',
    (input) => {
      expect(checkName(input)).toMatchObject({
        ok: false,
        code: 'INVALID_NAME_FORMAT',
        problem: 'characters',
        reason: 'NAME_CHARACTERS',
      });
    },
  );

  it.each(['·张三', '张三·', '阿依古丽··买买提', '·'])(
    'refuses %p: the dot only between two characters',
    (input) => {
      expect(checkName(input)).toMatchObject({ ok: false, problem: 'dot' });
    },
  );

  it('counts characters, not UTF-16 units', () => {
    expect(checkName('𠀀'.repeat(32))).toMatchObject({ ok: true });
    expect(checkName('𠀀'.repeat(33))).toMatchObject({
      ok: false,
      code: 'INVALID_NAME_FORMAT',
      problem: 'length',
      reason: 'NAME_LENGTH',
    });
  });

  it('refuses empty, lone surrogates and control characters', () => {
    expect(checkName('')).toMatchObject({ ok: false, problem: 'empty', reason: 'NAME_EMPTY' });
    expect(checkName('  ')).toMatchObject({ ok: false, problem: 'empty' });
    expect(checkName('张\ud800')).toMatchObject({ ok: false, problem: 'encoding' });
    expect(checkName('张\u0000三')).toMatchObject({ ok: false, problem: 'characters' });
    expect(checkName(undefined)).toMatchObject({ ok: false, problem: 'empty' });
  });
});

describe('masking', () => {
  it('keeps the first character of a name', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李')).toBe('李*');
    expect(maskName('𠀀明')).toBe('𠀀*');
  });
  it('keeps the first 4 and last 4 of an ID number', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
    expect(maskIdNumber('1234')).toBe('****');
  });
});
