/** The copy table of the person's WeChat language, and the helpers pages format it with. */

import type { ClientError } from '../shared/errors';
import { localeOf, type Locale } from './locale';
import { en } from './en';
import { zh } from './zh';

export type Copy = typeof zh;

const TABLES: Readonly<Record<Locale, Copy>> = { zh, en };

/** The locale of WeChat's language setting (`wx.getAppBaseInfo().language`); Chinese when it cannot be read. */
export function currentLocale(): Locale {
  try {
    return localeOf(wx.getAppBaseInfo().language);
  } catch {
    return 'zh';
  }
}

/** The copy table of a locale (default: the person's). */
export function copyFor(locale: Locale = currentLocale()): Copy {
  return TABLES[locale];
}

/**
 * What the person reads for a function's error: its reason's sentence, else its code's (a code this version does
 * not know reads as INTERNAL). Never the function's own message, which is for the console.
 */
export function errorText(t: Copy, error: Pick<ClientError, 'code' | 'reason'>): string {
  const reasons: Partial<Record<string, string>> = t.reasons;
  const errors: Partial<Record<string, string>> = t.errors;
  return (error.reason && reasons[error.reason]) || errors[error.code] || t.errors.INTERNAL;
}

/** Fills `{name}` placeholders; a placeholder without a value is left out. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => (key in values ? String(values[key]) : ''));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time of day, `HH:mm`, or date and time when not today. */
export function formatClock(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return new Date(now).toDateString() === d.toDateString() ? time : `${formatDate(ms)} ${time}`;
}

/** Local date, `YYYY-MM-DD`. */
function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local date and time, `YYYY-MM-DD HH:mm`. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${formatDate(ms)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Sets the navigation bar title from the copy (page JSON holds the Chinese one). */
export function setTitle(title: string): void {
  try {
    wx.setNavigationBarTitle({ title, fail: () => undefined });
  } catch {
    // No navigation bar (tests, custom navigation): nothing to set.
  }
}
