/**
 * `npm run screenshots`: PNGs of the pages into docs/screenshots/, taken from the browser preview of `npm start`
 * (the real pages, FaceID answered by the sandbox): the entry page in each mode, the stand-in, the result page of
 * every outcome family, a flow left half-way (the back confirmation, 未完成 in the records), the records and the
 * privacy policy, in Chinese, and the main ones in English; the privacy-authorization, camera and update-WeChat
 * screens in both.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, PHONE_CONTEXT } from './browser';
import { startApp, type RunningApp } from './start';

/** The part of a page element these scripts use (the tools are type-checked without the DOM library). */
interface ScrollableElement {
  scrollHeight: number;
  scrollTo(options: { top: number }): void;
}

const OUT = resolve(__dirname, '..', 'docs', 'screenshots');
const REFERENCE_PHOTO = resolve(__dirname, '..', 'test', 'e2e', 'fixtures', 'reference-photo.jpg');

type Mode = 'idcard' | 'ocr' | 'reference';

/** Words of the pages the script taps, per language. */
const WORDS = {
  zh: {
    agree: '我已阅读并同意以上说明',
    name: '姓名',
    id: '身份证号',
    start: '开始人脸核身',
    modes: { idcard: '填写身份证信息', ocr: '拍摄身份证', reference: '使用参考照片' },
    pick: '拍摄或选择照片',
    records: '我的认证记录',
    agreeAll: '同意以上说明和《实名人脸核身隐私保护指引》',
    camera: '需要使用摄像头',
    undeclared: '暂时无法使用摄像头',
    upgrade: '请升级微信',
    wechat: {
      update: '请升级微信',
      device: '这部手机不支持微信人脸核身',
      permission: '需要使用摄像头和麦克风',
    },
  },
  en: {
    agree: 'I have read and agree',
    name: 'Name',
    id: 'ID number',
    start: 'Start face check',
    modes: {
      idcard: 'Enter ID card details',
      ocr: 'Photograph your ID card',
      reference: 'Use a reference photo',
    },
    pick: 'Take or choose a photo',
    records: 'My checks',
    agreeAll: 'I agree to the above and the privacy guide',
    camera: 'Camera needed',
    undeclared: 'The camera cannot be used now',
    upgrade: 'Please update WeChat',
    wechat: {
      update: 'Please update WeChat',
      device: 'This phone cannot use WeChat face verification',
      permission: 'The camera and microphone are needed',
    },
  },
} as const;
type Language = keyof typeof WORDS;

