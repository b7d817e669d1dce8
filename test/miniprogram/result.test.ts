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
  type Mounted,
} from './harness';
import type { GetBizTokenEvent, GetResultOk, VerificationSummary } from '../../miniprogram/domain/events';
import { confidenceLevel } from '../../miniprogram/domain/events';
import { describeResult } from '../../miniprogram/domain/result-codes';
import { clearFlow, currentFlow, startFlow, startIssuedFlow } from '../../miniprogram/services/flow';
import { confidenceView } from '../../miniprogram/pages/result/present';

const TOKEN = '1700000000,0123456789abcdef0123456789abcdef';
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
    bizNo: 'biz-1',
    outcome: row.outcome,
    resultCode: code,
    resultMessage: message,
    title: row.title,
    detail: row.detail,
    retryable: row.retryable,
    finished: row.outcome !== 'not_started',
    ...extra,
  };
}

let pageId: string;
beforeAll(() => {
  pageId = load('pages/result/result');
});
beforeEach(() => resetHarness());

async function open(result: unknown): Promise<Mounted> {
  cloudHandlers.getResult = () => result;
  const page = mount(pageId);
  page.instance.onLoad({ bizToken: encodeURIComponent(TOKEN) });
  await until(() => !page.data.loading, 2000, 'result');
  return page;
}

describe('result page', () => {
  test('asks getResult for the bizToken from the URL, showing a loading state meanwhile', async () => {
    const held = deferred<unknown>();
    cloudHandlers.getResult = () => held.promise;
    const page = mount(pageId);
    page.instance.onLoad({ bizToken: encodeURIComponent(TOKEN) });
    await flush();
    expect(text(page, '#loading')).toContain('正在查询');
    held.resolve(answer(1000, 'SUCCESS'));
    await until(() => !page.data.loading, 2000, 'result');
    expect(recorded.cloud).toEqual([{ name: 'getResult', data: { bizToken: TOKEN } }]);
  });

  test('passed: title, explanation, result code, the confidence bar with band markers and level; only 完成', async () => {
    const page = await open(
      answer(1000, 'SUCCESS', {
        verification: verification(86.47),
        idcard: { name: '张*', idcardNumber: '1101**********002X' },
      }),
    );
    expect(text(page, '#title')).toBe('认证通过');
    expect(text(page, '#detail')).toContain('认证已完成');
    expect(text(page, '#code')).toContain('1000');
    expect(text(page, '#confidence')).toContain('与身份证权威照片比对：86.5 分');
    expect(text(page, '#level')).toContain('百万分之一');
    expect(page.querySelectorAll('.bar-marker')).toHaveLength(4);
    expect(page.querySelectorAll('.band.reached')).toHaveLength(4);
    expect(text(page, '#identity')).toContain('1101**********002X');
    expect(page.querySelector('#restart')).toBeUndefined();
    expect(page.querySelector('#done')).toBeDefined();
  });

  test('not the same person: the score below every band, restart offered', async () => {
    const page = await open(
      answer(2000, 'PASS_LIVING_NOT_THE_SAME', { verification: verification(40.2, 'ref1') }),
    );
    expect(text(page, '#title')).toBe('人脸比对未通过');
    expect(text(page, '#confidence')).toContain('与参考照片比对');
    expect(text(page, '#level')).toContain('低于');
    expect(page.querySelectorAll('.band.reached')).toHaveLength(0);
    expect(page.querySelector('#restart')).toBeDefined();
  });

  test.each([
    [3000, 'ID_NUMBER_NAME_NOT_MATCH', '身份信息核验未通过', true],
    [3100, 'IDCARD_PHOTO_FRONTSIDE', '身份证识别失败', true],
    [3200, 'FAIL_OCR_FAKE_IDCARD', '证件核验未通过', false],
    [4100, 'FAIL_LIVING_FACE_ATTACK', '活体检测未通过', false],
    [4200, 'VIDEO_MANY_TIMES', '视频验证未通过', true],
    [5000, 'BALANCE_NOT_ENOUGH', '服务暂不可用', false],
    [6000, 'USER_CANCEL', '您已退出验证', true],
  ])('%i %s: %s, restart %s', async (code, message, title, retryable) => {
    const page = await open(answer(code, message));
    expect(text(page, '#title')).toBe(title);
    expect(text(page, '#code')).toContain(`${code}`);
    expect(text(page, '#code')).toContain(message);
    expect(page.querySelector('#confidence')).toBeUndefined();
    expect(page.querySelector('#restart') !== undefined).toBe(retryable);
    expect(page.querySelector('#refresh')).toBeUndefined();
  });

  test('a flow not finished yet offers to refresh the result', async () => {
    const page = await open(answer(9000, 'LIVING_NOT_START'));
    expect(text(page, '#title')).toBe('验证尚未开始');
    cloudHandlers.getResult = () => answer(1000, 'SUCCESS');
    tap(page, '#refresh');
    await until(() => page.data.view?.outcome === 'passed', 2000, 'refreshed');
    expect(recorded.cloud).toHaveLength(2);
  });

  test('a getResult failure shows its message and a retry that asks again', async () => {
    const page = await open({
      ok: false,
      error: { code: 'UPSTREAM_TIMEOUT', message: '认证服务响应超时，请稍后重试', retryable: true },
    });
    expect(text(page, '#error-message')).toBe('认证服务响应超时，请稍后重试');
    cloudHandlers.getResult = () => answer(1000, 'SUCCESS');
    tap(page, '#retry');
    await until(() => page.data.view, 2000, 'result after retry');
    expect(text(page, '#title')).toBe('认证通过');
    expect(recorded.cloud).toHaveLength(2);
  });

  test('a thrown callFunction is a network error with retry', async () => {
    const page = await open(undefined);
    cloudHandlers.getResult = () => {
      throw new Error('cloud.callFunction:fail');
    };
    tap(page, '#retry');
    await until(() => page.data.error === '无法连接认证服务，请稍后重试', 2000, 'network error');
  });

  test('restart keeps the mode (not the data) and forgets the flow; done goes home', async () => {
    startFlow({ mode: 'ocr', consentVersion: 'v' }, TOKEN);
    const page = await open(answer(6000, 'USER_CANCEL'));
    expect(currentFlow()).toBeUndefined();
    tap(page, '#restart');
    tap(page, '#done');
    await flush();
    expect(recorded.navigation).toEqual([
      { kind: 'reLaunch', url: '/pages/index/index?mode=ocr' },
      { kind: 'reLaunch', url: '/pages/index/index' },
    ]);
  });

  test('the bar places band markers at the thresholds and fills to the score', () => {
    const view = confidenceView(verification(71));
    expect(view.percent).toBe(71);
    expect(view.markers.map((m) => [m.band, m.left, m.reached])).toEqual([
      ['1e-3', THRESHOLDS['1e-3'], true],
      ['1e-4', THRESHOLDS['1e-4'], true],
      ['1e-5', THRESHOLDS['1e-5'], false],
      ['1e-6', THRESHOLDS['1e-6'], false],
    ]);
    expect(view.level).toBe('1e-4');
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

  async function openWith(query: Record<string, string>, result: unknown = answer(1000, 'SUCCESS')) {
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
    expect(page.querySelector('#retry')).toBeUndefined();
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
    expect(page.data.restartMode).toBe('idcard');
  });

  test('opened from the records page: 返回认证记录 goes back there', async () => {
    const page = await openWith({ bizToken: encodeURIComponent(TOKEN), from: 'records' });
    expect(text(page, '#done')).toBe('返回认证记录');
    tap(page, '#done');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'navigateBack' }]);
  });
});
