/** @jest-environment jsdom */
import * as path from 'path';
import type { OtherFaceidInstance } from './fixtures/other-faceid';
import {
  change,
  cloudHandlers,
  flush,
  load,
  mediaQueue,
  MP_ROOT,
  mount,
  platform,
  resetHarness,
  tap,
  text,
  until,
  wechat,
  writeTempFile,
  type Mounted,
} from './harness';
import { copyFor } from '../../miniprogram/i18n/index';
import { LOCALES, type Locale } from '../../miniprogram/i18n/locale';
import type { GetBizTokenEvent } from '../../miniprogram/shared/events';
import { forgetDeploymentFacts } from '../../miniprogram/services/deployment';
import { clearDraft, clearFlow, startFlow } from '../../miniprogram/services/flow';

const VERIFY_DIR = path.join(MP_ROOT, 'pages/verify');
const FIXTURE = path.join(__dirname, 'fixtures/other-faceid/index');
const INPUT: GetBizTokenEvent = {
  mode: 'idcard',
  idcardName: '张三',
  idcardNumber: '11010519491231002X',
  consentVersion: '2026-11-01',
};
const TOKEN = '1700000000,aaaabbbbccccddddeeeeffff00001111';

const registry = (): OtherFaceidInstance[] =>
  ((globalThis as Record<string, unknown>).__otherFaceid ??= []) as OtherFaceidInstance[];
const live = () => registry().filter((i) => i.attached);

let entryId: string;
let verifyId: string;
beforeAll(() => {
  entryId = load('pages/index/index');
  verifyId = load('pages/verify/verify', { 'faceid-verify': path.relative(VERIFY_DIR, FIXTURE) });
});

beforeEach(() => {
  resetHarness();
  registry().length = 0;
  clearFlow();
  clearDraft();
  forgetDeploymentFacts();
  cloudHandlers.whoami = () => ({
    ok: true,
    openid: 'o-test-user',
    uploadDir: 'faceid/o-test-user/',
    retentionDays: 30,
    provider: 'fidlite',
    processor: 'megvii',
    modes: ['idcard', 'ocr', 'reference'],
    keepsImages: false,
  });
});

function inLocale(locale: Locale) {
  wechat.language = locale === 'zh' ? 'zh_CN' : 'en';
  return copyFor(locale);
}

function openEntry(): Mounted {
  const page = mount(entryId);
  page.instance.onLoad({});
  return page;
}

function openVerify(): Mounted {
  startFlow(INPUT, TOKEN);
  const page = mount(verifyId);
  page.instance.onLoad({});
  return page;
}

function queuePhoto(): void {
  mediaQueue.push({ tempFiles: [{ tempFilePath: writeTempFile('face.jpg', 2000), size: 2000 }] });
}

