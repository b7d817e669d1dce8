/** @jest-environment jsdom */
import {
  cloudHandlers,
  deferred,
  flush,
  load,
  mount,
  recorded,
  resetHarness,
  tap,
  text,
  until,
  wechat,
  type Mounted,
} from './harness';
import type { GetBizTokenEvent, GetResultOk, VerificationSummary } from '../../miniprogram/shared/events';
import { confidenceLevel } from '../../miniprogram/shared/events';
import { describeResult } from '../../miniprogram/shared/result-codes';
import {
  clearDraft,
  clearFlow,
  currentFlow,
  saveDraft,
  savedDraft,
  startFlow,
  startIssuedFlow,
} from '../../miniprogram/services/flow';
import { SUPPORT_CONFIG } from '../../miniprogram/services/support';

const TOKEN = '1700000000,0123456789abcdef0123456789abcdef';
const BIZ_NO = '6f1c2e3d-9a8b-4c7d-8e6f-0a1b2c3d4e5f';
const INPUT: GetBizTokenEvent = {
  mode: 'idcard',
  idcardName: '张三',
  idcardNumber: '11010519491231002X',
  consentVersion: '2026-11-01',
};
const THRESHOLDS = { '1e-3': 62.168713, '1e-4': 69.31534, '1e-5': 74.39926, '1e-6': 78.038055 };

function verification(
  confidence: number,
  against: VerificationSummary['against'] = 'idcard',
): VerificationSummary {
  return { against, confidence, thresholds: THRESHOLDS, level: confidenceLevel(confidence, THRESHOLDS) };
}

function answer(code: number, message: string, extra: Partial<GetResultOk> = {}): GetResultOk {
  const row = describeResult(code, message)!;
  return {
    ok: true,
    bizToken: TOKEN,
    bizNo: BIZ_NO,
    outcome: row.outcome,
    resultCode: code,
    resultMessage: message,
    retryable: row.retryable,
    finished: row.outcome !== 'not_started',
    ...extra,
  };
}

let pageId: string;
beforeAll(() => {
  pageId = load('pages/result/result');
});
beforeEach(() => {
  resetHarness();
  clearFlow();
  clearDraft();
});

async function open(result: unknown, query: Record<string, string> = {}): Promise<Mounted> {
  cloudHandlers.getResult = () => result;
  const page = mount(pageId);
  page.instance.onLoad({ bizToken: encodeURIComponent(TOKEN), ...query });
  await until(() => !page.data.loading, 2000, 'result');
  return page;
}

/** Opens the result of a flow run in this session with the given mode (its details still in memory). */
async function openAfterFlow(result: unknown, mode: GetBizTokenEvent['mode'] = 'idcard'): Promise<Mounted> {
  startFlow(mode === 'idcard' ? INPUT : { mode, consentVersion: '2026-11-01' }, TOKEN);
  return open(result);
}

function attr(page: Mounted, selector: string, name: string): unknown {
  return page
    .querySelector(selector)
    ?.toJSON()
    .attrs.find((a) => a.name === name)?.value;
}

/** Everything the person reads on the page. */
function screen(page: Mounted): string {
  return text(page, '#outcome') + text(page, '#actions') + text(page, '#support-ref');
}

