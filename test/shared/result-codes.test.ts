import { describeResult, isFinalOutcome, RESULT_CODES } from '../../miniprogram/shared/result-codes';
import { confidenceLevel } from '../../miniprogram/shared/events';

const SEED_003_ROWS = `1000 SUCCESS
2000 PASS_LIVING_NOT_THE_SAME
3000 NO_ID_CARD_NUMBER
3000 ID_NUMBER_NAME_NOT_MATCH
3100 IDCARD_PHOTO_FRONTSIDE
3100 IDCARD_BACKSIDE_BLURRED
3100 NO_FACE_FOUND_IDCARD
3100 IDCARD_PHOTO_NOTFRONTSIDE
3100 IDCARD_PHOTO_NOTBACKSIDE
3200 FAIL_OCR_FAKE_IDCARD
4100 FAIL_LIVING_FACE_ATTACK
4100 CHANGE_FACE_ATTACK
4200 NO_FACE_FOUND
4200 FACE_QUALITY_TOO_LOW
4200 INVALID_VIDEO_DURATION
4200 VIDEO_TOO_LARGE
4200 SR_ERROR
4200 NOT_SYNCHRONIZED
4200 NO_AUDIO
4200 VIDEO_FORMAT_UNSUPPORTED
4200 LIP_VOICE_NOT_SYNC
4200 VIDEO_OK
4200 VIDEO_MANY_TIMES
4200 VIDEO_INTERNAL_ERROR
5000 NON_ENTERPRISE_CERTIFICATION
5000 BALANCE_NOT_ENOUGH
5000 ACCOUNT_DISABLED
6000 USER_CANCEL
9000 LIVING_NOT_START`
  .split('\n')
  .map((line) => line.split(' ') as [string, string]);

const FAMILY: Record<string, string> = {
  '1000': 'passed',
  '2000': 'not_same_person',
  '3000': 'identity_mismatch',
  '3100': 'idcard_error',
  '3200': 'fake_idcard',
  '4100': 'liveness_attack',
  '4200': 'liveness_failed',
  '5000': 'account_error',
  '6000': 'cancelled',
  '9000': 'not_started',
};

describe('result-code table', () => {
  it('has exactly the rows of the fidlite document (docs/providers.md#doc-fidlite)', () => {
    expect(RESULT_CODES.map((r) => [String(r.code), r.message])).toEqual(SEED_003_ROWS);
  });

  it.each(SEED_003_ROWS)('maps %s %s to its outcome family', (code, message) => {
    const row = describeResult(code, message)!;
    expect(row.message).toBe(message);
    expect(row.outcome).toBe(FAMILY[code]);
  });

  it('says when starting again makes sense', () => {
    expect(describeResult(1000, 'SUCCESS')!.retryable).toBe(false);
    expect(describeResult(2000, 'PASS_LIVING_NOT_THE_SAME')!.retryable).toBe(true);
    expect(describeResult(3200, 'FAIL_OCR_FAKE_IDCARD')!.retryable).toBe(false);
    expect(describeResult(4100, 'CHANGE_FACE_ATTACK')!.retryable).toBe(false);
    expect(describeResult(5000, 'BALANCE_NOT_ENOUGH')!.retryable).toBe(false);
    expect(describeResult(6000, 'USER_CANCEL')!.retryable).toBe(true);
  });

  it('keeps an unknown message of a known family in that family, and rejects unknown families', () => {
    expect(describeResult('4200', 'SOMETHING_NEW')).toMatchObject({
      outcome: 'liveness_failed',
      message: 'SOMETHING_NEW',
    });
    expect(describeResult(7000, 'X')).toBeUndefined();
    expect(describeResult('abc')).toBeUndefined();
  });

  it('treats everything but not_started as final', () => {
    expect(isFinalOutcome('not_started')).toBe(false);
    expect(isFinalOutcome('cancelled')).toBe(true);
  });
});

describe('confidence bands', () => {
  const thresholds = { '1e-3': 62.168713, '1e-4': 69.31534, '1e-5': 74.39926, '1e-6': 78.038055 };
  it.each([
    [86.4735, '1e-6'],
    [75, '1e-5'],
    [70, '1e-4'],
    [63, '1e-3'],
    [40, 'none'],
  ])('confidence %p clears %s', (confidence, level) => {
    expect(confidenceLevel(confidence, thresholds)).toBe(level);
  });
});
