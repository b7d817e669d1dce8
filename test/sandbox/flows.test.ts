/** Tokens, the component flow, outcomes and get_result as docs/sandbox.md describes them. */
import { RESULT_CODES } from '../../miniprogram/shared/result-codes';
import { JPEG_FIXTURE, RESULT_JPEG, SAMPLE_IDCARD, type Sandbox } from '../../dev/sandbox';
import { imageInfo } from '../../dev/sandbox/images';
import {
  blob,
  component,
  control,
  expectError,
  getResult,
  issue,
  runFlow,
  SAMPLE_ID,
  SAMPLE_NAME,
  start,
  type Json,
  type TokenKind,
} from './helpers';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 15, 8, 0, 0);
const THRESHOLDS = { '1e-3': 62.168713, '1e-4': 69.31534, '1e-5': 74.39926, '1e-6': 78.038055 };

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: T0 });
});
afterAll(() => sb.close());
afterEach(() => sb.reset());

function expectJpeg(base64: unknown): void {
  expect(typeof base64).toBe('string');
  expect(imageInfo(Buffer.from(base64 as string, 'base64'))).toMatchObject({ format: 'jpeg' });
}

describe('tokens', () => {
  it('look like <unix seconds>,<32 hex> on the sandbox clock', async () => {
    const token = await issue(sb, 'idcard');
    const [seconds, hex] = token.split(',');
    expect(Number(seconds)).toBe(Math.floor(sb.clock.now() / 1000));
    expect(Math.abs(Number(seconds) - T0 / 1000)).toBeLessThan(60);
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    expect(await issue(sb, 'idcard')).not.toBe(token);
  });

  it('are single-use: a second get_config answers 403', async () => {
    const token = await issue(sb, 'idcard');
    expect((await component.getConfig(sb, token)).status).toBe(200);
    expectError(await component.getConfig(sb, token), 403, 'BIZ_TOKEN_USED');
  });

  it('unknown tokens answer 403 and a missing token 400 at get_config', async () => {
    expectError(await component.getConfig(sb, '1,0123'), 403, 'INVALID_BIZ_TOKEN');
    const res = await fetch(`${sb.url}/lite/v1/get_config`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error).toBe('MISSING_ARGUMENTS:biz_token');
  });

  it('expire one hour after issue on the sandbox clock', async () => {
    const early = await issue(sb, 'idcard');
    const late = await issue(sb, 'idcard');
    sb.clock.advance(HOUR - 1000);
    expect((await component.getConfig(sb, early)).status).toBe(200);
    sb.clock.advance(1000);
    expectError(await component.getConfig(sb, late), 403, 'BIZ_TOKEN_EXPIRED');
    expectError(await component.video(sb, early), 403, 'BIZ_TOKEN_EXPIRED');
    const result = await getResult(sb, late);
    expect(result.body).toMatchObject({ result_code: '9000', result_message: 'LIVING_NOT_START' });
  });

  it('keep their result for 30 days after issue, then get_result answers BAD_ARGUMENTS:biz_token', async () => {
    const token = await issue(sb, 'idcard');
    await runFlow(sb, token);
    sb.clock.advance(30 * DAY - 60000);
    expect((await getResult(sb, token)).body).toMatchObject({
      result_code: '1000',
      result_message: 'SUCCESS',
    });
    sb.clock.advance(60000);
    expectError(await getResult(sb, token), 400, 'BAD_ARGUMENTS:biz_token');
    expect(sb.flow(token)).toBeUndefined();
  });

  it('the clock can also be set over HTTP', async () => {
    const token = await issue(sb, 'idcard');
    const now = await control(sb, '/clock', undefined, 'GET');
    expect(now.body.now_ms).toBeGreaterThanOrEqual(T0);
    const moved = await control(sb, '/clock', { advance_ms: 2 * HOUR });
    expect(moved.body.now_ms - now.body.now_ms).toBeGreaterThanOrEqual(2 * HOUR);
    expectError(await component.getConfig(sb, token), 403, 'BIZ_TOKEN_EXPIRED');
    const set = await control(sb, '/clock', { now_ms: T0 });
    // Back at T0, give or take the time the requests took (far below the 2 h it was moved).
    expect(set.body.now_ms - T0).toBeLessThan(60_000);
    expect(sb.clock.now() - T0).toBeLessThan(60_000);
    expect((await control(sb, '/clock', { advance_ms: 'soon' })).status).toBe(400);
  });
});

