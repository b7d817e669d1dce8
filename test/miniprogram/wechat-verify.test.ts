/** @jest-environment jsdom */
import {
  facial,
  flush,
  load,
  mount,
  platform,
  recorded,
  resetHarness,
  tap,
  text,
  until,
  wechat,
  cloudHandlers,
  type Mounted,
} from './harness';
import type { GetBizTokenEvent, GetResultOk } from '../../miniprogram/shared/events';
import { clearFlow, currentFlow, startIssuedFlow } from '../../miniprogram/services/flow';
import { en } from '../../miniprogram/i18n/en';
import { zh } from '../../miniprogram/i18n/zh';

const INPUT: GetBizTokenEvent = {
  mode: 'idcard',
  idcardName: '张三',
  idcardNumber: '11010519491231002X',
  consentVersion: '2026-11-01',
};

let pageId: string;
beforeAll(() => {
  pageId = load('pages/wechat-verify/wechat-verify');
});
beforeEach(() => {
  resetHarness();
  clearFlow();
  platform.sdkVersion = '3.8.12';
  platform.settings = { 'scope.camera': true, 'scope.record': true };
});

/** The flow getBizToken's answer for the wechat product opens. */
function startWechat(verifyId = 'verify-1'): void {
  const started = startIssuedFlow(INPUT, {
    ok: true,
    bizToken: verifyId,
    bizNo: `biz-${verifyId}`,
    expiresAt: Date.now() + 3600_000,
    provider: 'wechat',
    client: { kind: 'wechat', verifyId },
  });
  expect(started).toEqual({ ok: true, page: '/pages/wechat-verify/wechat-verify' });
}

function answer(resultMessage: string, over: Partial<GetResultOk> = {}): GetResultOk {
  return {
    ok: true,
    bizToken: 'verify-1',
    bizNo: 'biz-verify-1',
    outcome: resultMessage === 'SUCCESS' ? 'passed' : 'liveness_failed',
    resultCode: resultMessage === 'SUCCESS' ? 1000 : 4200,
    resultMessage,
    retryable: true,
    finished: true,
    ...over,
  };
}

function open(): Mounted {
  const page = mount(pageId);
  page.instance.onLoad({});
  return page;
}

const resultPage = (bizToken: string) => ({
  kind: 'redirectTo',
  url: `/pages/result/result?bizToken=${bizToken}`,
});

