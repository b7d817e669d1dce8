import type { Page } from 'playwright-core';
import {
  VALID_ID,
  VALID_NAME,
  chooseOutcome,
  consent,
  describeE2E,
  exitStandIn,
  screenProblems,
  see,
  sendSandboxVideo,
  startStandIn,
  tap,
  title,
  type,
  useSuite,
  type Suite,
} from './support';

const NO_PROBLEMS = {
  contrast: [],
  smallTargets: [],
  clipped: [],
  overflowX: false,
  cutInputs: [],
  misaligned: [],
};

async function expectUsable(page: Page, where: string): Promise<void> {
  expect({ where, ...(await screenProblems(page)) }).toEqual({ where, ...NO_PROBLEMS });
}

/** The preview's font sizes (WeChat's system font settings, 1 to 3) on the narrowest and widest phones. */
const SCREENS: [font: number, width: number][] = [
  [1, 320],
  [2, 320],
  [3, 320],
  [3, 430],
];

/** What the journey reads and taps, per language. */
interface JourneyWords {
  entry: string;
  agree: string;
  name: string;
  idNumber: string;
  start: string;
  left: RegExp;
  records: string;
  privacy: string;
}
const ZH_WORDS: JourneyWords = {
  entry: '开始前请了解',
  agree: '我已阅读并同意以上说明',
  name: '姓名',
  idNumber: '身份证号',
  start: '开始人脸核身',
  left: /^(您已退出验证|验证没有开始)$/,
  records: '认证方式：填写身份证信息',
  privacy: '人脸核身隐私政策',
};
const EN_WORDS: JourneyWords = {
  entry: 'Before you start',
  agree: 'I have read and agree',
  name: 'Name',
  idNumber: 'ID number',
  start: 'Start face check',
  left: /^(You left the check|The check did not start)$/,
  records: 'Method: ID card details',
  privacy: 'Face check privacy policy',
};