describe.each(LOCALES)('privacy authorization (%s)', (locale) => {
  test('one tap on the consent agrees to it and to WeChat’s guide: no second popup, the photo step needs none', async () => {
    const t = inLocale(locale);
    platform.privacyAgreed = false;
    const page = openEntry();
    await until(() => page.querySelector('#consent-agree'), 2000, 'the one agree button');
    expect(page.querySelector('#consent')).toBeUndefined();
    const guide = locale === 'zh' ? platform.contractName : t.access.guideName;
    expect(text(page, '#consent-agree')).toBe(t.access.agreeAll.replace('{guide}', guide));
    tap(page, '#privacy-guide');
    await flush();
    expect(platform.privacyContractOpened).toBe(1);

    tap(page, '#consent-agree');
    await until(() => page.data.consented, 2000, 'consented');
    expect(platform.privacyAgreed).toBe(true);
    expect(page.querySelector('#consent-agree')).toBeUndefined();
    expect(page.querySelector('#consent')).toBeDefined();

    change(page, '#mode', 'reference');
    await flush();
    queuePhoto();
    tap(page, '#pick-photo');
    await until(() => page.data.photoPath, 2000, 'photo');
    expect(platform.privacyRequests).toEqual([]);
    expect(page.querySelector('#privacy-popup >>> #privacy-dialog')).toBeUndefined();
  });

  test('a scoped call before agreement waits on the popup; agree lets the same call go on', async () => {
    const t = inLocale(locale);
    platform.privacyAgreed = false;
    const page = openVerify();
    await until(() => page.querySelector('#privacy-popup >>> #privacy-dialog'), 2000, 'popup');
    expect(platform.privacyRequests).toEqual(['authorize']);
    expect(text(page, '#privacy-popup >>> #privacy-dialog')).toContain(t.access.popup.title);
    expect(live()).toHaveLength(0);

    tap(page, '#privacy-popup >>> #privacy-agree');
    await until(() => live().length === 1, 2000, 'component mounted');
    expect(live()[0].token).toBe(TOKEN);
    expect(platform.privacyAgreed).toBe(true);
    expect(platform.authSetting).toEqual({ 'scope.camera': true, 'scope.record': true });
    expect(page.querySelector('#privacy-popup >>> #privacy-dialog')).toBeUndefined();
  });

  test('disagree: the call fails with 104, the screen’s one step agrees and the check continues', async () => {
    const t = inLocale(locale);
    platform.privacyAgreed = false;
    const page = openVerify();
    await until(() => page.querySelector('#privacy-popup >>> #privacy-dialog'), 2000, 'popup');
    tap(page, '#privacy-popup >>> #privacy-disagree');
    await until(() => page.querySelector('#access >>> #access-unagreed'), 2000, '104 screen');
    expect(page.data.access).toBe('unagreed');
    expect(text(page, '#access >>> #access-unagreed')).toContain(
      `${t.access.unagreed.title}${t.access.unagreed.detail}${t.access.unagreed.action}`,
    );
    expect(live()).toHaveLength(0);

    tap(page, '#access >>> #access-agree');
    await until(() => live().length === 1, 2000, 'component mounted');
    expect(platform.privacyAgreed).toBe(true);
  });

  test('112 (not declared in the guide): the business’s setup, so support; nothing starts', async () => {
    const t = inLocale(locale);
    platform.privacyDeclared = false;
    const page = openVerify();
    await until(() => page.querySelector('#access >>> #access-undeclared'), 2000, '112 screen');
    expect(text(page, '#access >>> #access-undeclared')).toContain(
      `${t.access.undeclared.title}${t.access.undeclared.detail}`,
    );
    expect(text(page, '#access >>> #access-contact')).toBe(t.access.undeclared.action);
    expect(page.querySelector('#access >>> #access-contact')?.toJSON().attrs).toContainEqual({
      name: 'openType',
      value: 'contact',
    });
    await flush(5);
    expect(live()).toHaveLength(0);
  });

  test('the reference photo: 104 from the popup, then agree, and the same photo step continues', async () => {
    const t = inLocale(locale);
    const page = openEntry();
    await flush();
    change(page, '#consent', ['agree']);
    await flush();
    change(page, '#mode', 'reference');
    await flush();
    platform.privacyAgreed = false; // WeChat's guide changed since the page read the setting
    queuePhoto();
    tap(page, '#pick-photo');
    await until(() => page.querySelector('#privacy-popup >>> #privacy-dialog'), 2000, 'popup');
    tap(page, '#privacy-popup >>> #privacy-disagree');
    await until(() => page.querySelector('#access >>> #access-unagreed'), 2000, '104 screen');
    expect(text(page, '#access >>> #access-agree')).toBe(t.access.unagreed.action);
    tap(page, '#access >>> #access-agree');
    await until(() => page.data.photoPath, 2000, 'photo');
    expect(page.querySelector('#photo-preview')).toBeDefined();
  });
});

