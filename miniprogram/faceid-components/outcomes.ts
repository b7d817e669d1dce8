/**
 * The outcomes the stand-in's developer panel can ask the sandbox for: the FaceID result-code table
 * (docs/providers.md#doc-fidlite, "结果码说明"), kept here because the stand-in imports nothing from the product.
 */

/** `<result_code> <result_message>` rows the picker offers, in the document's order (9000 needs no outcome). */
const ROWS = `
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
`
  .trim()
  .split('\n')
  .map((line) => line.split(' '));

/** The `result_message` values the picker sends as `sandbox_outcome`. */
export const PICKABLE_OUTCOMES: readonly string[] = ROWS.map(([, message]) => message);

/** The picker's labels, `<code> <message>`, one per entry of PICKABLE_OUTCOMES. */
export const PICKABLE_OUTCOME_LABELS: readonly string[] = ROWS.map(([code, message]) => `${code} ${message}`);
