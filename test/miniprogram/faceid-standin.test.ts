/** @jest-environment jsdom */
import {
  change,
  enabled,
  httpRequest,
  load,
  modalAnswers,
  mount,
  recorded,
  storage,
  tap,
  text,
  until,
  type Mounted,
} from './harness';
import { issueToken, TEST_APPCODE, useSandbox } from './sandbox-client';
import { RESULT_CODES } from '../../miniprogram/shared/result-codes';

const VENDOR_KEYS = [
  'result',
  'name',
  'idcard_number',
  'valid_date',
  'issued_by',
  'image_ref_ocridcardback',
  'image_ref_ocridcardfront',
];
const OUTCOME_INDEX = (message: string) =>
  RESULT_CODES.filter((r) => r.message !== 'LIVING_NOT_START').findIndex((r) => r.message === message);

let componentId: string;
const sandbox = useSandbox(() => {
  componentId = load('faceid-components/components/index/index');
});

interface Started {
  component: Mounted;
  finishes: { token: string; status: string }[];
}

function start(token: string): Started {
  const component = mount(componentId, { token });
  const finishes: { token: string; status: string }[] = [];
  const trigger = component.instance.triggerEvent.bind(component.instance);
  component.instance.triggerEvent = (name: string, detail: { token: string; status: string }) => {
    if (name === 'onFinish') finishes.push(detail);
    trigger(name, detail);
  };
  return { component, finishes };
}

/** Taps 退出验证 and confirms it in the dialog that follows. */
function confirmExit(c: Mounted): void {
  modalAnswers.push(true);
  tap(c, '#exit');
}

async function agreeAndStart(c: Mounted): Promise<void> {
  expect(text(c, '#sandbox-mark')).toContain('SANDBOX / 沙箱');
  expect(enabled(c, '#start')).toBe(false);
  change(c, '#agree', ['agree']);
  await until(() => enabled(c, '#start'), 1000, 'start enabled');
  tap(c, '#start');
}

async function recordAfterCountdown(c: Mounted): Promise<void> {
  await until(() => c.data.step === 'video', 3000, 'video step');
  expect(c.data.code).toMatch(/^\d{4}$/);
  expect(text(c, '#code')).toBe(c.data.code);
  expect(text(c, '#countdown')).toContain('3 秒');
  expect(enabled(c, '#sandbox-video')).toBe(false);
  await until(() => c.data.countdown === 0, 5000, 'countdown');
  expect(enabled(c, '#sandbox-video')).toBe(true);
  tap(c, '#sandbox-video');
}

