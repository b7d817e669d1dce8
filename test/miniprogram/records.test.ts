/** @jest-environment jsdom */
import {
  cloudHandlers,
  deferred,
  enabled,
  flush,
  load,
  modalAnswers,
  mount,
  recorded,
  resetHarness,
  tap,
  text,
  until,
  wechat,
  type Mounted,
} from './harness';
import type { VerificationSummaryItem } from '../../miniprogram/shared/events';
import { copyFor } from '../../miniprogram/i18n/index';
import { formatTime, presentRecord } from '../../miniprogram/pages/records/present';
import { presentResult } from '../../miniprogram/pages/result/present';
import { RESULT_CODES, WECHAT_RESULTS } from '../../miniprogram/shared/result-codes';
import { LOCALES } from '../../miniprogram/i18n/locale';
import { forgetDeploymentFacts } from '../../miniprogram/services/deployment';
import { clearFlow, currentFlow } from '../../miniprogram/services/flow';

const zh = copyFor('zh');

const PAGE_SIZE = 10;
const NOW = Date.now();
const MINUTE = 60_000;

function item(n: number, extra: Partial<VerificationSummaryItem> = {}): VerificationSummaryItem {
  return {
    bizNo: `biz-${n}`,
    bizToken: `1700000000,${String(n).padStart(32, '0')}`,
    mode: 'idcard',
    provider: 'fidlite',
    status: 'finished',
    outcome: 'passed',
    resultCode: 1000,
    resultMessage: 'SUCCESS',
    maskedName: '张*',
    maskedIdNumber: '1101**********002X',
    createdAt: NOW - n * MINUTE,
    finishedAt: NOW - n * MINUTE + 30_000,
    ...extra,
  };
}

/** Answers listVerifications from `all` (newest first) the way the cloud function pages it. */
function serve(all: VerificationSummaryItem[]): void {
  cloudHandlers.listVerifications = ({ page = 0, pageSize = 20 }) => ({
    ok: true,
    items: all.slice(page * pageSize, page * pageSize + pageSize),
    page,
    pageSize,
    hasMore: all.length > (page + 1) * pageSize,
  });
}

let pageId: string;
beforeAll(() => {
  pageId = load('pages/records/records');
});
beforeEach(() => {
  resetHarness();
  forgetDeploymentFacts();
  cloudHandlers.whoami = () => ({
    ok: true,
    openid: 'o-test-user',
    uploadDir: 'faceid/o-test-user/',
    retentionDays: 30,
    provider: 'fidlite',
    processor: 'megvii',
    keepsImages: false,
  });
});

async function open(): Promise<Mounted> {
  const page = mount(pageId);
  page.instance.onLoad({});
  await until(() => !page.data.loading, 2000, 'records');
  return page;
}

const listCalls = () => recorded.cloud.filter((c) => c.name === 'listVerifications').map((c) => c.data);