describe.each([
  ['zh_CN', zh],
  ['en', en],
])('WeChat face verification page (%s)', (language, t) => {
  beforeEach(() => {
    wechat.language = language;
  });

  test('checks the device, runs wx.requestFacialVerify with the verify_id, reads the result, opens the result page', async () => {
    startWechat();
    cloudHandlers.getResult = () => answer('SUCCESS');
    open();
    await until(() => recorded.navigation.length > 0);
    expect(facial.verifyIds).toEqual(['verify-1']);
    expect(recorded.cloud).toEqual([{ name: 'getResult', data: { bizToken: 'verify-1' } }]);
    expect(recorded.navigation).toEqual([resultPage('verify-1')]);
  });

  test('a base library older than 3.8.12: asks the person to update WeChat, nothing started', async () => {
    platform.sdkVersion = '3.8.11';
    startWechat();
    const page = open();
    await flush();
    expect(text(page, '#update')).toContain(t.access.upgrade.title);
    expect(text(page, '#update-message')).toBe(t.access.upgrade.detail);
    expect(facial.verifyIds).toEqual([]);
    expect(recorded.cloud).toEqual([]);
    tap(page, '#back');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'reLaunch', url: '/pages/index/index' }]);
    expect(currentFlow()).toBeUndefined();
  });

  test('a device WeChat says cannot do it: another way, in the person’s words', async () => {
    facial.supported = false;
    startWechat();
    const page = open();
    await flush();
    expect(text(page, '#device-message')).toBe(t.wechatVerify.deviceDetail);
    expect(facial.verifyIds).toEqual([]);
  });

  test('the result says the device is unsupported (90001/90109): the same screen', async () => {
    startWechat();
    cloudHandlers.getResult = () => answer('DEVICE_UNSUPPORTED', { retryable: false });
    facial.results.push(90109);
    const page = open();
    await until(() => page.data.phase === 'device');
    expect(text(page, '#device')).toContain(t.wechatVerify.deviceTitle);
    expect(recorded.navigation).toEqual([]);
  });

  test('camera denied (90008): one step opens WeChat settings from the tap, then a new check runs', async () => {
    startWechat('verify-1');
    const results = [answer('CAMERA_DENIED'), answer('SUCCESS', { bizToken: 'verify-2' })];
    cloudHandlers.getResult = () => results.shift();
    cloudHandlers.getBizToken = () => ({
      ok: true,
      bizToken: 'verify-2',
      bizNo: 'biz-verify-2',
      expiresAt: Date.now() + 3600_000,
      provider: 'wechat',
      client: { kind: 'wechat', verifyId: 'verify-2' },
    });
    facial.results.push(90008);
    const page = open();
    await until(() => page.data.phase === 'permission');
    expect(text(page, '#permission-message')).toBe(t.wechatVerify.permissionDetail);
    // One next step: the settings, nothing else to tap.
    expect(page.querySelector('#open-setting')).toBeDefined();
    for (const other of ['#retry', '#back', '#contact']) expect(page.querySelector(other)).toBeUndefined();
    expect(platform.openSettingCalls).toBe(0);

    tap(page, '#open-setting');
    await until(() => recorded.navigation.length > 0);
    expect(platform.openSettingCalls).toBe(1);
    // whoami: the deployment's facts, which the entry page had already read in the app, before a new verify_id.
    const calls = recorded.cloud.filter((c) => c.name !== 'whoami');
    expect(calls.map((c) => c.name)).toEqual(['getResult', 'getBizToken', 'getResult']);
    expect(calls[1].data).toMatchObject({ mode: 'idcard', idcardName: '张三' });
    expect(calls[1].data.bizNo).toBeUndefined();
    expect(facial.verifyIds).toEqual(['verify-1', 'verify-2']);
    expect(recorded.navigation).toEqual([resultPage('verify-2')]);
  });

  test('camera still off after the settings: says so, no new check', async () => {
    startWechat();
    cloudHandlers.getResult = () => answer('CAMERA_MICROPHONE_DENIED');
    facial.results.push(90010);
    platform.settings = { 'scope.camera': false, 'scope.record': true };
    const page = open();
    await until(() => page.data.phase === 'permission');
    tap(page, '#open-setting');
    await until(() => page.data.error !== '');
    expect(text(page, '#still-denied')).toBe(t.wechatVerify.stillDenied);
    expect(recorded.cloud.map((c) => c.name)).toEqual(['getResult']);
  });

  test('the result cannot be read: the error in the person’s words and a retry that reads again', async () => {
    startWechat();
    const results: unknown[] = [
      {
        ok: false,
        error: { code: 'NETWORK_ERROR', message: '无法连接认证服务，请稍后重试', retryable: true },
      },
      answer('SUCCESS'),
    ];
    cloudHandlers.getResult = () => results.shift();
    const page = open();
    await until(() => page.data.phase === 'failed');
    expect(text(page, '#failed-message')).toBe(t.errors.NETWORK_ERROR);
    tap(page, '#retry');
    await until(() => recorded.navigation.length > 0);
    expect(facial.verifyIds).toEqual(['verify-1']);
    expect(recorded.navigation).toEqual([resultPage('verify-1')]);
  });

  test('without a flow in memory: a message and a way back', async () => {
    const page = open();
    await flush();
    expect(text(page, '#failed-message')).toBe(t.wechatVerify.noFlow);
    expect(page.querySelector('#retry')).toBeUndefined();
  });
});