describe('result page: one title, one sentence, one next step for every outcome', () => {
  test('asks getResult for the bizToken from the URL, showing a loading state meanwhile', async () => {
    const held = deferred<unknown>();
    cloudHandlers.getResult = () => held.promise;
    const page = mount(pageId);
    page.instance.onLoad({ bizToken: encodeURIComponent(TOKEN) });
    await flush();
    expect(text(page, '#loading')).toBe('正在查询认证结果…');
    held.resolve(answer(4200, 'SR_ERROR'));
    await until(() => !page.data.loading, 2000, 'result');
    expect(recorded.cloud).toEqual([{ name: 'getResult', data: { bizToken: TOKEN } }]);
  });

  type Row = [number, string, GetBizTokenEvent['mode'], string, string, string, boolean];
  const rows: Row[] = [
    [1000, 'SUCCESS', 'idcard', '认证通过', '已确认是您本人，身份信息核验一致。', '完成', false],
    [1000, 'SUCCESS', 'reference', '认证通过', '已确认您与上传的照片是同一人。', '完成', false],
    [
      2000,
      'PASS_LIVING_NOT_THE_SAME',
      'idcard',
      '人脸比对未通过',
      '您的人脸与身份证登记的照片不一致。请由证件本人在光线充足处正对镜头再试。',
      '再试一次',
      true,
    ],
    [
      2000,
      'PASS_LIVING_NOT_THE_SAME',
      'reference',
      '人脸比对未通过',
      '您的人脸与上传的照片不一致。请换一张本人近期的清晰正脸照片再试。',
      '更换照片',
      true,
    ],
    [
      3000,
      'ID_NUMBER_NAME_NOT_MATCH',
      'idcard',
      '身份信息不一致',
      '姓名与身份证号不一致。请核对后修改。',
      '修改信息',
      true,
    ],
    [
      3000,
      'NO_ID_CARD_NUMBER',
      'idcard',
      '身份信息不一致',
      '没有查到这个身份证号。请核对后修改。',
      '修改信息',
      true,
    ],
    [
      3000,
      'ID_NUMBER_NAME_NOT_MATCH',
      'ocr',
      '身份信息不一致',
      '身份证上的信息没有核验通过。请使用本人身份证重新拍摄。',
      '重新拍摄',
      true,
    ],
    [
      3100,
      'IDCARD_BACKSIDE_BLURRED',
      'ocr',
      '身份证没有拍清楚',
      '身份证国徽面没有拍清楚。请在光线充足处平放拍摄，避免反光。',
      '重新拍摄',
      false,
    ],
    [
      3200,
      'FAIL_OCR_FAKE_IDCARD',
      'ocr',
      '证件未通过核验',
      '拍摄的证件没有通过真实性核验。请使用本人身份证原件重新拍摄，不要用复印件或翻拍。',
      '重新拍摄',
      true,
    ],
    [
      3100,
      'IDCARD_PHOTO_FRONTSIDE',
      'idcard',
      '证件照无法用于比对',
      '权威数据源中的证件照暂时无法用于比对，这不是您的原因。请改用“拍摄身份证”重新开始，或联系客服。',
      '重新开始',
      true,
    ],
    [
      3200,
      'FAIL_OCR_FAKE_IDCARD',
      'idcard',
      '证件未通过核验',
      '这个身份证号的证件没有通过核验。请核对身份证号后重新开始，或联系客服。',
      '重新开始',
      true,
    ],
    [
      4200,
      'VIDEO_INTERNAL_ERROR',
      'idcard',
      '验证服务暂时出错',
      '这不是您的原因，验证服务暂时出了问题。请稍后再试一次。',
      '再试一次',
      false,
    ],
    [
      4100,
      'FAIL_LIVING_FACE_ATTACK',
      'idcard',
      '未能确认是本人操作',
      '没有确认到您本人在镜头前。请本人正对手机前置摄像头，在光线充足处再试。',
      '再试一次',
      true,
    ],
    [
      4100,
      'CHANGE_FACE_ATTACK',
      'reference',
      '未能确认是本人操作',
      '视频中出现了其他人。请本人独自完成验证。',
      '重新选择照片再试',
      true,
    ],
    [
      4200,
      'SR_ERROR',
      'idcard',
      '视频验证未通过',
      '没有听清您读的数字。请在安静处，大声清晰地读出屏幕上的数字。',
      '再试一次',
      false,
    ],
    [
      4200,
      'NO_FACE_FOUND',
      'ocr',
      '视频验证未通过',
      '视频中没有看到您的脸。请在光线充足处，让脸完整出现在画面中间。',
      '再试一次',
      false,
    ],
    [
      4200,
      'FACE_QUALITY_TOO_LOW',
      'idcard',
      '视频验证未通过',
      '视频画面不够清晰。请到光线充足处，擦净摄像头后再试。',
      '再试一次',
      false,
    ],
    [
      5000,
      'BALANCE_NOT_ENOUGH',
      'idcard',
      '服务暂时不可用',
      '认证服务暂时无法使用，这不是您的原因。请联系客服。',
      '联系客服',
      false,
    ],
    [
      6000,
      'USER_CANCEL',
      'ocr',
      '您已退出验证',
      '验证没有完成，您的信息没有被核验。需要时可以重新开始。',
      '重新开始',
      false,
    ],
    [
      9000,
      'LIVING_NOT_START',
      'idcard',
      '验证没有开始',
      '您还没有完成人脸验证。可以重新开始。',
      '重新开始',
      false,
    ],
  ];

  test.each(rows)(
    '%i %s (%s): %s, next step %s',
    async (code, message, mode, title, detail, next, contact) => {
      const page = await openAfterFlow(
        answer(code, message, {
          verification: verification(code === 1000 ? 86.47 : 40.2, mode === 'reference' ? 'ref1' : 'idcard'),
        }),
        mode,
      );
      expect(text(page, '#title')).toBe(title);
      expect(text(page, '#detail')).toBe(detail);
      expect(text(page, '#primary')).toBe(next);
      expect(page.querySelector('#contact') !== undefined).toBe(contact);
      if (contact) expect(attr(page, '#contact', 'openType')).toBe('contact');
      const seen = screen(page);
      expect(seen).not.toContain(String(code));
      expect(seen).not.toContain(message);
      expect(seen).not.toMatch(/[A-Z]{2,}_[A-Z]/);
      expect(seen).not.toMatch(/满分|误识率|1e-\d|分数|攻击/);
      expect(page.querySelector('#refresh')).toBeUndefined();
      if (mode === 'reference') expect(seen).not.toMatch(/身份信息|身份证/);
    },
  );

  test('a verification that expired says so, without naming a life the product did not give, and offers to start again', async () => {
    const page = await openAfterFlow({
      ...answer(9000, 'LIVING_NOT_START'),
      outcome: 'expired',
      resultCode: 0,
      resultMessage: '',
      finished: true,
    });
    expect(text(page, '#title')).toBe('认证已过期');
    expect(text(page, '#detail')).toBe('这次认证超过有效时间没有完成，已失效。请重新开始。');
    expect(text(page, '#primary')).toBe('重新开始');
  });

  test("account problems: the one next step is WeChat's customer service, never a retry", async () => {
    const page = await openAfterFlow(answer(5000, 'ACCOUNT_DISABLED'));
    expect(attr(page, '#primary', 'openType')).toBe('contact');
    expect(attr(page, '#primary', 'sessionFrom')).toBe(`faceid-客服查询编号：${BIZ_NO.slice(-8)}`);
    expect(text(page, '#actions')).not.toContain('再试');
  });

  test('every result shows the support reference: the last 8 characters of the bizNo', async () => {
    const page = await openAfterFlow(answer(4100, 'FAIL_LIVING_FACE_ATTACK'));
    expect(text(page, '#support-ref')).toBe(`客服查询编号：${BIZ_NO.slice(-8)}`);
  });

  test('no photo words where no photo was taken: a 31xx/32xx in name + ID-number mode never asks to retake a photo', async () => {
    for (const [code, message] of [
      [3100, 'IDCARD_PHOTO_FRONTSIDE'],
      [3100, 'NO_FACE_FOUND_IDCARD'],
      [3100, 'SOME_NEW_3100_MESSAGE'],
      [3200, 'FAIL_OCR_FAKE_IDCARD'],
    ] as const) {
      const page = await openAfterFlow(answer(code, message), 'idcard');
      expect(screen(page)).not.toMatch(/拍清楚|拍摄人像面|重新拍摄|翻拍|复印件/);
      expect(text(page, '#primary')).toBe('重新开始');
      tap(page, '#primary');
      await flush();
    }
    expect(recorded.navigation.every((n) => n.url === '/pages/index/index?mode=idcard')).toBe(true);
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(0);
  });

  test('VIDEO_INTERNAL_ERROR blames the service in its title and sentence, and its next step is to try again', async () => {
    const page = await openAfterFlow(answer(4200, 'VIDEO_INTERNAL_ERROR'));
    expect(text(page, '#title')).toBe('验证服务暂时出错');
    expect(text(page, '#outcome')).not.toMatch(/视频验证未通过|光线|读出/);
    expect(text(page, '#primary')).toBe('再试一次');
  });

  test('account problems: the sentence asks for customer service, the one next step it offers', async () => {
    for (const message of ['NON_ENTERPRISE_CERTIFICATION', 'BALANCE_NOT_ENOUGH', 'ACCOUNT_DISABLED']) {
      const page = await openAfterFlow(answer(5000, message));
      expect(text(page, '#detail')).toContain('联系客服');
      expect(text(page, '#detail')).not.toContain('稍后再试');
      expect(text(page, '#actions')).not.toContain('再试');
      expect(text(page, '#primary')).toBe('联系客服');
    }
  });

  test('an unknown token offers no 重新查询: its one next step starts a new verification', async () => {
    const page = await open({
      ok: false,
      error: { code: 'NOT_FOUND', message: '没有找到这次认证', retryable: false },
    });
    expect(text(page, '#error-title')).toBe('这次认证已无法查看');
    expect(text(page, '#error-message')).toBe('这次认证可能已被删除或已超过保存期限。如需认证，请重新开始。');
    expect(page.querySelector('#reload')).toBeUndefined();
    expect(page.querySelector('#home')).toBeUndefined();
    expect(text(page, '#error')).not.toContain('重新查询');
    expect(text(page, '#new-verification')).toBe('开始新的认证');
    tap(page, '#new-verification');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'reLaunch', url: '/pages/index/index' }]);
    expect(recorded.cloud).toHaveLength(1);
  });

  test('while rate limited, 再试一次 is disabled and says until when; it is enabled again once retryAt passes', async () => {
    const retryAt = Date.now() + 1500;
    const time = new Date(retryAt);
    const clock = `${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`;
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'RATE_LIMITED', message: '发起认证过于频繁，请稍后再试', retryable: true, retryAt },
    });
    const page = await openAfterFlow(answer(4200, 'NO_FACE_FOUND'));
    tap(page, '#primary');
    await until(() => page.data.blockedUntil, 2000, 'blocked');
    expect(text(page, '#primary')).toBe(`${clock} 后可再试`);
    expect(attr(page, '#primary', 'disabled')).toBe(true);
    tap(page, '#primary');
    await flush();
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(1);
    await until(() => !page.data.blockedUntil, 3000, 'unblocked');
    expect(text(page, '#primary')).toBe('再试一次');
    expect(attr(page, '#primary', 'disabled')).toBe(false);
  });

  test("passed in ID-number mode shows the masked name and number the server's answer carries", async () => {
    const identity = { name: '张*', idcardNumber: '1101**********002X' };
    const passed = await openAfterFlow(answer(1000, 'SUCCESS', { idcard: identity }), 'idcard');
    expect(text(passed, '#identity')).toBe('姓名：张*身份证号：1101**********002X');
    expect(JSON.stringify(passed.data)).not.toContain(INPUT.idcardNumber!);
    const failed = await openAfterFlow(answer(4200, 'SR_ERROR'), 'idcard');
    expect(failed.querySelector('#identity')).toBeUndefined();
  });

  test('passed in ID-card mode shows the masked identity it confirmed; a failed OCR lists no identity fields', async () => {
    const identity = { name: '张*', idcardNumber: '1101**********002X' };
    const passed = await openAfterFlow(answer(1000, 'SUCCESS', { idcard: identity }), 'ocr');
    expect(text(passed, '#identity')).toBe('姓名：张*身份证号：1101**********002X');
    const failed = await openAfterFlow(
      answer(3100, 'IDCARD_PHOTO_FRONTSIDE', { idcard: { name: '', idcardNumber: '1101**********' } }),
      'ocr',
    );
    expect(failed.querySelector('#identity')).toBeUndefined();
    expect(screen(failed)).not.toContain('1101');
  });

  test('再试一次 starts again at once with the same details: a new token, then the verify page', async () => {
    cloudHandlers.getBizToken = () => ({
      ok: true,
      bizToken: 'fresh-token',
      bizNo: 'biz-fresh',
      expiresAt: Date.now() + 3600_000,
      provider: 'fidlite',
      client: { kind: 'component', token: 'fresh-token' },
    });
    const page = await openAfterFlow(answer(4200, 'SR_ERROR'));
    expect(currentFlow()).toBeUndefined();
    expect(JSON.stringify(page.data)).not.toContain(INPUT.idcardNumber!);
    tap(page, '#primary');
    await until(() => recorded.navigation.length > 0, 2000, 'navigation');
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken').map((c) => c.data)).toEqual([
      { ...INPUT, locale: 'zh' },
    ]);
    expect(recorded.navigation).toEqual([{ kind: 'redirectTo', url: '/pages/verify/verify' }]);
    expect(currentFlow()?.bizToken).toBe('fresh-token');
  });

  test('a retry refused by the rate limit says when to try again', async () => {
    const retryAt = new Date(2030, 0, 2, 14, 5).getTime();
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'RATE_LIMITED', message: '发起认证过于频繁，请稍后再试', retryable: true, retryAt },
    });
    const page = await openAfterFlow(answer(4200, 'NO_FACE_FOUND'));
    tap(page, '#primary');
    await until(() => text(page, '#action-error'), 2000, 'error');
    expect(text(page, '#action-error')).toBe('发起次数过多，请在 2030-01-02 14:05 后再试。');
    expect(recorded.navigation).toEqual([]);
  });

  test('修改信息 and 重新开始 go back to the form (which keeps the details); a result opened by URL cannot retry at once', async () => {
    const edit = await openAfterFlow(answer(3000, 'ID_NUMBER_NAME_NOT_MATCH'));
    tap(edit, '#primary');
    const cancelled = await openAfterFlow(answer(6000, 'USER_CANCEL'), 'ocr');
    tap(cancelled, '#primary');
    const liveness = await openAfterFlow(answer(6000, 'USER_CANCEL'), 'liveness');
    expect(text(liveness, '#primary')).toBe('重新开始');
    tap(liveness, '#primary');
    const byUrl = await open(answer(4200, 'SR_ERROR'));
    expect(text(byUrl, '#primary')).toBe('重新开始');
    tap(byUrl, '#primary');
    await flush();
    expect(recorded.navigation).toEqual([
      { kind: 'reLaunch', url: '/pages/index/index?mode=idcard' },
      { kind: 'reLaunch', url: '/pages/index/index?mode=ocr' },
      { kind: 'reLaunch', url: '/pages/index/index?mode=liveness' },
      { kind: 'reLaunch', url: '/pages/index/index' },
    ]);
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(0);
  });

  test('after a reference-photo check the next step asks for a new photo: the deleted one is never sent again', async () => {
    for (const [code, message] of [
      [4100, 'FAIL_LIVING_FACE_ATTACK'],
      [4200, 'SR_ERROR'],
    ] as const) {
      startFlow(
        { mode: 'reference', imageRef1: 'cloud://env.b/faceid/o-1/ref-1.jpg', consentVersion: '2026-11-01' },
        TOKEN,
      );
      const page = await open(answer(code, message));
      expect(text(page, '#primary')).toBe('重新选择照片再试');
      tap(page, '#primary');
      await flush();
    }
    expect(recorded.navigation).toEqual([
      { kind: 'reLaunch', url: '/pages/index/index?mode=reference' },
      { kind: 'reLaunch', url: '/pages/index/index?mode=reference' },
    ]);
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(0);
  });

  test('a passed check forgets the kept details; a failed one keeps them for the retry', async () => {
    const draft = {
      consented: true,
      mode: 'idcard' as const,
      name: '张三',
      idNumber: INPUT.idcardNumber!,
      photoPath: '',
    };
    saveDraft(draft);
    await openAfterFlow(answer(4200, 'SR_ERROR'));
    expect(savedDraft()).toEqual(draft);
    await openAfterFlow(answer(1000, 'SUCCESS'));
    expect(savedDraft()).toBeUndefined();
  });

  test('a support phone number from the configuration is offered where support is', async () => {
    const saved = SUPPORT_CONFIG.phone;
    SUPPORT_CONFIG.phone = '400-800-1234';
    try {
      const page = await openAfterFlow(answer(2000, 'PASS_LIVING_NOT_THE_SAME'));
      expect(text(page, '#call')).toBe('拨打客服电话 400-800-1234');
      tap(page, '#call');
      await flush();
      expect(recorded.calls).toEqual(['400-800-1234']);
      const passed = await openAfterFlow(answer(1000, 'SUCCESS'));
      expect(passed.querySelector('#call')).toBeUndefined();
    } finally {
      SUPPORT_CONFIG.phone = saved;
    }
  });

  test("a getResult failure shows its message in the person's words and a way to ask again", async () => {
    const page = await open({
      ok: false,
      error: { code: 'UPSTREAM_TIMEOUT', message: '认证服务响应超时，请稍后重试', retryable: true },
    });
    expect(text(page, '#error-message')).toBe('认证服务响应太慢，请稍后重试');
    cloudHandlers.getResult = () => answer(1000, 'SUCCESS');
    tap(page, '#reload');
    await until(() => page.data.view, 2000, 'result after retry');
    expect(text(page, '#title')).toBe('认证通过');
    expect(recorded.cloud.filter((c) => c.name === 'getResult')).toHaveLength(2);
  });

  test('a result that cannot be read because of the service comes with the customer-service button', async () => {
    const page = await open({
      ok: false,
      error: { code: 'CONFIG_MISSING', message: '认证服务尚未配置完成，请联系客服', retryable: false },
    });
    expect(text(page, '#error-message')).toBe('认证服务暂时无法使用，请联系客服');
    expect(attr(page, '#contact', 'openType')).toBe('contact');
  });

  test('a thrown callFunction is a network error with a way to ask again', async () => {
    const page = await open(undefined);
    cloudHandlers.getResult = () => {
      throw new Error('cloud.callFunction:fail');
    };
    tap(page, '#reload');
    await until(() => page.data.error === '网络连接失败，请检查网络后重试', 2000, 'network error');
  });

  test('an H5 return whose result is not there yet offers to refresh it', async () => {
    const page = await open(answer(9000, 'LIVING_NOT_START'), { from: 'h5' });
    expect(text(page, '#primary')).toBe('刷新结果');
    cloudHandlers.getResult = () => answer(1000, 'SUCCESS');
    tap(page, '#primary');
    await until(() => page.data.view?.outcome === 'passed', 2000, 'refreshed');
  });
});