describe('FaceID stand-in against the sandbox', () => {
  test('ID-card details (group 0): agreement → get_config → video → complete with SUCCESS', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const { component: c, finishes } = start(token);
    await agreeAndStart(c);
    await recordAfterCountdown(c);
    await until(() => finishes.length > 0, 3000, 'onFinish');

    expect(finishes).toEqual([{ token, status: 'complete' }]);
    expect(sandbox().flow(token)).toMatchObject({ stage: 'ended', group: 0 });
    const calls = recorded.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`);
    expect(calls).toEqual(['GET /lite/v1/get_config', 'UPLOAD /lite/v1/video_verify']);
    expect(recorded.requests[1].fields).toEqual({ biz_token: token, sandbox_outcome: 'SUCCESS' });
    expect(recorded.requests[1].file).toMatch(/faceid-sandbox-video\.mp4$/);
    const result = await sandboxResult(token);
    expect(result).toMatchObject({ result_code: '1000', result_message: 'SUCCESS' });
  }, 20000);

  test('ID-card OCR (group 1): both sides, confirm, then video; vendor storage keys are used and removed', async () => {
    const token = await issueToken(sandbox().url, 'ocr');
    const { component: c, finishes } = start(token);
    change(c, '#outcome', OUTCOME_INDEX('PASS_LIVING_NOT_THE_SAME'));
    await agreeAndStart(c);

    await until(() => c.data.step === 'ocr', 3000, 'OCR step');
    expect(text(c, '#step-ocr')).toContain('人像面');
    tap(c, '#sandbox-idcard');
    await until(() => c.data.side === 1 && !c.data.busy, 3000, 'back side');
    expect(text(c, '#step-ocr')).toContain('国徽面');
    tap(c, '#sandbox-idcard');
    await until(() => c.data.step === 'ocr-confirm', 3000, 'confirm step');

    expect(c.data.ocr.name).not.toBe('');
    expect(c.data.ocr.idcard_number).toMatch(/^\d{17}[\dX]$/);
    expect(storage.get('name')).toBe(c.data.ocr.name);
    expect(storage.has('image_ref_ocridcardback')).toBe(true);
    tap(c, '#confirm-ocr');
    await recordAfterCountdown(c);
    await until(() => finishes.length > 0, 3000, 'onFinish');

    expect(finishes).toEqual([{ token, status: 'complete' }]);
    const uploads = recorded.requests
      .filter((r) => r.method === 'UPLOAD')
      .map((r) => [new URL(r.url).pathname, r.fields.side]);
    expect(uploads).toEqual([
      ['/lite/v1/ocridcard', '0'],
      ['/lite/v1/ocridcard', '1'],
      ['/lite/v1/video_verify', undefined],
    ]);
    for (const key of VENDOR_KEYS) expect(storage.has(key)).toBe(false);
    expect(await sandboxResult(token)).toMatchObject({
      result_code: '2000',
      result_message: 'PASS_LIVING_NOT_THE_SAME',
    });
  }, 20000);

  test('OCR with idcard_side 1 takes the portrait side only', async () => {
    const token = await issueToken(sandbox().url, 'ocr', { idcard_side: '1' });
    const { component: c } = start(token);
    await agreeAndStart(c);
    await until(() => c.data.step === 'ocr', 3000, 'OCR step');
    tap(c, '#sandbox-idcard');
    await until(() => c.data.step === 'ocr-confirm', 3000, 'confirm step');
    expect(recorded.requests.filter((r) => r.method === 'UPLOAD')).toHaveLength(1);
  });

  test('VIDEO_INTERNAL_ERROR (4200) blames the service, not the light, and lets the person record again', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const { component: c, finishes } = start(token);
    change(c, '#outcome', OUTCOME_INDEX('VIDEO_INTERNAL_ERROR'));
    await agreeAndStart(c);
    await recordAfterCountdown(c);
    await until(() => c.data.attempt === 2 && c.data.code, 3000, 'retry');
    expect(finishes).toHaveLength(0);
    expect(text(c, '#message')).toBe('验证服务暂时出错，不是您的问题。请读出新的数字后重新录制');
    expect(text(c, '#message')).not.toContain('光线');
  });

  test('a 4200 answer shows new digits and lets the person record again', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const { component: c, finishes } = start(token);
    change(c, '#outcome', OUTCOME_INDEX('SR_ERROR'));
    await agreeAndStart(c);
    await recordAfterCountdown(c);
    const retryCode = await until(() => c.data.attempt === 2 && c.data.code, 3000, 'retry');
    expect(finishes).toHaveLength(0);
    expect(text(c, '#message')).toBe('这次没有通过。请在光线充足处正对屏幕，读出新的数字后重新录制');
    expect(text(c, '#dev-info')).toBe('开发信息：video_verify: 4200 SR_ERROR');
    expect(c.data.countdown).toBeGreaterThan(0);
    expect(retryCode).toBe(sandbox().flow(token)?.code);

    change(c, '#outcome', OUTCOME_INDEX('SUCCESS'));
    await recordAfterCountdown(c);
    await until(() => finishes.length > 0, 3000, 'onFinish');
    expect(finishes).toEqual([{ token, status: 'complete' }]);
    expect(sandbox().flow(token)).toMatchObject({ video_attempts: 2 });
    expect(await sandboxResult(token)).toMatchObject({ result_code: '1000' });
  }, 25000);

  test('an expired token (sandbox clock + 1 h) ends with tokenError and clears the vendor keys', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    for (const key of VENDOR_KEYS) storage.set(key, 'left over');
    storage.set('my-own-key', 'kept');
    sandbox().clock.advance(3600_000 + 1000);
    const { component: c, finishes } = start(token);
    await agreeAndStart(c);
    await until(() => finishes.length > 0, 3000, 'onFinish');
    expect(finishes).toEqual([{ token, status: 'tokenError' }]);
    for (const key of VENDOR_KEYS) expect(storage.has(key)).toBe(false);
    expect(storage.get('my-own-key')).toBe('kept');
  });

  test('a used token (second get_config) is a tokenError too', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const first = start(token);
    await agreeAndStart(first.component);
    await until(() => first.component.data.step === 'video', 3000, 'video step');
    const second = start(token);
    await agreeAndStart(second.component);
    await until(() => second.finishes.length > 0, 3000, 'onFinish');
    expect(second.finishes).toEqual([{ token, status: 'tokenError' }]);
    first.component.detach();
  });

  test('退出验证 posts cancel, completes, and removes the vendor storage keys', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    for (const key of VENDOR_KEYS) storage.set(key, 'x');
    const { component: c, finishes } = start(token);
    await agreeAndStart(c);
    await until(() => c.data.step === 'video', 3000, 'video step');
    confirmExit(c);
    await until(() => finishes.length > 0, 3000, 'onFinish');
    expect(finishes).toEqual([{ token, status: 'complete' }]);
    expect(recorded.requests.map((r) => new URL(r.url).pathname)).toContain('/lite/v1/cancel');
    for (const key of VENDOR_KEYS) expect(storage.has(key)).toBe(false);
    expect(await sandboxResult(token)).toMatchObject({ result_code: '6000', result_message: 'USER_CANCEL' });
    expect(c.querySelector('#exit')).toBeUndefined();
  });
});

describe('FaceID stand-in: 退出验证 asks first, as the vendor component does', () => {
  test('choosing 继续验证 in the dialog keeps the flow where it was and tells FaceID nothing', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const { component: c, finishes } = start(token);
    await agreeAndStart(c);
    await until(() => c.data.step === 'video', 3000, 'video step');
    const modals = recorded.modals.length;
    modalAnswers.push(false);
    tap(c, '#exit');
    await until(() => recorded.modals.length > modals, 1000, 'the question');
    expect(recorded.modals.at(-1)).toMatchObject({ title: '确定退出验证吗？', confirmText: '退出' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(c.data.step).toBe('video');
    expect(finishes).toEqual([]);
    expect(recorded.requests.filter((r) => r.url.includes('/cancel'))).toEqual([]);
    confirmExit(c);
    await until(() => finishes.length > 0, 3000, 'onFinish');
    expect(finishes).toEqual([{ token, status: 'complete' }]);
  });
});

describe('FaceID stand-in: what the person types and records is checked as FaceID checks it', () => {
  test('a recognised ID number edited to "abc" is refused in words before anything is sent', async () => {
    const token = await issueToken(sandbox().url, 'ocr');
    const { component: c } = start(token);
    await agreeAndStart(c);
    await until(() => c.data.step === 'ocr', 3000, 'OCR step');
    tap(c, '#sandbox-idcard');
    await until(() => c.data.side === 1 && !c.data.busy, 3000, 'back side');
    tap(c, '#sandbox-idcard');
    await until(() => c.data.step === 'ocr-confirm' && !c.data.busy, 3000, 'confirm step');
    c.instance.setData({ 'ocr.idcard_number': 'ABC' });
    tap(c, '#confirm-ocr');
    await until(() => text(c, '#message'), 1000, 'message');
    expect(text(c, '#message')).toBe('请填写 18 位身份证号，最后一位可以是数字或 X');
    expect(recorded.requests.filter((r) => r.url.includes('/ocridcard_confirm'))).toEqual([]);
    expect(c.data.step).toBe('ocr-confirm');
  });

  test('a video FaceID refuses (not a recording) asks for a new recording, in words', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const { component: c, finishes } = start(token);
    await agreeAndStart(c);
    await httpRequest(
      'POST',
      `${sandbox().url}/__sandbox/faults`,
      { 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ path: '/lite/v1/video_verify', kind: 'status', status: 400, times: 1 })),
    );
    await recordAfterCountdown(c);
    await until(() => text(c, '#message'), 3000, 'message');
    expect(text(c, '#message')).toBe('没有录到可用的视频，请点击“开始录制”重新录制');
    expect(c.data.step).toBe('video');
    expect(finishes).toEqual([]);
  });
});

describe('FaceID stand-in: what the person sees', () => {
  test('the user agreement opens from its link without ticking the box; start stays disabled until ticked', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const { component: c } = start(token);
    expect(c.querySelector('#agreement')).toBeUndefined();
    tap(c, '#agreement-link');
    await until(() => c.querySelector('#agreement'), 1000, 'agreement');
    expect(text(c, '#agreement')).toContain('FaceID 用户协议');
    expect(c.data.agreed).toBe(false);
    expect(enabled(c, '#start')).toBe(false);
    tap(c, '#agreement-close');
    await until(() => !c.querySelector('#agreement'), 1000, 'agreement closed');
  });

  test('recording starts only when the person taps, never by itself after the countdown', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const { component: c, finishes } = start(token);
    await agreeAndStart(c);
    await until(() => c.data.step === 'video', 3000, 'video step');
    expect(text(c, '#countdown')).toContain('秒后可以点击“开始录制”');
    await until(() => c.data.countdown === 0, 5000, 'countdown');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(recorded.requests.filter((r) => r.url.includes('/video_verify'))).toHaveLength(0);
    expect(finishes).toHaveLength(0);
    expect(text(c, '#record-hint')).toContain('准备好后点击“开始录制”');
    expect(enabled(c, '#record')).toBe(true);
    confirmExit(c);
    await until(() => finishes.length > 0, 3000, 'exit');
  }, 15000);

  test('a failed request says what to do in words; its code shows only in the developer panel', async () => {
    const token = await issueToken(sandbox().url, 'ocr');
    const { component: c } = start(token);
    await agreeAndStart(c);
    await until(() => c.data.step === 'ocr', 3000, 'OCR step');
    await httpRequest(
      'POST',
      `${sandbox().url}/__sandbox/faults`,
      { 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ path: '/lite/v1/ocridcard', kind: 'status', status: 429, times: 1 })),
    );
    tap(c, '#sandbox-idcard');
    await until(() => text(c, '#message'), 3000, 'message');
    expect(text(c, '#message')).toBe('操作太频繁，请稍等片刻再试');
    expect(text(c, '#message')).not.toMatch(/[A-Z_]{4,}|\d{3}/);
    expect(text(c, '#dev-info')).toBe('开发信息：ocridcard: HTTP 429');
  });
});

describe('FaceID stand-in: leaving at any step tells FaceID', () => {
  const cancels = () => recorded.requests.filter((r) => new URL(r.url).pathname === '/lite/v1/cancel');

  test.each([
    ['agreement', 'idcard'],
    ['ocr', 'ocr'],
    ['ocr-confirm', 'ocr'],
    ['video', 'idcard'],
  ] as const)('退出验证 at the %s step posts /cancel with the token and completes', async (step, kind) => {
    const token = await issueToken(sandbox().url, kind);
    const { component: c, finishes } = start(token);
    if (step !== 'agreement') await agreeAndStart(c);
    if (step === 'ocr-confirm') {
      await until(() => c.data.step === 'ocr', 3000, 'OCR step');
      tap(c, '#sandbox-idcard');
      await until(() => c.data.side === 1 && !c.data.busy, 3000, 'back side');
      tap(c, '#sandbox-idcard');
    }
    await until(() => c.data.step === step && !c.data.busy, 3000, `${step} step`);
    confirmExit(c);
    await until(() => finishes.length > 0, 3000, 'onFinish');
    expect(finishes).toEqual([{ token, status: 'complete' }]);
    expect(cancels().map((r) => r.fields)).toEqual([{ biz_token: token }]);
  });

  test('leaving the page mid-flow (the component detached) posts /cancel without an onFinish', async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    const { component: c, finishes } = start(token);
    await agreeAndStart(c);
    await until(() => c.data.step === 'video', 3000, 'video step');
    c.detach();
    await until(() => cancels().length === 1, 3000, 'cancel');
    expect(cancels()[0].fields).toEqual({ biz_token: token });
    expect(finishes).toEqual([]);
  });
});

describe("FaceID stand-in: one completion handler for the whole app, as Megvii's component has", () => {
  test('a late completion of an older instance reaches the newest instance, carrying the old token', async () => {
    const oldToken = await issueToken(sandbox().url, 'idcard');
    const newToken = await issueToken(sandbox().url, 'idcard');
    const older = start(oldToken);
    await agreeAndStart(older.component);
    await until(() => older.component.data.step === 'video', 3000, 'video step');
    const newer = start(newToken);
    confirmExit(older.component);
    await until(() => newer.finishes.length > 0, 3000, 'delivered to the newest');
    expect(newer.finishes).toEqual([{ token: oldToken, status: 'complete' }]);
    expect(older.finishes).toEqual([]);
    newer.component.detach();
  });
});

async function sandboxResult(token: string): Promise<Record<string, unknown>> {
  const res = await httpRequest(
    'GET',
    `${sandbox().url}/lite/v1/get_result?biz_token=${encodeURIComponent(token)}`,
    {
      authorization: `APPCODE ${TEST_APPCODE}`,
    },
  );
  return JSON.parse(res.body) as Record<string, unknown>;
}
