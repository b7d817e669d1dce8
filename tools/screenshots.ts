/** `npm run screenshots`: PNGs of the main page states, taken from the browser preview into docs/. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { startApp } from './start';

const DOCS = resolve(__dirname, '..', 'docs');

/** The screenshots, in the order the README shows them: file name and caption. */
export const SHOTS = [
  ['screenshot-entry-consent.png', 'Entry page: consent ticked'],
  ['screenshot-entry-idcard.png', 'ID-card mode, form filled'],
  ['screenshot-verify-stand-in.png', 'Verify page with the FaceID stand-in (sandbox)'],
  ['screenshot-result-passed.png', 'Result: passed'],
  ['screenshot-result-not-same-person.png', 'Result: not the same person'],
  ['screenshot-records.png', 'My verifications (records page)'],
] as const;

function visible(page: Page, text: string | RegExp): Locator {
  return page
    .getByText(text, { exact: typeof text === 'string' })
    .filter({ visible: true })
    .first();
}

async function shot(page: Page, index: number): Promise<void> {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(DOCS, SHOTS[index][0]) });
  console.log(`docs/${SHOTS[index][0]}`);
}

async function toVerify(page: Page, outcome: string): Promise<void> {
  await visible(page, '我已阅读并同意以上说明').tap();
  await page.getByRole('textbox', { name: '姓名' }).fill('张三');
  await page.getByRole('textbox', { name: '身份证号' }).fill('11010519491231002X');
  await visible(page, '开始人脸核身').tap();
  await visible(page, /^沙箱结果：/).tap();
  await page.getByRole('option', { name: new RegExp(`\\b${outcome}（`) }).tap();
  await visible(page, '我已阅读并同意《FaceID 用户协议》').tap();
  await page.getByRole('button', { name: '开始验证' }).and(page.locator('[aria-disabled="false"]')).tap();
  await visible(page, '请录制视频并读出数字').waitFor();
  const ready = page
    .getByRole('button', { name: '使用模拟视频' })
    .and(page.locator('[aria-disabled="false"]'));
  for (let i = 0; i < 5 && !(await ready.isVisible()); i++) await page.clock.fastForward(1000);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faceid-shots-'));
  const app = await startApp({ port: 0, dataDir, quiet: true });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({
      viewport: { width: 375, height: 760 },
      deviceScaleFactor: 2,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const open = async (): Promise<Page> => {
      const page = await context.newPage();
      await page.clock.install();
      await page.goto(`${app.url}/?bare=1`);
      await page.locator('body[data-ready]').waitFor({ state: 'attached' });
      return page;
    };

    let page = await open();
    await visible(page, '我已阅读并同意以上说明').tap();
    await shot(page, 0);
    await page.getByRole('textbox', { name: '姓名' }).fill('张三');
    await page.getByRole('textbox', { name: '身份证号' }).fill('11010519491231002X');
    await page.locator('.wx-page').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await shot(page, 1);
    await page.close();

    page = await open();
    await toVerify(page, 'SUCCESS');
    await shot(page, 2);
    await page.getByRole('button', { name: '使用模拟视频' }).tap();
    await visible(page, '认证通过').waitFor();
    await shot(page, 3);
    await page.close();

    page = await open();
    await toVerify(page, 'PASS_LIVING_NOT_THE_SAME');
    await page.getByRole('button', { name: '使用模拟视频' }).tap();
    await visible(page, '人脸比对未通过').waitFor();
    await shot(page, 4);
    await page.close();

    page = await open();
    await visible(page, '我的认证记录').tap();
    await visible(page, '人脸比对未通过').waitFor();
    await shot(page, 5);
  } finally {
    await browser.close();
    await app.close();
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
