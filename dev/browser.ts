/** Launching Debian's Chromium with playwright-core: the one place that knows the path and the flags. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** True when the system Chromium is installed. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** A phone-sized context (375 px wide, touch, zh-CN), as the preview expects. */
export const PHONE_CONTEXT: BrowserContextOptions = {
  viewport: { width: 430, height: 900 },
  deviceScaleFactor: 2,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

/**
 * Launches the system Chromium headless. Playwright gives every launch a fresh temporary --user-data-dir and
 * removes it on close (it refuses the flag in `args`), so no profile is ever shared or left behind.
 */
export async function launchChromium(): Promise<Browser> {
  if (!hasChromium()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