describe('records page', () => {
  test('shows a loading state, then the own records newest first: state in words, reason, time, mode, masked identity', async () => {
    const held = deferred<unknown>();
    cloudHandlers.listVerifications = () => held.promise;
    const page = mount(pageId);
    page.instance.onLoad({});
    await flush();
    expect(text(page, '#loading')).toBe('正在加载认证记录…');

    held.resolve({
      ok: true,
      items: [
        item(1, { mode: 'idcard' }),
        item(2, {
          mode: 'ocr',
          outcome: 'not_same_person',
          resultMessage: 'PASS_LIVING_NOT_THE_SAME',
          maskedName: '李*',
          maskedIdNumber: '3301**********1234',
        }),
        item(3, {
          mode: 'reference',
          status: 'issued',
          outcome: undefined,
          resultMessage: undefined,
          expiresAt: NOW + 57 * MINUTE,
        }),
        item(120, {
          status: 'issued',
          outcome: undefined,
          resultMessage: undefined,
          expiresAt: NOW - 60 * MINUTE,
        }),
        item(130, {
          status: 'failed',
          outcome: undefined,
          resultMessage: undefined,
          errorCode: 'RATE_LIMITED',
        }),
        item(140, {
          status: 'requesting',
          bizToken: undefined,
          outcome: undefined,
          resultMessage: undefined,
        }),
        item(150, { status: 'cancelled', outcome: 'cancelled', resultMessage: undefined }),
        item(160, { status: 'expired', outcome: 'expired', resultMessage: undefined }),
        item(170, { status: 'failed', outcome: undefined, resultMessage: undefined }),
        item(180, {
          status: 'unconfirmed',
          bizToken: undefined,
          outcome: undefined,
          resultMessage: undefined,
          errorCode: 'UPSTREAM_TIMEOUT',
        }),
      ],
      page: 0,
      pageSize: PAGE_SIZE,
      hasMore: false,
    });
    await until(() => !page.data.loading, 2000, 'records');
    expect(listCalls()).toEqual([{ page: 0, pageSize: PAGE_SIZE }]);

    const first = text(page, '#record-0');
    expect(first).toContain(formatTime(NOW - MINUTE));
    expect(first).toContain('认证方式：填写身份证信息');
    expect(text(page, '#state-0')).toBe('认证通过');
    expect(page.querySelector('#reason-0')).toBeUndefined();
    expect(first).toContain('姓名：张*');
    expect(first).toContain('身份证号：1101**********002X');
    expect(text(page, '#record-1')).toContain('认证方式：拍摄身份证');
    expect(text(page, '#state-1')).toBe('人脸比对未通过');
    expect(text(page, '#reason-1')).toBe(
      '您的人脸与身份证登记的照片不一致。请由证件本人在光线充足处正对镜头再试。',
    );
    expect(text(page, '#record-2')).toContain('认证方式：参考照片');
    expect(text(page, '#state-2')).toBe('进行中');
    expect(text(page, '#state-3')).toBe('已过期');
    expect(text(page, '#reason-3')).toBe(`${formatTime(NOW - 60 * MINUTE)} 前没有完成，已失效。`);
    expect(text(page, '#state-4')).toBe('未能开始');
    expect(text(page, '#reason-4')).toBe('发起次数过多，请稍后再试');
    expect(text(page, '#state-5')).toBe('正在准备');
    expect(text(page, '#state-6')).toBe('已退出');
    expect(text(page, '#reason-6')).toBe('您中途退出了验证，信息没有被核验。');
    expect(text(page, '#state-7')).toBe('已过期');
    expect(text(page, '#state-8')).toBe('未能开始');
    expect(text(page, '#reason-8')).toBe('准备认证时出错，没有进行验证。可以重新开始。');
    // A token answer that was lost: the person is told so, not that the service was slow.
    expect(text(page, '#state-9')).toBe('未能确认');
    expect(text(page, '#reason-9')).toBe('上次认证未能确认，请重新开始。');
    expect(text(page, '#end')).toBe('没有更多记录了');
    expect(page.querySelector('#more')).toBeUndefined();
    expect(text(page, '#intro')).toContain('记录保存 30 天');
  });

  test('delete is a secondary action: a quiet text button, not a full-width button like the main actions', async () => {
    serve([item(1)]);
    const page = await open();
    const classes = String(
      page
        .querySelector('#delete-0')
        ?.toJSON()
        .attrs.find((a) => a.name === 'class')?.value,
    );
    expect(classes).toBe('record-delete');
    expect(text(page, '#delete-0')).toBe('删除');
    expect(text(page, '#view-0')).toBe('查看结果 ›');
  });

  test('in English every row reads from the English table', async () => {
    wechat.language = 'en';
    serve([
      item(1),
      item(2, { status: 'failed', outcome: undefined, resultMessage: undefined, errorCode: 'NETWORK_ERROR' }),
    ]);
    const page = await open();
    expect(recorded.titles).toEqual(['My checks']);
    expect(text(page, '#state-0')).toBe('Check passed');
    expect(text(page, '#record-0')).toContain('Method: ID card details');
    expect(text(page, '#state-1')).toBe('Did not start');
    expect(text(page, '#reason-1')).toBe('No connection. Check your network and try again.');
    expect(text(page, '#delete-0')).toBe('Delete');
    expect(text(page, '#view-0')).toBe('View result ›');
  });

  test('no records: an empty state with a way to start', async () => {
    serve([]);
    const page = await open();
    expect(text(page, '#empty')).toContain('还没有认证记录');
    expect(text(page, '#start')).toBe('去认证');
    tap(page, '#start');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'navigateBack' }]);
  });

  test('a failed load shows the message and a retry that asks again', async () => {
    cloudHandlers.listVerifications = () => ({
      ok: false,
      error: { code: 'UPSTREAM_TIMEOUT', message: '认证服务响应超时，请稍后重试', retryable: true },
    });
    const page = await open();
    expect(text(page, '#error-message')).toBe('认证服务响应太慢，请稍后重试');
    serve([item(1)]);
    tap(page, '#retry');
    await until(() => page.data.rows.length === 1, 2000, 'records after retry');
    expect(page.querySelector('#error')).toBeUndefined();
    expect(listCalls()).toHaveLength(2);
  });

  test('加载更多 appends the next page until there is no more; its failure keeps the list', async () => {
    const all = Array.from({ length: 23 }, (_, i) => item(i + 1));
    serve(all);
    const page = await open();
    expect(page.querySelectorAll('.record')).toHaveLength(10);

    const held = deferred<unknown>();
    cloudHandlers.listVerifications = () => held.promise;
    tap(page, '#more');
    await flush();
    expect(enabled(page, '#more')).toBe(false);
    expect(text(page, '#more')).toContain('正在加载');
    held.resolve({
      ok: false,
      error: { code: 'NETWORK_ERROR', message: '无法连接认证服务，请稍后重试', retryable: true },
    });
    await until(() => !page.data.loadingMore, 2000, 'more failed');
    expect(text(page, '#more-error')).toBe('网络连接失败，请检查网络后重试');
    expect(page.querySelectorAll('.record')).toHaveLength(10);

    serve(all);
    tap(page, '#more');
    await until(() => page.data.rows.length === 20, 2000, 'page 2');
    tap(page, '#more');
    await until(() => page.data.rows.length === 23, 2000, 'page 3');
    expect(page.data.rows.map((r: { bizNo: string }) => r.bizNo)).toEqual(all.map((i) => i.bizNo));
    expect(listCalls().map((c) => c.page)).toEqual([0, 1, 1, 2]);
    expect(page.querySelector('#more')).toBeUndefined();
    expect(text(page, '#end')).toBe('没有更多记录了');
  });

  test('after a delete, 加载更多 neither skips nor repeats a record', async () => {
    const all = Array.from({ length: 15 }, (_, i) => item(i + 1));
    serve(all);
    cloudHandlers.deleteVerification = ({ bizNo }) => {
      all.splice(
        all.findIndex((i) => i.bizNo === bizNo),
        1,
      );
      return { ok: true, deleted: true };
    };
    const page = await open();
    modalAnswers.push(true);
    tap(page, '#delete-2');
    await until(() => page.data.rows.length === 9, 2000, 'deleted');
    tap(page, '#more');
    await until(() => !page.data.hasMore && !page.data.loadingMore, 2000, 'rest');
    expect(page.data.rows.map((r: { bizNo: string }) => r.bizNo)).toEqual(all.map((i) => i.bizNo));
    expect(page.data.rows).toHaveLength(14);
  });

  test('a finished record opens its result page (with its mode); records without a result do not open', async () => {
    serve([
      item(1),
      item(2, { status: 'issued', outcome: undefined, resultMessage: undefined }),
      item(3, { status: 'failed', outcome: undefined, resultMessage: undefined }),
      item(4, { status: 'requesting', bizToken: undefined, outcome: undefined, resultMessage: undefined }),
    ]);
    const page = await open();
    for (const i of [0, 1, 2, 3]) tap(page, `#open-${i}`);
    await flush();
    expect(recorded.navigation).toEqual([
      {
        kind: 'navigateTo',
        url: `/pages/result/result?bizToken=${encodeURIComponent(item(1).bizToken!)}&from=records&mode=idcard`,
      },
    ]);
    expect(text(page, '#record-0')).toContain('查看结果');
    expect(text(page, '#record-1')).not.toContain('查看结果');
    expect(text(page, '#record-2')).not.toContain('查看结果');
  });

  test('delete asks first; cancel keeps the row and calls nothing', async () => {
    serve([item(1), item(2)]);
    cloudHandlers.deleteVerification = () => ({ ok: true, deleted: true });
    const page = await open();
    modalAnswers.push(false);
    tap(page, '#delete-1');
    await flush(5);
    expect(recorded.modals).toHaveLength(1);
    expect(recorded.modals[0]).toEqual({
      title: '删除这条记录？',
      content: `删除 ${formatTime(item(2).createdAt)} 的认证记录后无法恢复。`,
      confirmText: '删除',
    });
    expect(recorded.cloud.filter((c) => c.name === 'deleteVerification')).toHaveLength(0);
    expect(page.data.rows).toHaveLength(2);
  });

  test('confirmed delete calls deleteVerification with the bizNo and removes the row', async () => {
    serve([item(1), item(2), item(3)]);
    const held = deferred<unknown>();
    cloudHandlers.deleteVerification = () => held.promise;
    const page = await open();
    modalAnswers.push(true);
    tap(page, '#delete-1');
    await until(() => page.data.rows[1].deleting, 2000, 'deleting');
    expect(enabled(page, '#delete-1')).toBe(false);
    expect(text(page, '#delete-1')).toContain('正在删除');
    held.resolve({ ok: true, deleted: true });
    await until(() => page.data.rows.length === 2, 2000, 'removed');
    expect(recorded.cloud.filter((c) => c.name === 'deleteVerification')).toEqual([
      { name: 'deleteVerification', data: { bizNo: 'biz-2' } },
    ]);
    expect(page.data.rows.map((r: { bizNo: string }) => r.bizNo)).toEqual(['biz-1', 'biz-3']);
  });

  test('a failed delete shows the message on the row and keeps it', async () => {
    serve([item(1), item(2)]);
    cloudHandlers.deleteVerification = () => ({
      ok: false,
      error: { code: 'NETWORK_ERROR', message: '无法连接认证服务，请稍后重试', retryable: true },
    });
    const page = await open();
    modalAnswers.push(true);
    tap(page, '#delete-0');
    await until(() => text(page, '#delete-error-0'), 2000, 'delete error');
    expect(text(page, '#delete-error-0')).toBe('删除失败：网络连接失败，请检查网络后重试');
    expect(page.data.rows).toHaveLength(2);
    expect(enabled(page, '#delete-0')).toBe(true);
    expect(text(page, '#record-0')).toContain('认证通过');
  });

  test('buttons are labelled for screen readers', async () => {
    serve([item(1)]);
    const page = await open();
    for (const node of page.querySelectorAll('button')) {
      expect(node.toJSON().attrs.find((a) => a.name === 'aria-label')?.value).toBeTruthy();
    }
  });

  test('rows: cancelled outcomes are neutral, not-same-person a warning, a record without bizToken never opens', () => {
    expect(presentRecord(item(1, { outcome: 'cancelled', resultMessage: 'USER_CANCEL' }), NOW, zh).tone).toBe(
      'info',
    );
    expect(
      presentRecord(
        item(1, { outcome: 'not_same_person', resultMessage: 'PASS_LIVING_NOT_THE_SAME' }),
        NOW,
        zh,
      ).tone,
    ).toBe('warn');
    expect(presentRecord(item(1, { bizToken: undefined }), NOW, zh).canOpen).toBe(false);
    expect(
      presentRecord(item(1, { status: 'issued', expiresAt: NOW + 3600_000 }), NOW + 2 * 3600_000, zh).state,
    ).toBe('已过期');
  });
  test('a finished row says what its result page says: the same title and sentence, in every mode and locale', () => {
    const modes = ['idcard', 'ocr', 'reference', 'liveness'] as const;
    for (const locale of LOCALES)
      for (const row of [...RESULT_CODES, ...WECHAT_RESULTS])
        for (const mode of modes) {
          const t = copyFor(locale);
          const shown = presentRecord(
            item(1, { mode, outcome: row.outcome, resultCode: row.code, resultMessage: row.message }),
            NOW,
            t,
          );
          const result = presentResult(
            {
              ok: true,
              bizToken: 't',
              bizNo: 'biz-1',
              outcome: row.outcome,
              resultCode: row.code,
              resultMessage: row.message,
              retryable: row.retryable,
              finished: true,
            },
            t,
            { mode, canRestartDirectly: false, fromRecords: true, fromH5: false },
          );
          expect([locale, row.message, mode, shown.state]).toEqual([locale, row.message, mode, result.title]);
          if (row.outcome !== 'passed') expect(shown.reason).toBe(result.detail);
        }
    // Name and ID-number mode takes no ID-card photo: the row reads the result page's own words for it.
    expect(
      presentRecord(
        item(1, { outcome: 'idcard_error', resultCode: 3100, resultMessage: 'IDCARD_PHOTO_FRONTSIDE' }),
        NOW,
        zh,
      ).state,
    ).toBe('证件照无法用于比对');
  });
});