describe('the component flow end to end', () => {
  it('ID-card token: get_config → video_verify → get_result with verification.idcard', async () => {
    const token = await issue(sb, 'idcard');
    const config = await component.getConfig(sb, token);
    expect(config.status).toBe(200);
    expect(config.headers.get('access-control-allow-origin')).toBe('*');
    expect(config.body).toMatchObject({
      group: 0,
      idcard_side: 0,
      idcard_uneditable_field: [],
      result_message: 'SUCCESS',
    });
    expect(config.body.code).toMatch(/^\d{4}$/);
    expect((await component.idcardConfirm(sb, token)).body).toMatchObject({ result_code: 1000 });
    expect(sb.flow(token)).toMatchObject({ stage: 'started', result: null });
    expect((await getResult(sb, token)).body.result_code).toBe('9000');
    const video = await component.video(sb, token);
    expect(video.body).toMatchObject({ result_code: 1000, result_message: 'SUCCESS' });

    const result = await getResult(sb, token);
    expect(result.status).toBe(200);
    expect(Object.keys(result.body)).toEqual([
      'request_id',
      'time_used',
      'biz_token',
      'biz_no',
      'result_code',
      'result_message',
      'action',
      'images',
      'verification',
    ]);
    expect(result.body).toMatchObject({ biz_token: token, biz_no: 'biz-1', result_code: '1000', action: [] });
    expect(result.body.verification).toEqual({
      idcard: { confidence: expect.any(Number), thresholds: THRESHOLDS },
    });
    expect(result.body.verification.idcard.confidence).toBeCloseTo(86.47, 1);
    expect(result.body.verification.idcard.confidence).toBeGreaterThan(THRESHOLDS['1e-6']);
    expect(Object.keys(result.body.images)).toEqual(['image_best']);
    expectJpeg(result.body.images.image_best);
    expect(result.body.idcard_result).toBeUndefined();
  });

  it('OCR token: get_config → ocridcard (both sides) → ocridcard_confirm → video_verify → get_result', async () => {
    const token = await issue(sb, 'ocr', { idcard_threshold: '0.7' });
    const config = await component.getConfig(sb, token);
    expect(config.body).toMatchObject({ group: 1, idcard_side: 0 });

    const front = await component.ocr(sb, token, 0);
    expect(front.status).toBe(200);
    expect(front.body).toMatchObject({
      result_code: 1000,
      result_message: 'SUCCESS',
      side: 0,
      name: SAMPLE_NAME,
      idcard_number: SAMPLE_ID,
      gender: '女',
      birth_year: '1949',
      birth_month: '12',
      birth_day: '31',
      legality: { ID_Photo: 1, ID_Photo_Threshold: 0.7 },
    });
    const back = await component.ocr(sb, token, 1);
    expect(back.body).toMatchObject({
      side: 1,
      issued_by: SAMPLE_IDCARD.issued_by,
      valid_date_start: '20150516',
      valid_date_end: '20350516',
      valid_date: '2015.05.16-2035.05.16',
    });
    expect(back.body.name).toBeUndefined();
    expect((await component.ocrConfirm(sb, token)).body).toMatchObject({ result_code: 1000 });
    expect((await component.video(sb, token)).body).toMatchObject({ result_code: 1000 });

    const { body } = await getResult(sb, token);
    expect(body).toMatchObject({ result_code: '1000', result_message: 'SUCCESS', biz_no: '' });
    expect(Object.keys(body.images).sort()).toEqual([
      'idcard_backside',
      'idcard_frontside',
      'idcard_portrait',
      'image_best',
    ]);
    for (const image of Object.values(body.images)) expectJpeg(image);
    expect(body.idcard_result).toEqual({
      ...SAMPLE_IDCARD,
      frontside_legality: {
        Photocopy: 0,
        Edited: 0,
        ID_Photo: 1,
        Screen: 0,
        Temporary_ID_Photo: 0,
        ID_Photo_Threshold: 0.7,
      },
      backside_legality: expect.objectContaining({ ID_Photo: 0.999, Screen: 0.001, ID_Photo_Threshold: 0.7 }),
      frontside_completeness: 0,
      backside_completeness: 0,
      image_portrait: RESULT_JPEG.buffer.toString('base64'),
    });
    expect(body.verification).toEqual({ idcard: { confidence: 86.4735, thresholds: THRESHOLDS } });
  });

  it('OCR token with idcard_side 1: only the portrait side, no back side in the result', async () => {
    const token = await issue(sb, 'ocr', { idcard_side: '1' });
    expect((await component.getConfig(sb, token)).body).toMatchObject({ group: 1, idcard_side: 1 });
    expectError(await component.ocr(sb, token, 1), 400, 'BAD_ARGUMENTS:side');
    expect((await component.ocr(sb, token, 0)).body.result_code).toBe(1000);
    await component.video(sb, token);
    const { body } = await getResult(sb, token);
    expect(Object.keys(body.images).sort()).toEqual(['idcard_frontside', 'idcard_portrait', 'image_best']);
    expect(body.idcard_result).toMatchObject({ name: SAMPLE_NAME, issued_by: '' });
    expect(body.idcard_result.backside_legality).toBeUndefined();
  });

  it.each([
    ['ref', ['ref1']],
    ['ref2', ['ref1', 'ref2']],
  ] as Array<[TokenKind, string[]]>)(
    'reference token (%s): verification has %j and no idcard',
    async (kind, refs) => {
      const token = await issue(sb, kind);
      expect((await component.getConfig(sb, token)).body).toMatchObject({ group: 0 });
      await component.video(sb, token);
      const { body } = await getResult(sb, token);
      expect(Object.keys(body.verification).sort()).toEqual(refs);
      for (const ref of refs)
        expect(body.verification[ref]).toEqual({ confidence: 86.4735, thresholds: THRESHOLDS });
      expect(body.idcard_result).toBeUndefined();
    },
  );

  it('ID-card token with image_ref1: verification has idcard and ref1 (seed example)', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({
      return_url: 'https://r.invalid/',
      notify_url: 'https://n.invalid/',
      comparison_type: '1',
      liveness_type: 'video_number',
      idcard_name: SAMPLE_NAME,
      idcard_number: SAMPLE_ID,
    }))
      form.append(k, v);
    form.append('image_ref1', blob(JPEG_FIXTURE.buffer, 'image/jpeg'), 'ref.jpg');
    const res = await fetch(`${sb.url}/lite/v1/get_biz_token`, {
      method: 'POST',
      headers: { Authorization: `APPCODE ${sb.appcode}` },
      body: form,
    });
    const token = ((await res.json()) as Json).biz_token as string;
    await runFlow(sb, token);
    expect(Object.keys((await getResult(sb, token)).body.verification).sort()).toEqual(['idcard', 'ref1']);
  });

  it('steps before get_config, and after the end, answer 403', async () => {
    const token = await issue(sb, 'idcard');
    expectError(await component.video(sb, token), 403, 'BIZ_TOKEN_NOT_STARTED');
    await runFlow(sb, token);
    expectError(await component.video(sb, token), 403, 'BIZ_TOKEN_USED');
    expectError(await component.cancel(sb, token), 403, 'BIZ_TOKEN_USED');
    expectError(await component.getConfig(sb, token), 403, 'BIZ_TOKEN_USED');
  });

  it('checks uploads: ocridcard only in OCR flows and with a real image, video present, outcome known', async () => {
    const idcard = await issue(sb, 'idcard');
    await component.getConfig(sb, idcard);
    expectError(await component.ocr(sb, idcard, 0), 400, 'BAD_ARGUMENTS:biz_token');
    const ocr = await issue(sb, 'ocr');
    await component.getConfig(sb, ocr);
    expectError(
      await component.ocr(sb, ocr, 0, Buffer.from('not a photo')),
      400,
      'BAD_ARGUMENTS:idcard_image',
    );
    const noImage = new FormData();
    noImage.append('biz_token', ocr);
    const missingImage = await fetch(`${sb.url}/lite/v1/ocridcard`, { method: 'POST', body: noImage });
    expect(((await missingImage.json()) as Json).error).toBe('MISSING_ARGUMENTS:idcard_image');
    const noVideo = new FormData();
    noVideo.append('biz_token', idcard);
    const missingVideo = await fetch(`${sb.url}/lite/v1/video_verify`, { method: 'POST', body: noVideo });
    expect(((await missingVideo.json()) as Json).error).toBe('MISSING_ARGUMENTS:video');
    expectError(
      await component.video(sb, idcard, undefined, Buffer.from('a text file, not a recording')),
      400,
      'BAD_ARGUMENTS:video',
    );
    expectError(await component.video(sb, idcard, 'NOT_A_RESULT'), 400, 'BAD_ARGUMENTS:sandbox_outcome');
    expectError(await component.video(sb, idcard, 'LIVING_NOT_START'), 400, 'BAD_ARGUMENTS:sandbox_outcome');
    expect(sb.flow(idcard)).toMatchObject({ stage: 'started', video_attempts: 0 });
  });

  it.each([
    [
      'idcard_confirm',
      'idcard',
      { idcard_name: '张三', idcard_number: 'abc' },
      'BAD_ARGUMENTS:idcard_number',
    ],
    [
      'idcard_confirm',
      'idcard',
      { idcard_name: '张'.repeat(33), idcard_number: SAMPLE_IDCARD.idcard_number },
      'BAD_ARGUMENTS:idcard_name',
    ],
    [
      'ocridcard_confirm',
      'ocr',
      { name: SAMPLE_IDCARD.name, idcard_number: '1101' },
      'BAD_ARGUMENTS:idcard_number',
    ],
    [
      'ocridcard_confirm',
      'ocr',
      { name: '', idcard_number: SAMPLE_IDCARD.idcard_number },
      'MISSING_ARGUMENTS:name',
    ],
  ] as const)('%s refuses edited fields FaceID would not take (%j)', async (call, kind, fields, error) => {
    const token = await issue(sb, kind);
    await component.getConfig(sb, token);
    const res = await fetch(`${sb.url}/lite/v1/${call}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ biz_token: token, ...fields }),
    });
    expect([res.status, ((await res.json()) as Json).error]).toEqual([400, error]);
    expect(sb.flow(token)).toMatchObject({ stage: 'started', video_attempts: 0 });
  });

  it('refuses an ID-card photo over 5 MB and a video over 20 MB with 413', async () => {
    const ocr = await issue(sb, 'ocr');
    await component.getConfig(sb, ocr);
    const big = Buffer.concat([JPEG_FIXTURE.buffer, Buffer.alloc(5 * 1024 * 1024)]);
    const image = await component.ocr(sb, ocr, 0, big);
    expect([image.status, image.text]).toEqual([413, 'Request Entity Too Large']);
    const video = await component.video(sb, ocr, undefined, Buffer.alloc(20971521));
    expect(video.status).toBe(413);
    expect(sb.flow(ocr)).toMatchObject({ ocr: { front: false }, video_attempts: 0 });
  });
});

describe('outcomes', () => {
  const rows = RESULT_CODES.filter((r) => r.code !== 9000);
  const ocrStep = (code: number) => code === 3100 || code === 3200;

  it.each(rows.map((r) => [r.code, r.message, r] as const))(
    '%i %s: set for the token over HTTP, read back through get_result',
    async (code, message) => {
      const kind: TokenKind = ocrStep(code) ? 'ocr' : 'idcard';
      const token = await issue(sb, kind, { liveness_retry_count: '2' });
      const set = await control(sb, '/outcome', { biz_token: token, result_message: message });
      expect(set.body).toEqual({ ok: true });
      const steps = await runFlow(sb, token);
      const last = steps[steps.length - 1].body;
      const retried = code === 4200 && message !== 'VIDEO_MANY_TIMES';
      expect(last).toMatchObject({
        result_code: code,
        result_message: retried ? 'VIDEO_MANY_TIMES' : message,
      });
      if (ocrStep(code)) expect(steps).toHaveLength(2);

      const { status, body } = await getResult(sb, token);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        result_code: String(code),
        result_message: message,
        biz_token: token,
        action: [],
      });
      if (code === 1000 || code === 2000) {
        const confidence = body.verification.idcard.confidence as number;
        if (code === 1000) expect(confidence).toBeGreaterThan(THRESHOLDS['1e-6']);
        else expect(confidence).toBeCloseTo(41, 0);
        expect(body.verification.idcard.thresholds).toEqual(THRESHOLDS);
      } else {
        expect(body.verification).toBeUndefined();
      }
      expect(body.images.image_best !== undefined).toBe([1000, 2000, 3000, 4100].includes(code));
      if (ocrStep(code)) expect(body.idcard_result).toBeUndefined();
      expect(sb.flow(token)).toMatchObject({
        stage: 'ended',
        result: {
          result_code: String(code),
          result_message: message,
          ended_by: ocrStep(code) ? 'ocridcard' : 'video_verify',
        },
      });
    },
  );

  it('9000 LIVING_NOT_START: every token whose flow has not ended', async () => {
    const token = await issue(sb, 'ocr');
    const body = (await getResult(sb, token)).body;
    expect(body).toMatchObject({
      result_code: '9000',
      result_message: 'LIVING_NOT_START',
      action: [],
      images: {},
    });
    expect(body.verification).toBeUndefined();
    await component.getConfig(sb, token);
    await component.ocr(sb, token, 0);
    expect((await getResult(sb, token)).body.result_code).toBe('9000');
    expect(() => sb.setOutcome('LIVING_NOT_START')).toThrow(RangeError);
  });

  it('31xx/32xx end an ID-card (non-OCR) flow at video_verify', async () => {
    const token = await issue(sb, 'idcard');
    sb.setOutcome('IDCARD_PHOTO_FRONTSIDE', { bizToken: token });
    const steps = await runFlow(sb, token);
    expect(steps.map((s) => s.body.result_code)).toEqual([undefined, 3100]);
    expect(sb.flow(token)).toMatchObject({ result: { ended_by: 'video_verify' } });
  });

  it('are chosen in order: sandbox_outcome, token outcome, default outcome, SUCCESS', async () => {
    const outcomeOf = async (token: string, sandboxOutcome?: string) => {
      await component.getConfig(sb, token);
      await component.video(sb, token, sandboxOutcome);
      return (await getResult(sb, token)).body.result_message as string;
    };
    expect(await outcomeOf(await issue(sb, 'idcard'))).toBe('SUCCESS');
    expect((await control(sb, '/outcome', { result_message: 'FAIL_LIVING_FACE_ATTACK' })).status).toBe(200);
    expect(await outcomeOf(await issue(sb, 'idcard'))).toBe('FAIL_LIVING_FACE_ATTACK');
    const withToken = await issue(sb, 'idcard');
    sb.setOutcome('PASS_LIVING_NOT_THE_SAME', { bizToken: withToken });
    expect(await outcomeOf(withToken)).toBe('PASS_LIVING_NOT_THE_SAME');
    const withAll = await issue(sb, 'idcard');
    sb.setOutcome('PASS_LIVING_NOT_THE_SAME', { bizToken: withAll });
    expect(await outcomeOf(withAll, 'ID_NUMBER_NAME_NOT_MATCH')).toBe('ID_NUMBER_NAME_NOT_MATCH');
    sb.setOutcome(null);
    expect(await outcomeOf(await issue(sb, 'idcard'))).toBe('SUCCESS');
  });

  it('the control API refuses unknown messages and unknown tokens', async () => {
    expect((await control(sb, '/outcome', { result_message: 'MAYBE' })).status).toBe(400);
    expect((await control(sb, '/outcome', { result_message: 'SUCCESS', biz_token: '1,00' })).status).toBe(
      404,
    );
    expect((await control(sb, '/outcome', { result_message: 'SUCCESS', fail_first: 'often' })).status).toBe(
      400,
    );
    expect(() => sb.setOutcome('MAYBE')).toThrow(RangeError);
  });

  it('4200: each attempt answers the message with new digits; the last one VIDEO_MANY_TIMES', async () => {
    const token = await issue(sb, 'idcard', { liveness_retry_count: '3' });
    sb.setOutcome('NO_AUDIO', { bizToken: token });
    let code = (await component.getConfig(sb, token)).body.code as string;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const res = await component.video(sb, token);
      expect(res.body).toMatchObject({ result_code: 4200, result_message: 'NO_AUDIO' });
      expect(res.body.code).toMatch(/^\d{4}$/);
      expect(res.body.code).not.toBe(code);
      code = res.body.code as string;
      expect((await getResult(sb, token)).body.result_code).toBe('9000');
    }
    const last = await component.video(sb, token);
    expect(last.body).toEqual(
      expect.objectContaining({ result_code: 4200, result_message: 'VIDEO_MANY_TIMES' }),
    );
    expect(last.body.code).toBeUndefined();
    expect((await getResult(sb, token)).body).toMatchObject({
      result_code: '4200',
      result_message: 'NO_AUDIO',
    });
    expect(sb.flow(token)).toMatchObject({ video_attempts: 3, stage: 'ended' });
    expectError(await component.video(sb, token), 403, 'BIZ_TOKEN_USED');
  });

  it('4200 with liveness_retry_count 1 ends at the first attempt', async () => {
    const token = await issue(sb, 'idcard', { liveness_retry_count: '1' });
    const steps = await runFlow(sb, token, 'FACE_QUALITY_TOO_LOW');
    expect(steps[1].body).toMatchObject({ result_code: 4200, result_message: 'VIDEO_MANY_TIMES' });
    expect((await getResult(sb, token)).body.result_message).toBe('FACE_QUALITY_TOO_LOW');
  });

  it('VIDEO_MANY_TIMES as the outcome ends the flow at once', async () => {
    const token = await issue(sb, 'idcard', { liveness_retry_count: '5' });
    const steps = await runFlow(sb, token, 'VIDEO_MANY_TIMES');
    expect(steps).toHaveLength(2);
    expect((await getResult(sb, token)).body.result_message).toBe('VIDEO_MANY_TIMES');
  });

  it('fail_first: the first video attempt fails with SR_ERROR, the next passes', async () => {
    const token = await issue(sb, 'idcard');
    expect(
      (await control(sb, '/outcome', { biz_token: token, result_message: 'SUCCESS', fail_first: 1 })).status,
    ).toBe(200);
    const steps = await runFlow(sb, token);
    expect(steps.slice(1).map((s) => [s.body.result_code, s.body.result_message])).toEqual([
      [4200, 'SR_ERROR'],
      [1000, 'SUCCESS'],
    ]);
    expect(steps[1].body.code).toMatch(/^\d{4}$/);
    expect((await getResult(sb, token)).body.result_code).toBe('1000');
    expect(sb.flow(token)).toMatchObject({
      video_attempts: 2,
      outcome: { result_message: 'SUCCESS', fail_first: true },
    });
  });

  it('fail_first as the default applies to every new flow', async () => {
    sb.setOutcome('PASS_LIVING_NOT_THE_SAME', { failFirst: true });
    const token = await issue(sb, 'ref');
    const steps = await runFlow(sb, token);
    expect(steps.slice(1).map((s) => s.body.result_code)).toEqual([4200, 2000]);
    expect((await getResult(sb, token)).body.verification.ref1.confidence).toBeLessThan(THRESHOLDS['1e-3']);
  });

  it.each([
    ['before get_config', 'idcard', async (): Promise<void> => {}],
    [
      'on the agreement step (after get_config)',
      'idcard',
      async (t: string): Promise<void> => void (await component.getConfig(sb, t)),
    ],
    [
      'after the typed ID was confirmed',
      'idcard',
      async (t: string) => {
        await component.getConfig(sb, t);
        await component.idcardConfirm(sb, t);
      },
    ],
    [
      'after the OCR was confirmed',
      'ocr',
      async (t: string) => {
        await component.getConfig(sb, t);
        await component.ocr(sb, t, 0);
        await component.ocrConfirm(sb, t);
      },
    ],
    [
      'between two video attempts',
      'idcard',
      async (t: string) => {
        sb.setOutcome('SUCCESS', { failFirst: true });
        await component.getConfig(sb, t);
        await component.idcardConfirm(sb, t);
        expect((await component.video(sb, t)).body.result_code).toBe(4200);
      },
    ],
  ] as const)(
    'cancel %s ends the flow and get_result reports 6000 USER_CANCEL',
    async (_step, kind, reach) => {
      const token = await issue(sb, kind);
      await reach(token);
      expect((await component.cancel(sb, token)).body).toMatchObject({ result_code: 6000 });
      expect((await getResult(sb, token)).body).toMatchObject({
        result_code: '6000',
        result_message: 'USER_CANCEL',
      });
    },
  );

  it('cancel ends the flow with 6000 USER_CANCEL', async () => {
    const token = await issue(sb, 'ocr');
    await component.getConfig(sb, token);
    await component.ocr(sb, token, 0);
    const res = await component.cancel(sb, token);
    expect(res.body).toMatchObject({ result_code: 6000, result_message: 'USER_CANCEL' });
    const { body } = await getResult(sb, token);
    expect(body).toMatchObject({ result_code: '6000', result_message: 'USER_CANCEL' });
    expect(body.images.image_best).toBeUndefined();
    expect(body.verification).toBeUndefined();
    expect(sb.flow(token)).toMatchObject({ result: { ended_by: 'cancel' } });
  });
});

describe('inspection', () => {
  it('GET /__sandbox/flows/<token> shows the state without personal data; unknown tokens 404', async () => {
    const token = await issue(sb, 'idcard');
    const res = await control(sb, `/flows/${encodeURIComponent(token)}`, undefined, 'GET');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.body).toMatchObject({
      biz_token: token,
      stage: 'issued',
      expired: false,
      comparison_type: 1,
      has_idcard_data: true,
      video_attempts: 0,
      result: null,
    });
    expect(res.body.expires_at_ms - res.body.issued_at_ms).toBe(HOUR);
    expect(res.body.retained_until_ms - res.body.issued_at_ms).toBe(30 * DAY);
    expect(res.text).not.toContain(SAMPLE_NAME);
    expect(res.text).not.toContain(SAMPLE_ID);
    expect((await control(sb, '/flows/1,nothing', undefined, 'GET')).status).toBe(404);
  });

  it('POST /__sandbox/reset forgets tokens, outcomes and account status', async () => {
    const token = await issue(sb, 'idcard');
    sb.setOutcome('NO_AUDIO');
    sb.setAccountStatus('ACCOUNT_DISABLED');
    expect((await control(sb, '/reset', {})).body).toEqual({ ok: true });
    expectError(await getResult(sb, token), 400, 'BAD_ARGUMENTS:biz_token');
    const fresh = await issue(sb, 'idcard');
    await runFlow(sb, fresh);
    expect((await getResult(sb, fresh)).body.result_message).toBe('SUCCESS');
  });
});
