import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './browser';
import { startApp } from './start';

async function main(): Promise<void> {
  const app = await startApp({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'look-')), quiet: true });
  const browser = await launchChromium();
  const [width, lang, font, hash] = [Number(process.argv[2] ?? 375), process.argv[3] ?? 'zh-CN', process.argv[4] ?? '1', process.argv[5] ?? ''];
  const context = await browser.newContext({ viewport: { width, height: 740 }, deviceScaleFactor: 1, hasTouch: true, locale: lang });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.error('console', m.text()); });
  await page.goto(`${app.url}/?font=${font}${hash}`);
  await page.locator('body[data-ready]').waitFor({ state: 'attached' });
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/uxshots/look-${width}-${lang}-${font}.png`, fullPage: false });
  await browser.close();
  await app.close();
}
void main().then(() => process.exit(0));