describe('records page: a flow left half-way', () => {
  /** A flow the person left: the server's token is `expiresIn` ms from now, whenever it was created. */
  const left = (n: number, expiresIn: number, extra: Partial<VerificationSummaryItem> = {}) =>
    item(n, {
      status: 'issued',
      outcome: undefined,
      resultMessage: undefined,
      leftAt: NOW - n * MINUTE + 20_000,
      expiresAt: NOW + expiresIn,
      resumeToken: `1700000000,${String(n).padStart(32, '0')}`,
      ...extra,
    });

  beforeEach(() => clearFlow());

  test.each([
    ['zh_CN', '未完成', '您中途离开了验证，{time} 前可以继续。', '继续 ›', '已过期', '重新开始 ›'],
    [
      'en',
      'Not finished',
      'You left the check. You can continue it until {time}.',
      'Continue ›',
      'Expired',
      'Start again ›',
    ],
  ])(
    '%s: 未完成 with 继续 while the server’s token lives, 重新开始 once it died',
    async (language, state, reason, resume, expired, restart) => {
      wechat.language = language;
      // Created 2 hours ago, its token still lives (the server's expiresAt decides, not createdAt + 1 h) …
      // … and one created a minute ago whose token died already.
      serve([
        left(120, 30 * MINUTE),
        left(1, -1000),
        item(3, { status: 'expired', outcome: 'expired' }),
        item(4),
      ]);
      const page = await open();
      expect(text(page, '#state-0')).toBe(state);
      expect(text(page, '#reason-0')).toBe(reason.replace('{time}', formatTime(NOW + 30 * MINUTE)));
      expect(text(page, '#resume-0')).toBe(resume);
      expect(page.querySelector('#restart-0')).toBeUndefined();
      expect(text(page, '#state-1')).toBe(expired);
      expect(page.querySelector('#resume-1')).toBeUndefined();
      expect(text(page, '#restart-1')).toBe(restart);
      expect(text(page, '#restart-2')).toBe(restart);
      // A finished verification opens its result; it is not started again from here.
      expect(page.querySelector('#restart-3')).toBeUndefined();
      expect(page.querySelector('#resume-3')).toBeUndefined();
    },
  );

  test.each([
    ['zh_CN', '{time} 前没有完成，已失效。', '您中途离开了验证，{time} 前可以继续。'],
    ['en', 'Not finished by {time}; it expired.', 'You left the check. You can continue it until {time}.'],
  ])(
    '%s: a 5-minute token is dead 10 minutes on, a 24-hour one lives 3 hours on (megvii-raw life_time 5–1440)',
    async (language, expiredReason, issuedReason) => {
      wechat.language = language;
      const fiveMinutes = left(10, -5 * MINUTE, { provider: 'megvii-raw', mode: 'reference' });
      const fullDay = left(180, 21 * 60 * MINUTE, { provider: 'megvii-raw', mode: 'reference' });
      const ended = item(30, { status: 'expired', outcome: 'expired', expiresAt: NOW - 25 * MINUTE });
      serve([fiveMinutes, fullDay, ended]);
      const page = await open();
      expect(text(page, '#reason-0')).toBe(expiredReason.replace('{time}', formatTime(NOW - 5 * MINUTE)));
      expect(page.querySelector('#resume-0')).toBeUndefined();
      expect(page.querySelector('#restart-0')).toBeDefined();
      expect(text(page, '#reason-1')).toBe(
        issuedReason.replace('{time}', formatTime(NOW + 21 * 60 * MINUTE)),
      );
      expect(page.querySelector('#resume-1')).toBeDefined();
      expect(page.querySelector('#restart-1')).toBeUndefined();
      expect(text(page, '#reason-2')).toBe(expiredReason.replace('{time}', formatTime(NOW - 25 * MINUTE)));
      tap(page, '#resume-1');
      await flush();
      expect(currentFlow()).toMatchObject({ token: fullDay.resumeToken, expiresAt: fullDay.expiresAt });
    },
  );

  test('继续 opens the verify page with the same token; nothing is bought', async () => {
    serve([left(5, 30 * MINUTE, { mode: 'ocr' })]);
    const page = await open();
    tap(page, '#resume-0');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'navigateTo', url: '/pages/verify/verify' }]);
    expect(currentFlow()).toMatchObject({
      bizToken: item(5).bizToken,
      token: `1700000000,${'5'.padStart(32, '0')}`,
      mode: 'ocr',
    });
    expect(recorded.cloud.map((c) => c.name)).not.toContain('getBizToken');
  });

  test('重新开始 starts a new verification in the same mode from the entry page (a new bizNo)', async () => {
    serve([item(6, { mode: 'ocr', status: 'expired', outcome: 'expired', leftAt: NOW - 3 * MINUTE })]);
    const page = await open();
    tap(page, '#restart-0');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'reLaunch', url: '/pages/index/index?mode=ocr' }]);
    expect(currentFlow()).toBeUndefined();
  });

  test('继续 on a token that died since the list was read reads the list again and offers 重新开始', async () => {
    const all = [left(7, 30 * MINUTE)];
    serve(all);
    const page = await open();
    all[0] = item(7, { status: 'expired', outcome: 'expired' });
    const realNow = Date.now;
    Date.now = () => NOW + 31 * MINUTE;
    try {
      tap(page, '#resume-0');
      await until(() => listCalls().length === 2 && !page.data.loading, 2000, 'reload');
    } finally {
      Date.now = realNow;
    }
    expect(recorded.navigation).toEqual([]);
    expect(currentFlow()).toBeUndefined();
    expect(text(page, '#restart-0')).toBe('重新开始 ›');
  });
});
