/** @jest-environment jsdom */
import * as fs from 'fs';
import * as path from 'path';
import {
  cloudHandlers,
  flush,
  load,
  MP_ROOT,
  mount,
  recorded,
  resetHarness,
  text,
  until,
  wechat,
} from './harness';
import { LOCALES } from '../../miniprogram/i18n/locale';
import { copyFor, errorText } from '../../miniprogram/i18n/index';
import { APP_ERROR_CODES, ERROR_REASONS, FACEID_ERROR_CODES } from '../../miniprogram/shared/errors';
import { RESULT_CODES, WECHAT_RESULTS, type Outcome } from '../../miniprogram/shared/result-codes';
import type { VerificationMode } from '../../miniprogram/shared/events';
import { presentResult } from '../../miniprogram/pages/result/present';
import { forgetDeploymentFacts } from '../../miniprogram/services/deployment';
import { clearFlow, currentFlow, startFlow } from '../../miniprogram/services/flow';
import { openPrivacyPolicy, SUPPORT_CONFIG } from '../../miniprogram/services/support';

const CJK = /[\u3400-\u9fff]/;

/** Every leaf of a table as `path: value`. */
function leaves(value: unknown, at = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(at, value);
  else if (value && typeof value === 'object')
    for (const [key, child] of Object.entries(value))
      for (const [p, v] of leaves(child, `${at}.${key}`)) out.set(p, v);
  return out;
}

describe('copy tables', () => {
  const zh = leaves(copyFor('zh'));
  const en = leaves(copyFor('en'));

  test('the Chinese and English tables have the same entries, none empty', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort());
    for (const [key, value] of [...zh, ...en]) expect(`${key}=${value.trim()}`).not.toMatch(/=$/);
  });

  test('the English table holds no Chinese; the Chinese table no English words outside names (FaceID, JPG, MB)', () => {
    for (const [key, value] of en) expect(`${key}: ${value}`).not.toMatch(CJK);
    for (const [key, value] of zh) {
      const words = value.replace(/FaceID|JPG|PNG|MB|App|\{\w+\}/g, '').match(/[A-Za-z]{2,}/g);
      expect(`${key}: ${words?.join(' ') ?? ''}`).toBe(`${key}: `);
    }
  });

  test('placeholders match between the two tables', () => {
    for (const [key, value] of zh)
      expect([key, en.get(key)?.match(/\{\w+\}/g)]).toEqual([key, value.match(/\{\w+\}/g)]);
  });

  test('WeChat languages map to a table: any Chinese to Chinese, everything else to English', () => {
    expect(LOCALES).toEqual(['zh', 'en']);
    for (const [language, title] of [
      ['zh_CN', '实名人脸核身'],
      ['zh_TW', '实名人脸核身'],
      ['en', 'Identity check'],
      ['en_US', 'Identity check'],
      ['fr', 'Identity check'],
    ]) {
      wechat.language = language;
      expect(copyFor().nav.entry).toBe(title);
    }
  });
});

/** Whether a sentence is written in the locale's language (Chinese characters, or none). */
const inLocale = (locale: string, value: string): boolean =>
  value.trim() !== '' && (locale === 'zh' ? CJK.test(value) : !CJK.test(value));