/** Goes through every page at this font size and width and checks each as a person would see it. */
async function expectEveryPageFits(
  suite: Suite,
  words: JourneyWords,
  font: number,
  width: number,
): Promise<void> {
  const page = await suite.context.newPage();
  await page.clock.install();
  await page.setViewportSize({ width, height: 740 });
  let loads = 0;
  const open = async (hash: string, shown: string): Promise<void> => {
    await page.goto(`${suite.app.url}/?font=${font}&load=${++loads}${hash}`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    await see(page, shown);
  };
  const where = (name: string): string => `${name}, font ${font}, ${width} px`;
  try {
    await open('', words.entry);
    await expectUsable(page, where('entry'));
    await tap(page, words.agree);
    await page.getByRole('textbox', { name: words.name }).fill(VALID_NAME);
    await page.getByRole('textbox', { name: words.idNumber }).fill(VALID_ID);
    const start = page.getByRole('button', { name: words.start });
    await start.scrollIntoViewIfNeeded();
    await expectUsable(page, where('entry filled'));
    // A touch right after scrolling only stops the scroll (WeChat's and j-component's rule): wait, then tap.
    await page.clock.fastForward(500);
    await start.tap();
    await see(page, 'SANDBOX / 沙箱');
    await expectUsable(page, where('stand-in'));
    await exitStandIn(page);
    await see(page, words.left);
    await expectUsable(page, where('result'));
    await open('#/pages/records/records', words.records);
    await expectUsable(page, where('records'));
    await open('#/pages/privacy/privacy', words.privacy);
    await expectUsable(page, where('privacy'));
  } finally {
    await page.close();
  }
}

async function toStandIn(page: Page): Promise<void> {
  await consent(page);
  await type(page, '姓名', VALID_NAME);
  await type(page, '身份证号', VALID_ID);
  await tap(page, '开始人脸核身');
  await see(page, 'SANDBOX / 沙箱');
}

describeE2E('the preview as a person meets it', () => {
  const suite = useSuite();

  it('a touch tap that opens another page sends nothing to the page that replaced it', async () => {
    const page = await suite.open('#/pages/verify/verify');
    await see(page, '没有进行中的认证，请返回重新开始。');
    await page.evaluate(() => {
      const w = window as unknown as { strayClicks: string[] };
      w.strayClicks = [];
      document.addEventListener('click', (e) => {
        const target = e.target as Element;
        if (target.closest('.wx-page')?.getAttribute('data-route') === 'pages/index/index')
          w.strayClicks.push(target.localName);
      });
    });
    await page.getByRole('button', { name: '返回重新开始' }).tap();
    await see(page, '开始前请了解');
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { strayClicks: string[] }).strayClicks)).toEqual(
      [],
    );
    expect(await page.getByRole('checkbox', { name: '我已阅读并同意以上说明' }).isChecked()).toBe(false);
    expect(await page.getByRole('radio', { name: '填写身份证信息' }).isChecked()).toBe(true);
  });

  it.each([360, 375, 390, 414, 430])(
    'at %i px wide the phone fills the window, nothing cut off',
    async (width) => {
      const page = await suite.open();
      await page.setViewportSize({ width, height: 800 });
      await see(page, '开始前请了解');
      const box = await page.locator('#phone').boundingBox();
      expect(box).toMatchObject({ x: 0, width });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);
      const start = await page.getByRole('button', { name: '开始人脸核身' }).boundingBox();
      expect(start!.x).toBeGreaterThanOrEqual(0);
      expect(start!.x + start!.width).toBeLessThanOrEqual(width);
    },
  );

  it("the browser's back button goes back within the preview, never out of it", async () => {
    const page = await suite.open();
    await see(page, '开始前请了解');
    await tap(page, '我的认证记录');
    await see(page, '还没有认证记录');
    expect(await title(page)).toBe('我的认证记录');
    await page.goBack();
    await see(page, '开始前请了解');
    expect(await title(page)).toBe('实名人脸核身');
    await page.goBack();
    await page.waitForTimeout(300);
    expect(new URL(page.url()).origin).toBe(suite.app.url);
    await see(page, '开始前请了解');
    await tap(page, '我的认证记录');
    await see(page, '还没有认证记录');
    await tap(page, '去认证');
    await see(page, '开始前请了解');
    await page.goBack();
    await page.waitForTimeout(300);
    await see(page, '开始前请了解');
  });

  it('disabled buttons look disabled: grey, not the colour of an action', async () => {
    const page = await suite.open();
    const start = page.getByRole('button', { name: '开始人脸核身' });
    const background = () => start.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await start.getAttribute('aria-disabled')).toBe('true');
    expect(await background()).toBe('rgb(230, 230, 230)');
    await consent(page);
    await type(page, '姓名', VALID_NAME);
    await type(page, '身份证号', VALID_ID);
    expect(await background()).toBe('rgb(6, 125, 63)');
    await tap(page, '开始人脸核身');
    await see(page, 'SANDBOX / 沙箱');
    const standInStart = page.getByRole('button', { name: '开始验证' });
    expect(await standInStart.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(230, 230, 230)',
    );
  });

  it('the consent reads in one screen of a 360 × 640 phone, its tick box included', async () => {
    const page = await suite.open();
    await page.setViewportSize({ width: 360, height: 640 });
    await see(page, '开始前请了解');
    const box = await page.getByRole('checkbox', { name: '我已阅读并同意以上说明' }).boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(640);
  });

  it('every page: text contrast at least WCAG AA, tap targets at least 44 px, nothing clipped', async () => {
    const page = await suite.open();
    await see(page, '开始前请了解');
    await expectUsable(page, 'entry');
    await toStandIn(page);
    await expectUsable(page, 'stand-in agreement');
    await chooseOutcome(page, 'FAIL_LIVING_FACE_ATTACK');
    await startStandIn(page);
    await see(page, '请录制视频并读出数字');
    await expectUsable(page, 'stand-in video');
    await sendSandboxVideo(page);
    await see(page, '未能确认是本人操作');
    await expectUsable(page, 'result');
    await tap(page, '再试一次');
    await see(page, 'SANDBOX / 沙箱');
    await page.goto(`${suite.app.url}/?load=records#/pages/records/records`);
    await see(page, '未能确认是本人操作');
    await expectUsable(page, 'records');
    await page.goto(`${suite.app.url}/?load=privacy#/pages/privacy/privacy`);
    await see(page, '人脸核身隐私政策');
    await expectUsable(page, 'privacy');
  });

  it.each(SCREENS)(
    'at font size %i on a %i px phone every page fits: nothing sideways, every input shown whole',
    async (font, width) => expectEveryPageFits(suite, ZH_WORDS, font, width),
    60_000,
  );
});

describeE2E('the preview in English (the browser, and so WeChat, set to English)', () => {
  const suite = useSuite({ locale: 'en-US' });

  it.each(SCREENS)(
    'at font size %i on a %i px phone every page fits in English: nothing sideways, every input shown whole',
    async (font, width) => expectEveryPageFits(suite, EN_WORDS, font, width),
    60_000,
  );

  it('a whole journey reads in English', async () => {
    const page = await suite.open();
    await see(page, 'Before you start');
    expect(await title(page)).toBe('Identity check');
    await tap(page, 'I have read and agree');
    await page.getByRole('textbox', { name: 'Name' }).fill(VALID_NAME);
    await page.getByRole('textbox', { name: 'ID number' }).fill(VALID_ID);
    await tap(page, 'Start face check');
    await chooseOutcome(page, 'VIDEO_MANY_TIMES');
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, 'The video check did not pass');
    expect(await title(page)).toBe('Result');
    await see(page, 'All recording attempts are used. Start again and read the digits as shown.');
    await see(page, 'Try again');
    await see(page, /^Support reference: [0-9a-f-]{8}$/);
    const screen = await page.locator('.wx-page:not([hidden])').innerText();
    expect(screen).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