describe('result page in English (WeChat language en)', () => {
  test('titles, sentences, actions and the reference come from the English table', async () => {
    wechat.language = 'en';
    const page = await openAfterFlow(answer(4200, 'SR_ERROR'));
    expect(recorded.titles).toEqual(['Result']);
    expect(text(page, '#title')).toBe('The video check did not pass');
    expect(text(page, '#detail')).toBe(
      'The digits could not be heard. In a quiet place, read the digits on screen aloud and clearly.',
    );
    expect(text(page, '#primary')).toBe('Try again');
    expect(text(page, '#support-ref')).toBe(`Support reference: ${BIZ_NO.slice(-8)}`);
    expect(screen(page)).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('ID-number mode, account, service fault, unknown token and rate limit speak English too', async () => {
    wechat.language = 'en';
    const photo = await openAfterFlow(answer(3100, 'IDCARD_PHOTO_FRONTSIDE'), 'idcard');
    expect(text(photo, '#title')).toBe('The ID photo cannot be compared');
    expect(text(photo, '#primary')).toBe('Start again');
    const account = await openAfterFlow(answer(5000, 'BALANCE_NOT_ENOUGH'));
    expect(text(account, '#detail')).toBe(
      'The check service is unavailable right now. This is not your fault. Please contact support.',
    );
    const fault = await openAfterFlow(answer(4200, 'VIDEO_INTERNAL_ERROR'));
    expect(text(fault, '#title')).toBe('The check service had a problem');
    const unknown = await open({ ok: false, error: { code: 'NOT_FOUND', message: 'x', retryable: false } });
    expect(text(unknown, '#error-title')).toBe('This check can no longer be viewed');
    expect(text(unknown, '#new-verification')).toBe('Start a new check');
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        message: 'x',
        retryable: true,
        retryAt: new Date(2030, 0, 2, 14, 5).getTime(),
      },
    });
    const limited = await openAfterFlow(answer(4200, 'SR_ERROR'));
    tap(limited, '#primary');
    await until(() => limited.data.blockedUntil, 2000, 'blocked');
    expect(text(limited, '#primary')).toBe('Try again after 2030-01-02 14:05');
    expect(screen(limited) + text(unknown, '#error')).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('reference mode speaks of the uploaded photo', async () => {
    wechat.language = 'en';
    const page = await openAfterFlow(
      answer(1000, 'SUCCESS', { verification: verification(90, 'ref1') }),
      'reference',
    );
    expect(text(page, '#detail')).toBe('It is you: your face matches the photo you uploaded.');
    expect(text(page, '#primary')).toBe('Done');
  });
});

describe('result page: how it is reached', () => {
  /** An H5 token issued and opened in the web-view, which then unloaded (forgetting the flow). */
  function openedH5InWebView(input: GetBizTokenEvent, bizToken: string, bizNo: string): void {
    startIssuedFlow(input, {
      ok: true,
      bizToken,
      bizNo,
      expiresAt: Date.now() + 3600_000,
      provider: 'megvii-lite',
      client: { kind: 'h5', url: `https://api.megvii.com/faceid/lite/do?token=${bizToken}` },
    });
    clearFlow();
  }

  async function openWith(query: Record<string, string>, result: unknown = answer(4200, 'SR_ERROR')) {
    cloudHandlers.getResult = () => result;
    const page = mount(pageId);
    page.instance.onLoad(query);
    await until(() => !page.data.loading, 2000, 'result');
    return page;
  }

  test('the web-view return page passes the bizToken as is (not encoded): it is used unchanged', async () => {
    await openWith({ bizToken: TOKEN });
    expect(recorded.cloud).toEqual([{ name: 'getResult', data: { bizToken: TOKEN } }]);
  });

  test('an H5 return with only biz_no finds the bizToken issued for it in this run, after the web-view forgot the flow', async () => {
    openedH5InWebView({ mode: 'ocr', consentVersion: 'v' }, TOKEN, 'biz-h5-1');
    await openWith({ bizNo: 'biz-h5-1' });
    expect(recorded.cloud).toEqual([{ name: 'getResult', data: { bizToken: TOKEN } }]);
  });

  test('an H5 return without fields (POST to a static page) opens the last H5 flow of this run', async () => {
    openedH5InWebView(
      { mode: 'idcard', idcardName: '张三', idcardNumber: '11010519491231002X', consentVersion: 'v' },
      'h5-token-last',
      'biz-h5-2',
    );
    await openWith({ from: 'h5' });
    expect(recorded.cloud).toEqual([{ name: 'getResult', data: { bizToken: 'h5-token-last' } }]);
  });

  test('an unknown biz_no asks nothing and points to the records', async () => {
    const page = await openWith({ bizNo: 'biz-unknown' });
    expect(recorded.cloud).toHaveLength(0);
    expect(text(page, '#error-message')).toContain('我的认证记录');
    expect(page.querySelector('#reload')).toBeUndefined();
    tap(page, '#records');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'redirectTo', url: '/pages/records/records' }]);
  });

  test('reaching the result page forgets the personal data of the flow', async () => {
    startFlow(
      { mode: 'idcard', idcardName: '张三', idcardNumber: '11010519491231002X', consentVersion: 'v' },
      TOKEN,
    );
    const page = await openWith({ bizToken: encodeURIComponent(TOKEN) });
    expect(currentFlow()).toBeUndefined();
    expect(JSON.stringify(page.data)).not.toContain('11010519491231002X');
    expect(JSON.stringify(page.data)).not.toContain('张三');
    expect(page.data.mode).toBe('idcard');
  });

  test('opened from the records page: 返回认证记录 goes back there', async () => {
    const page = await openWith({ bizToken: encodeURIComponent(TOKEN), from: 'records' });
    expect(text(page, '#primary')).toBe('返回认证记录');
    tap(page, '#primary');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'navigateBack' }]);
  });
});