describe('every code a page can receive has words in every locale', () => {
  const ROWS = [...RESULT_CODES, ...WECHAT_RESULTS];
  const MODES: VerificationMode[] = ['idcard', 'ocr', 'reference', 'liveness'];

  test.each(LOCALES)('%s: each error code and each reason reads as a sentence of its own', (locale) => {
    const t = copyFor(locale);
    for (const code of [...FACEID_ERROR_CODES, ...APP_ERROR_CODES]) {
      const words = errorText(t, { code });
      expect([code, inLocale(locale, words)]).toEqual([code, true]);
      expect(words).toBe(t.errors[code]);
    }
    for (const reason of ERROR_REASONS) {
      const words = errorText(t, { code: 'INTERNAL', reason });
      expect([reason, inLocale(locale, words)]).toEqual([reason, true]);
      expect([reason, words]).toEqual([reason, t.reasons[reason]]);
    }
    // A code this version does not know yet reads as the generic failure, never as the function's message.
    expect(errorText(t, { code: 'SOMETHING_NEW' as never })).toBe(t.errors.INTERNAL);
  });

  test.each(LOCALES)(
    '%s: each result message in each mode, and each outcome, has a title and a sentence',
    (locale) => {
      const t = copyFor(locale);
      const outcomes = new Set<Outcome>(['expired']);
      for (const row of ROWS) {
        outcomes.add(row.outcome);
        for (const mode of MODES) {
          const view = presentResult(
            {
              ok: true,
              bizToken: 't',
              bizNo: 'biz-00000001',
              outcome: row.outcome,
              resultCode: row.code,
              resultMessage: row.message,
              retryable: row.retryable,
              finished: true,
            },
            t,
            { mode, canRestartDirectly: true, fromRecords: false, fromH5: false },
          );
          const said = `${row.message}/${mode}`;
          expect([said, inLocale(locale, view.title), inLocale(locale, view.detail)]).toEqual([
            said,
            true,
            true,
          ]);
        }
      }
      for (const outcome of outcomes) {
        const copy = t.result.outcomes[outcome];
        expect([outcome, inLocale(locale, copy.title), inLocale(locale, copy.detail)]).toEqual([
          outcome,
          true,
          true,
        ]);
      }
      // Every hint speaks of a message FaceID or WeChat really answers.
      const messages = new Set(ROWS.map((row) => row.message));
      for (const key of Object.keys(t.result.hints)) expect([key, messages.has(key)]).toEqual([key, true]);
    },
  );

  test('the shared code (pages and functions) holds codes and outcome families, no words: no Chinese outside comments', () => {
    const root = path.join(MP_ROOT, 'shared');
    for (const file of fs.readdirSync(root).filter((name) => name.endsWith('.ts'))) {
      const code = fs.readFileSync(path.join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect([file, code.match(new RegExp(CJK.source, 'g'))]).toEqual([file, null]);
    }
  });

  test("no page or component shows a function's message: they word errors by code and reason", () => {
    const roots = ['pages', 'components', 'i18n'].map((dir) => path.join(MP_ROOT, dir));
    const files = roots.flatMap((root) =>
      fs
        .readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((file) => /\.(ts|wxml)$/.test(file))
        .map((file) => path.join(root, file)),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const code = fs
        .readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
        .replace(/<!--[\s\S]*?-->/g, '');
      expect([path.relative(MP_ROOT, file), code.match(/\.message\b|errMsg/g)]).toEqual([
        path.relative(MP_ROOT, file),
        null,
      ]);
    }
  });
});

describe('the remaining pages in both languages', () => {
  let ids: Record<string, string>;
  beforeAll(() => {
    const verifyDir = path.join(MP_ROOT, 'pages/verify');
    ids = {
      privacy: load('pages/privacy/privacy'),
      webview: load('pages/webview/webview'),
      verify: load('pages/verify/verify', {
        'faceid-verify': path.relative(verifyDir, path.join(__dirname, 'fixtures/other-faceid/index')),
      }),
    };
  });
  beforeEach(() => {
    resetHarness();
    clearFlow();
    forgetDeploymentFacts();
    cloudHandlers.whoami = () => ({
      ok: true,
      openid: 'o',
      uploadDir: 'faceid/o/',
      retentionDays: 14,
      provider: 'fidlite',
      processor: 'megvii',
      keepsImages: false,
      operator: { name: 'Example Tech Co., Ltd.', contact: '400-000-0000' },
    });
  });

  test.each(LOCALES)(
    'privacy policy (%s): purpose, data per mode, processor, retention from whoami, rights, contact',
    async (locale) => {
      wechat.language = locale === 'zh' ? 'zh_CN' : 'en';
      const t = copyFor(locale);
      const page = mount(ids.privacy);
      page.instance.onLoad({});
      await until(
        () => text(page, '#policy').includes(locale === 'zh' ? '14 天' : '14 days'),
        2000,
        'retention',
      );
      expect(recorded.titles).toEqual([t.nav.privacy]);
      const policy = text(page, '#policy');
      expect(policy).toContain(t.privacy.title);
      for (const section of t.privacy.sections) expect(policy).toContain(section.heading);
      expect(policy).toContain(locale === 'zh' ? '北京旷视科技有限公司' : 'Beijing Megvii Technology');
      expect(text(page, '#contact')).toBe(t.support.contact);
      if (locale === 'en') expect(policy).not.toMatch(CJK);
    },
  );

  test.each(LOCALES)(
    'privacy policy (%s) under WeChat face verification names Tencent, not Megvii',
    async (locale) => {
      wechat.language = locale === 'zh' ? 'zh_CN' : 'en';
      const t = copyFor(locale);
      const facts = cloudHandlers.whoami;
      cloudHandlers.whoami = (...args) => ({
        ...(facts(...args) as object),
        provider: 'wechat',
        processor: 'wechat',
      });
      const page = mount(ids.privacy);
      page.instance.onLoad({});
      await until(
        () => text(page, '#policy').includes(t.privacy.processors.wechat),
        2000,
        'the processor from whoami',
      );
      expect(text(page, '#policy')).not.toMatch(/旷视|Megvii|FaceID/);
    },
  );

  test.each([
    [
      'zh',
      '示例科技有限公司',
      '我们是谁本服务由示例科技有限公司（本政策中的“我们”）提供。对您的信息有疑问、需要更正、删除或投诉，请联系：400-000-0000。',
    ],
    [
      'en',
      'Example Tech Co., Ltd.',
      'Who we areThis service is provided by Example Tech Co., Ltd. ("we" in this policy). For questions about your information, corrections, deletion or complaints, contact 400-000-0000.',
    ],
  ] as const)(
    'privacy policy (%s): its first section says who 我们 is, the operator and contact this deployment names',
    async (locale, name, section) => {
      wechat.language = locale === 'zh' ? 'zh_CN' : 'en';
      const facts = cloudHandlers.whoami({}) as Record<string, unknown>;
      cloudHandlers.whoami = () => ({ ...facts, operator: { name, contact: '400-000-0000' } });
      const page = mount(ids.privacy);
      page.instance.onLoad({});
      await until(() => text(page, '#policy').includes('400-000-0000'), 2000, 'operator');
      expect(text(page, '#policy-0')).toBe(section);
    },
  );

  test.each(LOCALES)(
    'privacy policy (%s): while whoami cannot answer, it says so instead of naming nobody',
    async (locale) => {
      wechat.language = locale === 'zh' ? 'zh_CN' : 'en';
      cloudHandlers.whoami = () => ({
        ok: false,
        error: { code: 'NETWORK_ERROR', message: '网络异常', retryable: true },
      });
      const page = mount(ids.privacy);
      page.instance.onLoad({});
      await flush(5);
      expect(text(page, '#policy-0')).toBe(
        `${copyFor(locale).privacy.operator.heading}${copyFor(locale).privacy.operator.unknown}`,
      );
    },
  );

  test.each(LOCALES)('verify page (%s): the failure screen, with support', async (locale) => {
    wechat.language = locale === 'zh' ? 'zh_CN' : 'en';
    const t = copyFor(locale);
    const page = mount(ids.verify);
    page.instance.onLoad({});
    await flush();
    expect(recorded.titles).toEqual([t.nav.verify]);
    expect(text(page, '#failed')).toBe(
      `${t.verify.failedTitle}${t.verify.noFlow}${t.verify.restart}${t.support.contact}`.replace(/\s+/g, ' '),
    );
  });

  test.each(LOCALES)('web-view page (%s): the failure screen', async (locale) => {
    wechat.language = locale === 'zh' ? 'zh_CN' : 'en';
    const t = copyFor(locale);
    const page = mount(ids.webview);
    page.instance.onLoad({});
    await flush();
    expect(text(page, '#failed-message')).toBe(t.webview.noFlow);
    expect(text(page, '#back')).toBe(t.webview.back);
  });

  test('a configured https privacy policy opens in the web-view page, not as a flow', async () => {
    const saved = SUPPORT_CONFIG.privacyPolicy;
    SUPPORT_CONFIG.privacyPolicy = 'https://example.com/privacy.html';
    try {
      startFlow({ mode: 'ocr', consentVersion: 'v' }, 'token-1');
      openPrivacyPolicy();
      await flush();
      expect(recorded.navigation).toEqual([
        { kind: 'navigateTo', url: '/pages/webview/webview?doc=privacy' },
      ]);
      const page = mount(ids.webview);
      page.instance.onLoad({ doc: 'privacy' });
      await flush();
      expect(page.data.url).toBe('https://example.com/privacy.html');
      page.instance.onUnload();
      expect(currentFlow()?.bizToken).toBe('token-1');
    } finally {
      SUPPORT_CONFIG.privacyPolicy = saved;
    }
  });
});

describe('words that come from components', () => {
  it('every WeUI loading spinner is told its words: its default tips are a fixed Chinese 加载中', () => {
    const fs = jest.requireActual<typeof import('fs')>('fs');
    const pages = path.join(MP_ROOT, 'pages');
    const spinners = fs.readdirSync(pages).flatMap((page) =>
      fs
        .readdirSync(path.join(pages, page))
        .filter((file) => file.endsWith('.wxml'))
        .flatMap((file) => {
          const wxml = fs.readFileSync(path.join(pages, page, file), 'utf8');
          return [...wxml.matchAll(/<mp-loading\b[^>]*>/g)].map((m) => ({
            file: `${page}/${file}`,
            tag: m[0],
          }));
        }),
    );
    expect(spinners.length).toBeGreaterThan(0);
    expect(spinners.filter((s) => !/\stips="(|\{\{t\.[^}]+\}\})"/.test(s.tag))).toEqual([]);
  });
});