function visible(page: Page, text: string | RegExp): Locator {
  return page
    .getByText(text, { exact: typeof text === 'string' })
    .filter({ visible: true })
    .first();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

async function scrollToBottom(page: Page): Promise<void> {
  await page
    .locator('.wx-page:not([hidden])')
    .evaluate((el: ScrollableElement) => el.scrollTo({ top: el.scrollHeight }));
}

/** The entry page with consent ticked (unless `agreed` already) and the mode's input given. */
async function fillEntry(page: Page, language: Language, mode: Mode, agreed = false): Promise<void> {
  const w = WORDS[language];
  if (!agreed) await visible(page, w.agree).tap();
  if (mode !== 'idcard') await visible(page, w.modes[mode]).tap();
  if (mode === 'idcard') {
    await page.getByRole('textbox', { name: w.name }).fill('张三');
    await page.getByRole('textbox', { name: w.id }).fill('11010519491231002X');
  }
  if (mode === 'reference') {
    const chooser = page.waitForEvent('filechooser');
    await visible(page, w.pick).tap();
    await (await chooser).setFiles(REFERENCE_PHOTO);
    await page.locator('wx-image').filter({ visible: true }).first().waitFor();
  }
}

/** From a filled entry page to the stand-in's video step, with the sandbox outcome picked. */
async function toVideo(page: Page, language: Language, mode: Mode, outcome: string): Promise<void> {
  await scrollToBottom(page);
  await visible(page, WORDS[language].start).tap();
  await visible(page, /^沙箱结果：/).tap();
  await page.getByRole('option', { name: new RegExp(`\\b${outcome}$`) }).tap();
  await visible(page, '我已阅读并同意').tap();
  await page.getByRole('button', { name: '开始验证' }).and(page.locator('[aria-disabled="false"]')).tap();
  if (mode === 'ocr') {
    await visible(page, '使用模拟身份证照片').tap();
    await visible(page, '拍摄身份证国徽面').waitFor();
    await visible(page, '使用模拟身份证照片').tap();
    await visible(page, '确认无误').tap();
  }
  await visible(page, '请录制视频并读出数字').waitFor();
  const ready = page
    .getByRole('button', { name: '使用模拟视频' })
    .and(page.locator('[aria-disabled="false"]'));
  for (let i = 0; i < 5 && !(await ready.isVisible()); i++) await page.clock.fastForward(1000);
}

class Shooter {
  private loads = 0;
  /** One person per language (one openid cookie each), so their records and results are theirs. */
  private readonly contexts = new Map<Language, BrowserContext>();
  constructor(
    private readonly browser: Browser,
    private readonly app: RunningApp,
  ) {}

  private async context(language: Language): Promise<BrowserContext> {
    let context = this.contexts.get(language);
    if (!context) {
      context = await this.browser.newContext({
        ...PHONE_CONTEXT,
        viewport: { width: 375, height: 760 },
        locale: language === 'zh' ? 'zh-CN' : 'en-US',
      });
      this.contexts.set(language, context);
    }
    return context;
  }

  /** A fresh tab of the preview filling a 375 × 760 phone, in a language (the browser's, as WeChat's). */
  async open(language: Language, hash = ''): Promise<Page> {
    const page = await (await this.context(language)).newPage();
    await page.clock.install();
    await page.goto(`${this.app.url}/?load=${++this.loads}${hash}`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    return page;
  }

  /** Runs one verification to its result page and takes it. */
  async result(name: string, language: Language, mode: Mode, outcome: string, title: string): Promise<void> {
    const page = await this.open(language);
    await fillEntry(page, language, mode);
    await toVideo(page, language, mode, outcome);
    await page.getByRole('button', { name: '使用模拟视频' }).tap();
    await visible(page, title).waitFor();
    await shot(page, name);
    await page.close();
  }

  /** A verification left in the stand-in: its token, for the not-started and expired results. */
  async leftToken(language: Language): Promise<string> {
    const page = await this.open(language);
    await fillEntry(page, language, 'idcard');
    await scrollToBottom(page);
    await visible(page, WORDS[language].start).tap();
    await visible(page, 'SANDBOX / 沙箱').waitFor();
    const token = await page.evaluate(() => {
      const pages = (
        globalThis as unknown as { getCurrentPages(): { data: { token: string } }[] }
      ).getCurrentPages();
      return pages[pages.length - 1].data.token;
    });
    await page.close();
    return token;
  }

  /** The back arrow mid-flow asks first (taken); confirmed, the flow is 未完成 with 继续 in my verifications. */
  async leftMidFlow(): Promise<void> {
    const page = await this.open('zh');
    await fillEntry(page, 'zh', 'idcard');
    await scrollToBottom(page);
    await visible(page, WORDS.zh.start).tap();
    await visible(page, 'SANDBOX / 沙箱').waitFor();
    await page.locator('#nav-back').tap();
    await page.locator('.wx-modal-content').waitFor();
    await shot(page, 'verify-leave-confirm');
    await page.locator('.wx-modal-confirm').tap();
    await visible(page, WORDS.zh.records).tap();
    await visible(page, '未完成').waitFor();
    await shot(page, 'records-left');
    await page.close();
  }

  async resultOf(name: string, language: Language, token: string, title: string): Promise<void> {
    const page = await this.open(language, `#/pages/result/result?bizToken=${encodeURIComponent(token)}`);
    await visible(page, title).waitFor();
    await shot(page, name);
    await page.close();
  }
}

async function entryShots(s: Shooter, language: Language): Promise<void> {
  const suffix = language === 'zh' ? '' : '-en';
  let page = await s.open(language);
  await visible(page, WORDS[language].agree).tap();
  await shot(page, `entry-consent${suffix}`);
  await page.close();
  for (const mode of ['idcard', 'ocr', 'reference'] as const) {
    if (language === 'en' && mode !== 'idcard') continue;
    page = await s.open(language);
    await fillEntry(page, language, mode);
    await scrollToBottom(page);
    await shot(page, `entry-${mode}${suffix}`);
    if (mode === 'idcard' && language === 'zh') {
      await toVideo(page, language, mode, 'SUCCESS');
      await shot(page, 'verify-stand-in');
    }
    await page.close();
  }
}

/** WeChat's privacy authorization and permissions, each state set through the preview's address. */
async function accessShots(s: Shooter, language: Language): Promise<void> {
  const suffix = language === 'zh' ? '' : '-en';
  const w = WORDS[language];
  let page = await s.open(language, '&privacy=unagreed');
  await visible(page, w.agreeAll).waitFor();
  await shot(page, `entry-privacy${suffix}`);
  await page.close();
  for (const [query, name, title] of [
    ['&camera=denied', 'access-camera', w.camera],
    ['&privacy=undeclared&camera=ask', 'access-undeclared', w.undeclared],
  ] as const) {
    page = await s.open(language, query);
    if (query.includes('privacy')) await visible(page, w.agreeAll).tap();
    await fillEntry(page, language, 'idcard', query.includes('privacy'));
    await scrollToBottom(page);
    await visible(page, w.start).tap();
    await visible(page, title).waitFor();
    await shot(page, `${name}${suffix}`);
    await page.close();
  }
  page = await s.open(language, '&sdk=2.30.4');
  await visible(page, w.upgrade).waitFor();
  await shot(page, `upgrade${suffix}`);
  await page.close();
}

/** WeChat 人脸核身 2.0's own screens (`npm start -- --provider wechat`): an old WeChat, a phone it cannot use, and
 * the camera and microphone said no to. */
async function wechatShots(s: Shooter, language: Language): Promise<void> {
  const suffix = language === 'zh' ? '' : '-en';
  const w = WORDS[language];
  for (const [query, name, title, verifyRet] of [
    ['&sdk=3.8.0', 'wechat-update', w.wechat.update, ''],
    ['&facial=unsupported', 'wechat-device', w.wechat.device, ''],
    ['', 'wechat-permission', w.wechat.permission, '90008 '],
  ] as const) {
    const page = await s.open(language, query);
    await fillEntry(page, language, 'idcard');
    await scrollToBottom(page);
    await visible(page, w.start).tap();
    if (verifyRet) await page.getByRole('option', { name: new RegExp(`^${verifyRet}`) }).tap();
    await visible(page, title).waitFor();
    await shot(page, `${name}${suffix}`);
    await page.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'faceid-shots-'));
  const saved = { rateLimit: process.env.FACEID_RATE_LIMIT, log: process.env.FACEID_LOG };
  process.env.FACEID_RATE_LIMIT = '1000/600';
  process.env.FACEID_LOG = 'off';
  const app = await startApp({ port: 0, dataDir, quiet: true });
  const browser = await launchChromium();
  const s = new Shooter(browser, app);
  try {
    await entryShots(s, 'zh');
    await s.result('result-passed', 'zh', 'idcard', 'SUCCESS', '认证通过');
    await s.result('result-passed-reference', 'zh', 'reference', 'SUCCESS', '认证通过');
    await s.result('result-not-same-person', 'zh', 'idcard', 'PASS_LIVING_NOT_THE_SAME', '人脸比对未通过');
    await s.result('result-identity-mismatch', 'zh', 'idcard', 'ID_NUMBER_NAME_NOT_MATCH', '身份信息不一致');
    await s.result('result-idcard-error', 'zh', 'ocr', 'IDCARD_PHOTO_FRONTSIDE', '身份证没有拍清楚');
    await s.result('result-fake-idcard', 'zh', 'ocr', 'FAIL_OCR_FAKE_IDCARD', '证件未通过核验');
    await s.result('result-liveness-attack', 'zh', 'idcard', 'FAIL_LIVING_FACE_ATTACK', '未能确认是本人操作');
    await s.result('result-liveness-failed', 'zh', 'idcard', 'VIDEO_MANY_TIMES', '视频验证未通过');
    await s.result('result-account-error', 'zh', 'idcard', 'BALANCE_NOT_ENOUGH', '服务暂时不可用');
    await s.result('result-cancelled', 'zh', 'idcard', 'USER_CANCEL', '您已退出验证');
    await s.resultOf('result-not-started', 'zh', await s.leftToken('zh'), '验证没有开始');
    await s.leftMidFlow();

    await accessShots(s, 'zh');
    await entryShots(s, 'en');
    await accessShots(s, 'en');
    await s.result('result-passed-en', 'en', 'idcard', 'SUCCESS', 'Check passed');
    await s.result(
      'result-liveness-failed-en',
      'en',
      'idcard',
      'VIDEO_MANY_TIMES',
      'The video check did not pass',
    );

    // My verifications shows the 10 newest: a passed one again, so the list shows one beside the flows left.
    await s.result('result-passed', 'zh', 'idcard', 'SUCCESS', '认证通过');
    let page = await s.open('zh');
    await visible(page, WORDS.zh.records).tap();
    await visible(page, '认证通过').waitFor();
    await shot(page, 'records');
    await page.close();
    page = await s.open('en');
    await visible(page, WORDS.en.records).tap();
    await visible(page, 'Check passed').waitFor();
    await shot(page, 'records-en');
    await page.close();
    page = await s.open('zh', '#/pages/privacy/privacy');
    await visible(page, '人脸核身隐私政策').waitFor();
    await shot(page, 'privacy');
    await page.close();
    const wechat = await startApp({
      port: 0,
      dataDir: join(dataDir, 'wechat'),
      quiet: true,
      provider: 'wechat',
    });
    try {
      const w = new Shooter(browser, wechat);
      await wechatShots(w, 'zh');
      await wechatShots(w, 'en');
    } finally {
      await wechat.close();
    }
  } finally {
    await browser.close();
    await app.close();
    for (const [key, value] of [
      ['FACEID_RATE_LIMIT', saved.rateLimit],
      ['FACEID_LOG', saved.log],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`screenshots failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
