/** Runs the whole `npm start` stack in-process and drives the preview in Debian's Chromium, as a user would. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchChromium, PHONE_CONTEXT } from '../../dev/browser';
import { startApp, type PreviewProvider, type RunningApp } from '../../dev/start';

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
  /** The FaceID product `npm start` runs with (default fidlite). */
  provider?: PreviewProvider;
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
    suite.app = await startApp({ port: 0, dataDir: suite.dataDir, quiet: true, provider: options.provider });
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

/** Leaves the stand-in's flow: 退出验证, then 退出 in the question it asks, as Megvii's component does. */
export async function exitStandIn(page: Page): Promise<void> {
  const exit = page.getByRole('button', { name: '退出验证' });
  await exit.scrollIntoViewIfNeeded();
  await page.clock.fastForward(500);
  await exit.tap();
  await see(page, '确定退出验证吗？');
  await page.getByRole('dialog').getByRole('button', { name: '退出', exact: true }).tap();
}

/** The navigation bar title. */
export async function title(page: Page): Promise<string> {
  return (await page.locator('#nav-title').textContent()) ?? '';
}

/** Ticks the entry page's consent box. */
export async function consent(page: Page): Promise<void> {
  await see(page, '开始前请了解');
  await tap(page, '我已阅读并同意以上说明');
  // Applied: the hint above the form goes in the update that enables its controls (the modes' radios, or the one
  // mode's own fields where the product offers one mode).
  await page
    .locator('.wx-page:not([hidden])')
    .getByText('请先阅读并勾选同意上方说明', { exact: true })
    .waitFor({ state: 'hidden' });
}

/** Types into the field with this label. */
export async function type(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByRole('textbox', { name: label }).filter({ visible: true });
  await field.fill(value);
}

/** Picks the stand-in's sandbox outcome (a row of the result-code table) with its picker. */
export async function chooseOutcome(page: Page, message: string): Promise<void> {
  await tap(page, /^沙箱结果：/);
  await page.getByRole('option', { name: new RegExp(`\\b${message}$`) }).tap();
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

/** Problems a person would meet on the page shown now: text too faint (WCAG AA), targets under 44 px, clipped text. */
export interface ScreenProblems {
  contrast: string[];
  smallTargets: string[];
  clipped: string[];
  overflowX: boolean;
  /** Inputs whose value does not show whole (it scrolls inside the field). */
  cutInputs: string[];
  /** Inputs whose text sits higher or lower than the label beside them. */
  misaligned: string[];
}

/** Checks the page on screen: text contrast, tap target sizes, clipped text and sideways overflow. */
export function screenProblems(page: Page): Promise<ScreenProblems> {
  return page.evaluate(() => {
    const root = document.querySelector('.wx-page:not([hidden])') as HTMLElement;
    const parse = (c: string): number[] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top: number[], under: number[]): number[] => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
    };
    const lum = (c: number[]): number => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const parentOf = (el: Element): Element | null =>
      el.parentElement ?? (el.getRootNode() as ShadowRoot).host ?? null;
    const inactive = (el: Element): boolean => {
      for (let n: Element | null = el; n; n = parentOf(n))
        if (n.getAttribute('aria-disabled') === 'true' || n.hasAttribute('disabled')) return true;
      return false;
    };
    const background = (el: Element): number[] => {
      const layers: number[][] = [];
      for (let n: Element | null = el; n; n = parentOf(n)) {
        const bg = parse(getComputedStyle(n).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
    };
    const opacity = (el: Element): number => {
      let o = 1;
      for (let n: Element | null = el; n; n = parentOf(n)) o *= Number(getComputedStyle(n).opacity);
      return o;
    };
    const describe = (el: Element): string =>
      `${el.localName}.${el.className} "${(el.textContent ?? '').trim().slice(0, 24)}"`;
    const contrast: string[] = [];
    const clipped: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const el = t.parentElement;
      if (!el || !(t.textContent ?? '').trim() || inactive(el)) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const style = getComputedStyle(el);
      const fg = parse(style.color);
      fg[3] *= opacity(el);
      const bg = background(el);
      const shown = over(fg, bg);
      const [hi, lo] = [lum(shown), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) contrast.push(`${describe(el)} ${ratio.toFixed(2)}`);
      if (el.scrollWidth > el.clientWidth + 1 && style.overflow !== 'visible') clipped.push(describe(el));
    }
    const smallTargets: string[] = [];
    const targets = root.querySelectorAll(
      'wx-button, wx-label, wx-picker, wx-navigator, [role="link"], wx-input',
    );
    for (const el of targets) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.height < 43.5 || box.width < 43.5)
        smallTargets.push(`${describe(el)} ${box.width}x${box.height}`);
      if (el.localName === 'wx-button' && el.scrollHeight > el.clientHeight + 1) clipped.push(describe(el));
    }
    const cutInputs: string[] = [];
    for (const host of root.querySelectorAll('wx-input')) {
      const input = host.shadowRoot?.querySelector('input') ?? host.querySelector('input');
      if (input && input.value && input.scrollWidth > input.clientWidth + 1)
        cutInputs.push(`${describe(host)} ${input.scrollWidth}>${input.clientWidth}`);
    }
    const misaligned: string[] = [];
    for (const host of root.querySelectorAll('wx-input')) {
      const input = host.shadowRoot?.querySelector('input');
      if (!input) continue;
      const box = input.getBoundingClientRect();
      const middle = (r: DOMRect): number => (r.top + r.bottom) / 2;
      for (const label of host.parentElement?.querySelectorAll(':scope > wx-text') ?? []) {
        const r = label.getBoundingClientRect();
        const besideIt = r.bottom > box.top && r.top < box.bottom;
        if (besideIt && Math.abs(middle(r) - middle(box)) > 2)
          misaligned.push(`${describe(label)} ${Math.round(middle(r))} vs input ${Math.round(middle(box))}`);
      }
    }
    const page = document.scrollingElement ?? document.documentElement;
    const overflowX =
      root.scrollWidth > root.clientWidth + 1 ||
      page.scrollWidth > window.innerWidth + 1 ||
      window.scrollX !== 0;
    return { contrast, smallTargets, clipped, overflowX, cutInputs, misaligned };
  });
}