describe.each(LOCALES)('camera and microphone (%s)', (locale) => {
  test('grant: WeChat asks for the camera and the microphone once, then the component starts', async () => {
    inLocale(locale);
    const page = openVerify();
    await until(() => live().length === 1, 2000, 'component mounted');
    expect(platform.prompts).toEqual(['scope.camera', 'scope.record']);
    expect(page.data.phase).toBe('verifying');
  });

  test('deny: the camera screen says what to do; settings left off keep it there', async () => {
    const t = inLocale(locale);
    platform.promptAnswer = false;
    const page = openVerify();
    await until(() => page.querySelector('#access >>> #access-camera'), 2000, 'camera screen');
    expect(text(page, '#access >>> #access-camera')).toContain(
      `${t.access.camera.title}${t.access.camera.detail}`,
    );
    expect(text(page, '#access >>> #access-settings')).toBe(t.access.camera.action);
    tap(page, '#access >>> #access-settings');
    await until(() => platform.openSettingCalls === 1, 2000, 'settings opened');
    await flush(5);
    expect(page.querySelector('#access >>> #access-camera')).toBeDefined();
    expect(live()).toHaveLength(0);
  });

  test('deny then allow: 去设置 turns the camera and microphone on and the same verification continues', async () => {
    const t = inLocale(locale);
    platform.authSetting = { 'scope.camera': false, 'scope.record': false };
    platform.settings = { 'scope.camera': true, 'scope.record': true };
    const page = openVerify();
    await until(() => page.querySelector('#access >>> #access-camera'), 2000, 'camera screen');
    expect(platform.prompts).toEqual([]);
    tap(page, '#access >>> #access-settings');
    await until(() => live().length === 1, 2000, 'component mounted');
    expect(live()[0].token).toBe(TOKEN);
    expect(page.querySelector('#access')).toBeUndefined();
    expect(t.access.camera.action).toBe(locale === 'zh' ? '去设置' : 'Open Settings');
  });

  test('the microphone alone said no to: its own screen, and allowing it continues', async () => {
    const t = inLocale(locale);
    platform.authSetting = { 'scope.camera': true, 'scope.record': false };
    platform.settings = { 'scope.record': true };
    const page = openVerify();
    await until(() => page.querySelector('#access >>> #access-record'), 2000, 'microphone screen');
    expect(text(page, '#access >>> #access-record')).toContain(t.access.record.title);
    tap(page, '#access >>> #access-settings');
    await until(() => live().length === 1, 2000, 'component mounted');
  });

  test('the reference photo with the camera said no to: 去设置, allowed, and the photo is taken', async () => {
    const t = inLocale(locale);
    platform.authSetting = { 'scope.camera': false };
    platform.settings = { 'scope.camera': true };
    const page = openEntry();
    await flush();
    change(page, '#consent', ['agree']);
    await flush();
    change(page, '#mode', 'reference');
    await flush();
    queuePhoto();
    tap(page, '#pick-photo');
    await until(() => page.querySelector('#access >>> #access-camera'), 2000, 'camera screen');
    expect(mediaQueue).toHaveLength(1);
    expect(text(page, '#access >>> #access-settings')).toBe(t.access.camera.action);
    tap(page, '#access >>> #access-settings');
    await until(() => page.data.photoPath, 2000, 'photo');
    expect(mediaQueue).toHaveLength(0);
    expect(page.data.consented).toBe(true);
    expect(page.data.mode).toBe('reference');
  });

  test('back from the camera screen returns to the form as it was', async () => {
    inLocale(locale);
    platform.authSetting = { 'scope.camera': false };
    const page = openEntry();
    await flush();
    change(page, '#consent', ['agree']);
    await flush();
    change(page, '#mode', 'reference');
    await flush();
    tap(page, '#pick-photo');
    await until(() => page.querySelector('#access'), 2000, 'camera screen');
    tap(page, '#access >>> #access-back');
    await flush();
    expect(page.querySelector('#access')).toBeUndefined();
    expect(page.data.mode).toBe('reference');
    expect(page.data.photoPicking).toBe(false);
  });
});

describe('the fake platform refuses what WeChat refuses', () => {
  test('wx.openSetting outside a tap fails; a scope said no to fails chooseMedia with auth deny', async () => {
    await expect(wx.openSetting({})).rejects.toEqual({
      errMsg: 'openSetting:fail can only be invoked by user TAP gesture.',
    });
    platform.authSetting = { 'scope.camera': false };
    await expect(wx.chooseMedia({ count: 1, sourceType: ['camera'] })).rejects.toEqual({
      errMsg: 'chooseMedia:fail auth deny',
    });
    platform.privacyDeclared = false;
    await expect(wx.chooseMedia({ count: 1 })).rejects.toEqual({
      errMsg: 'chooseMedia:fail api scope is not declared in the privacy agreement',
      errno: 112,
    });
  });
});

describe.each(LOCALES)('an old WeChat (%s)', (locale) => {
  test('a base library without the privacy API: the person is asked to update WeChat, in their words', async () => {
    const t = inLocale(locale);
    platform.sdkVersion = '2.30.4';
    const page = openEntry();
    await flush();
    expect(text(page, '#upgrade')).toBe(`${t.access.upgrade.title}${t.access.upgrade.detail}`);
    expect(page.querySelector('#consent-section')).toBeUndefined();
  });
});
