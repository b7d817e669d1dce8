/** Runs the whole `npm start` stack in-process and drives the preview in Debian's Chromium, as a user would. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchChromium, PHONE_CONTEXT } from '../../tools/browser';
import { startApp, type RunningApp } from '../../tools/start';

export const FIXTURES = join(__dirname, 'fixtures');
export const VALID_NAME = '张三';
export const VALID_ID = '11010519491231002X';

const underCi = ['1', 'true', 'yes'].includes(String(process.env.CI ?? '').toLowerCase());

/** `describe`, or `describe.skip` with a message when Chromium is missing outside CI (under CI it must fail). */
export const describeE2E: jest.Describe = (() => {
  if (hasChromium() || underCi) return describe;
  console.warn(
    `End-to-end tests SKIPPED: no browser at ${CHROMIUM_PATH}. Install it with ` +
      '`apt-get install -y chromium fonts-wqy-zenhei` (with CI=true a missing browser fails the run).',
  );
  return describe.skip;
})();

export interface Suite {
  app: RunningApp;
  browser: Browser;
  context: BrowserContext;
  dataDir: string;
  /** A new tab on the app's first page, with the fake clock installed (the countdown can be skipped). */
  open(hash?: string): Promise<Page>;
}

export interface SuiteOptions {
  /** The cloud functions' FACEID_RATE_LIMIT for this file (default: generous, so journeys are not limited). */
  rateLimit?: string;
  /** The browser's language, which the preview reports as WeChat's (default zh-CN). */
  locale?: string;
}

/** Starts the app and one browser for the file, a fresh tab per test; closes everything afterwards. */
export function useSuite(options: SuiteOptions = {}): Suite {
  const suite = {} as Suite;
  const pages: Page[] = [];
  let quietLog: jest.SpyInstance | undefined;
  const savedRateLimit = process.env.FACEID_RATE_LIMIT;
  beforeAll(async () => {
    process.env.FACEID_RATE_LIMIT = options.rateLimit ?? '1000/600';
    const log = console.log.bind(console);
    quietLog = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('{"level":')) return;
      log(...args);
    });
    suite.dataDir = mkdtempSync(join(tmpdir(), 'faceid-e2e-'));
    suite.app = await startApp({ port: 0, dataDir: suite.dataDir, quiet: true });
    suite.browser = await launchChromium();
    suite.context = await suite.browser.newContext({
      ...PHONE_CONTEXT,
      ...(options.locale ? { locale: options.locale } : {}),
    });
    suite.context.setDefaultTimeout(10_000);
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.close();
    if (suite.dataDir) rmSync(suite.dataDir, { recursive: true, force: true });
    quietLog?.mockRestore();
    if (savedRateLimit === undefined) delete process.env.FACEID_RATE_LIMIT;
    else process.env.FACEID_RATE_LIMIT = savedRateLimit;
  });
  suite.open = async (hash = '') => {
    const page = await suite.context.newPage();
    pages.push(page);
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    await page.clock.install();
    await page.goto(`${suite.app.url}/${hash}`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    return page;
  };
  return suite;
}

/** The visible element showing exactly this text. */
export function text(page: Page, value: string | RegExp): Locator {
  return page
    .getByText(value, { exact: typeof value === 'string' })
    .filter({ visible: true })
    .first();
}

/** Waits until the text is on screen. */
export async function see(page: Page, value: string | RegExp, timeout = 10_000): Promise<void> {
  await text(page, value).waitFor({ state: 'visible', timeout });
}

/** Taps the element showing this text. */
export async function tap(page: Page, value: string | RegExp): Promise<void> {
  await text(page, value).tap();
}

/** The navigation bar title. */
export async function title(page: Page): Promise<string> {
  return (await page.locator('#nav-title').textContent()) ?? '';
}

/** Ticks the entry page's consent box. */
export async function consent(page: Page): Promise<void> {
  await see(page, '开始前请了解');
  await tap(page, '我已阅读并同意以上说明');
  await page
    .getByRole('radio', { name: '填写身份证信息' })
    .and(page.locator('[aria-disabled="false"]'))
    .waitFor();
}

/** Types into the field with this label. */
export async function type(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByRole('textbox', { name: label }).filter({ visible: true });
  await field.fill(value);
}

/** Picks the stand-in's sandbox outcome (a row of the result-code table) with its picker. */
export async function chooseOutcome(page: Page, message: string): Promise<void> {
  await tap(page, /^沙箱结果：/);
  await page.getByRole('option', { name: new RegExp(`\\b${message}（`) }).tap();
  await see(page, new RegExp(`^沙箱结果：\\d+ ${message}（`));
}

/** Ticks the stand-in's agreement and starts it. */
export async function startStandIn(page: Page): Promise<void> {
  await see(page, 'SANDBOX / 沙箱');
  await tap(page, '我已阅读并同意');
  await page.getByRole('button', { name: '开始验证' }).and(page.locator('[aria-disabled="false"]')).tap();
}

/** Waits out the 3-second countdown (fast-forwarding the page's clock) and sends the sandbox video. */
export async function sendSandboxVideo(page: Page): Promise<void> {
  await see(page, '请录制视频并读出数字');
  const ready = page
    .getByRole('button', { name: '使用模拟视频' })
    .and(page.locator('[aria-disabled="false"]'));
  for (let i = 0; i < 5 && !(await ready.isVisible()); i++) await page.clock.fastForward(1000);
  await ready.tap();
}

/** Moves the sandbox FaceID's clock, through its control endpoint. */
export async function advanceSandboxClock(app: RunningApp, ms: number): Promise<void> {
  const res = await fetch(`${app.url}/__sandbox/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_ms: ms }),
  });
  if (!res.ok) throw new Error(`sandbox clock: ${res.status}`);
}

/** Makes the sandbox answer the next get_biz_token after `ms` (so a refresh stays on screen long enough to see). */
export async function slowNextToken(app: RunningApp, ms = 800): Promise<void> {
  const res = await fetch(`${app.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: '/lite/v1/get_biz_token', kind: 'latency', ms, times: 1 }),
  });
  if (!res.ok) throw new Error(`sandbox faults: ${res.status}`);
}
