/** The sandbox's own copy of the result-code table of docs/providers.md#doc-fidlite ("结果码说明"), shared with nothing it tests. */

/** One row of the table: `result_code` and `result_message`. */
export interface ResultRow {
  code: number;
  message: string;
}

/** The rows of docs/providers.md#doc-fidlite in its order, as `<result_code> <result_message>`. */
const SEED_ROWS = `
1000 SUCCESS
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
9000 LIVING_NOT_START
`;

/** Every row of the result-code table of docs/providers.md#doc-fidlite. */
export const RESULT_ROWS: readonly ResultRow[] = SEED_ROWS.trim()
  .split('\n')
  .map((line) => {
    const [code, message] = line.split(' ');
    return { code: Number(code), message };
  });
