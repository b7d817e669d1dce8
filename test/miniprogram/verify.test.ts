/** @jest-environment jsdom */
import * as path from 'path';
import type { OtherFaceidInstance } from './fixtures/other-faceid';
import {
  cloudHandlers,
  deferred,
  flush,
  load,
  modalAnswers,
  MP_ROOT,
  mount,
  pressBack,
  recorded,
  resetHarness,
  spyStorageWrites,
  storage,
  tap,
  text,
  unloadAlert,
  until,
  wechat,
  type Mounted,
} from './harness';
import type { GetBizTokenEvent } from '../../miniprogram/shared/events';
import { clearFlow, currentFlow, resumeFlow, startFlow } from '../../miniprogram/services/flow';

const FIXTURE = path.join(__dirname, 'fixtures/other-faceid/index');
const VERIFY_DIR = path.join(MP_ROOT, 'pages/verify');

const INPUT: GetBizTokenEvent = {
  mode: 'idcard',
  idcardName: '张三',
  idcardNumber: '11010519491231002X',
  consentVersion: '2026-11-01',
};

const registry = (): OtherFaceidInstance[] =>
  ((globalThis as Record<string, unknown>).__otherFaceid ??= []) as OtherFaceidInstance[];
const live = () => registry().filter((i) => i.attached);

let tokenCounter = 0;
const nextToken = () => `1700000000,${String(++tokenCounter).padStart(32, '0')}`;
const tokenOk = (token: string) => ({
  ok: true,
  bizToken: token,
  bizNo: `biz-${token}`,
  expiresAt: Date.now() + 3600_000,
  provider: 'fidlite',
  client: { kind: 'component', token },
});

let pageId: string;
beforeAll(() => {
  pageId = load('pages/verify/verify', { 'faceid-verify': path.relative(VERIFY_DIR, FIXTURE) });
});

beforeEach(() => {
  resetHarness();
  registry().length = 0;
  clearFlow();
  cloudHandlers.getBizToken = () => tokenOk(nextToken());
});

function open(token = nextToken()): { page: Mounted; token: string } {
  startFlow(INPUT, token);
  const page = mount(pageId);
  page.instance.onLoad({});
  return { page, token };
}

function personalDataLeaked(): string[] {
  const leaks: string[] = [];
  for (const nav of recorded.navigation) {
    const url = decodeURIComponent(nav.url ?? '');
    if (url.includes(INPUT.idcardName!) || url.includes(INPUT.idcardNumber!)) leaks.push(url);
  }
  for (const [key, value] of storage) {
    if (JSON.stringify(value).includes(INPUT.idcardNumber!)) leaks.push(`storage ${key}`);
  }
  return leaks;
}

describe('verify page with another faceid-verify implementation', () => {
  test('mounts the component with the token and, on complete, redirects to the result page with the bizToken', async () => {
    const { token } = open();
    await flush();
    expect(live()).toHaveLength(1);
    expect(live()[0].token).toBe(token);

    live()[0].finish('complete');
    await until(() => recorded.navigation.length > 0, 1000, 'redirect');
    expect(recorded.navigation).toEqual([
      { kind: 'redirectTo', url: `/pages/result/result?bizToken=${encodeURIComponent(token)}` },
    ]);
    expect(recorded.cloud).toHaveLength(0);
    expect(personalDataLeaked()).toEqual([]);
  });

  test('a second onFinish after complete does nothing', async () => {
    open();
    await flush();
    const first = live()[0];
    first.finish('complete');
    first.finish('complete');
    first.finish('tokenError');
    await flush(5);
    expect(recorded.navigation).toHaveLength(1);
    expect(recorded.cloud).toHaveLength(0);
  });

  test('tokenError: a new token for the same input, the old component destroyed and a new one mounted', async () => {
    const { page, token } = open();
    await flush();
    const first = live()[0];
    const answer = deferred<unknown>();
    const fresh = nextToken();
    cloudHandlers.getBizToken = () => answer.promise;

    first.finish('tokenError');
    await until(() => page.data.phase === 'refreshing', 1000, 'refreshing');
    expect(first.attached).toBe(false);
    expect(live()).toHaveLength(0);
    expect(text(page, '#refreshing')).toContain('认证已过期，正在重新开始…');

    answer.resolve(tokenOk(fresh));
    await until(() => live().length === 1, 1000, 'new component');
    const second = live()[0];
    expect(second).not.toBe(first);
    expect(second.token).toBe(fresh);
    expect(recorded.cloud).toEqual([{ name: 'getBizToken', data: { ...INPUT, locale: 'zh' } }]);
    expect(currentFlow()?.bizToken).toBe(fresh);
    await until(() => page.querySelector('#restarted'), 1000, 'notice');
    expect(text(page, '#restarted')).toBe('已重新开始，请再勾选一次同意');
    // Above the component, not a toast over its start button.
    expect(recorded.toasts).toEqual([]);

    second.finish('complete');
    await until(() => recorded.navigation.length > 0, 1000, 'redirect');
    expect(recorded.navigation[0].url).toBe(`/pages/result/result?bizToken=${encodeURIComponent(fresh)}`);
    expect(recorded.navigation[0].url).not.toContain(encodeURIComponent(token));
    expect(personalDataLeaked()).toEqual([]);
  });

  test('after two refreshes that end in tokenError again: plain words, a way back and support, never a loop', async () => {
    const { page } = open();
    await flush();
    for (let i = 0; i < 2; i++) {
      live()[0].finish('tokenError');
      await until(
        () => live().length === 1 && page.data.phase === 'verifying' && page.data.refreshes === i + 1,
        1000,
        'remount',
      );
    }
    live()[0].finish('tokenError');
    await until(() => page.data.phase === 'failed', 1000, 'failed');
    await flush(20);

    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(2);
    expect(live()).toHaveLength(0);
    expect(text(page, '#failed-message')).toBe(
      '验证多次没能开始。请返回重新开始；如果仍然不行，请联系客服。',
    );
    expect(page.querySelector('#retry')).toBeUndefined();
    expect(page.querySelector('#contact')?.toJSON().attrs).toContainEqual({
      name: 'openType',
      value: 'contact',
    });
    tap(page, '#back');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'navigateBack' }]);
    expect(currentFlow()).toBeUndefined();
  });

  test('a failed refresh shows its message; retry is offered for retryable errors and counts as a refresh', async () => {
    const { page } = open();
    await flush();
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'UPSTREAM_TIMEOUT', message: '认证服务响应超时，请稍后重试', retryable: true },
    });
    live()[0].finish('tokenError');
    await until(() => page.data.phase === 'failed', 1000, 'failed');
    expect(text(page, '#failed-message')).toBe('认证服务响应太慢，请稍后重试');
    expect(page.querySelector('#retry')).toBeDefined();

    cloudHandlers.getBizToken = () => tokenOk(nextToken());
    tap(page, '#retry');
    await until(() => live().length === 1, 1000, 'remount');
    expect(page.data.refreshes).toBe(2);
    expect(recorded.cloud).toHaveLength(2);

    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'UPSTREAM_TIMEOUT', message: 'x', retryable: true },
    });
    live()[0].finish('tokenError');
    await until(() => page.data.phase === 'failed', 1000, 'failed');
    expect(page.querySelector('#retry')).toBeUndefined();
    expect(recorded.cloud).toHaveLength(2);
  });

  test('a non-retryable refresh failure offers only the way back', async () => {
    const { page } = open();
    await flush();
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: {
        code: 'AUTHORIZATION_ERROR',
        message: '认证服务暂不可用（服务授权失败），请联系客服',
        retryable: false,
      },
    });
    live()[0].finish('tokenError');
    await until(() => page.data.phase === 'failed', 1000, 'failed');
    expect(page.querySelector('#retry')).toBeUndefined();
    expect(page.querySelector('#back')).toBeDefined();
  });

  test('a refresh refused for its consent (CONSENT_REQUIRED): the flow is forgotten and the entry page asks for consent again', async () => {
    const { page } = open();
    await flush();
    cloudHandlers.getBizToken = () => ({
      ok: false,
      error: { code: 'CONSENT_REQUIRED', message: '请先阅读并同意最新的认证说明', retryable: false },
    });
    live()[0].finish('tokenError');
    await until(() => recorded.navigation.length > 0, 1000, 'navigation');
    expect(recorded.navigation).toEqual([{ kind: 'reLaunch', url: '/pages/index/index?consent=required' }]);
    expect(currentFlow()).toBeUndefined();
    expect(page.data.phase).toBe('refreshing');
  });

  test('opened without a flow in memory: no component, an error and a way back', async () => {
    const page = mount(pageId);
    page.instance.onLoad({});
    await flush();
    expect(live()).toHaveLength(0);
    expect(text(page, '#failed-message')).toContain('没有进行中的认证');
  });
});

describe('verify page: token lifecycle', () => {
  test('onFinish complete fired twice in a row: exactly one redirectTo, no getResult from this page', async () => {
    const { token } = open();
    await flush();
    const component = live()[0];
    component.finish('complete');
    component.finish('complete');
    await flush(10);
    expect(recorded.navigation).toEqual([
      { kind: 'redirectTo', url: `/pages/result/result?bizToken=${encodeURIComponent(token)}` },
    ]);
    expect(recorded.cloud.filter((c) => c.name === 'getResult')).toHaveLength(0);
  });

  test('back navigation while a refresh is in flight: no navigation or setData afterwards, personal data forgotten', async () => {
    const { page } = open();
    await flush();
    const answer = deferred<unknown>();
    cloudHandlers.getBizToken = () => answer.promise;
    live()[0].finish('tokenError');
    await until(() => page.data.phase === 'refreshing', 1000, 'refreshing');

    page.instance.onUnload();
    page.detach();
    expect(currentFlow()).toBeUndefined();

    const next = startFlow({ mode: 'ocr', consentVersion: '2026-11-01' }, nextToken());
    const setData = jest.spyOn(page.instance, 'setData');
    answer.resolve(tokenOk(nextToken()));
    await flush(20);
    expect(setData).not.toHaveBeenCalled();
    expect(recorded.navigation).toEqual([]);
    expect(live()).toHaveLength(0);
    expect(currentFlow()).toBe(next);
    expect(currentFlow()?.bizToken).toBe(next.bizToken);
    expect(recorded.cloud).toHaveLength(1);
  });

  test('an onFinish that arrives after the page was unloaded navigates nowhere', async () => {
    const { page } = open();
    await flush();
    const component = live()[0];
    page.instance.onUnload();
    component.finish('complete');
    component.finish('tokenError');
    await flush(10);
    expect(recorded.navigation).toEqual([]);
    // Only the leave itself reaches the server: no result read, no new token.
    expect(recorded.cloud.map((c) => c.name)).toEqual(['leaveVerification']);
  });

  test('leaving for the result page keeps the flow for it (the result page forgets it)', async () => {
    const { page } = open();
    await flush();
    live()[0].finish('complete');
    await until(() => recorded.navigation.length > 0, 1000, 'redirect');
    page.instance.onUnload();
    expect(currentFlow()?.input?.mode).toBe('idcard');
  });

  test('app hidden and shown mid-verification: same component and token, no new token, nothing written to storage', async () => {
    let appOptions: Record<string, unknown> = {};
    const g = globalThis as Record<string, unknown>;
    const realApp = g.App;
    g.App = (options: Record<string, unknown>) => (appOptions = options);
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../miniprogram/app');
    });
    g.App = realApp;
    const appHook = (name: string) => (appOptions[name] as (() => void) | undefined)?.call(appOptions);

    const { page, token } = open();
    await flush();
    const component = live()[0];
    const { writes, stop } = spyStorageWrites();
    try {
      appHook('onHide');
      page.instance.onHide?.();
      page.triggerPageLifeTime('hide');
      await flush(20);
      appHook('onShow');
      page.instance.onShow?.();
      page.triggerPageLifeTime('show');
      await flush(20);
    } finally {
      stop();
    }

    expect(live()).toEqual([component]);
    expect(component.attached).toBe(true);
    expect(component.token).toBe(token);
    expect(page.data.token).toBe(token);
    expect(page.data.phase).toBe('verifying');
    expect(recorded.cloud).toHaveLength(0);
    expect(JSON.stringify(writes)).not.toContain(INPUT.idcardNumber!);
    expect(JSON.stringify(writes)).not.toContain(INPUT.idcardName!);
    expect(personalDataLeaked()).toEqual([]);

    component.finish('complete');
    await until(() => recorded.navigation.length > 0, 1000, 'redirect');
    expect(recorded.navigation[0].url).toBe(`/pages/result/result?bizToken=${encodeURIComponent(token)}`);
  });

  test('a refreshed token from a product that is not the component: a plain message, no component', async () => {
    const { page } = open();
    await flush();
    cloudHandlers.getBizToken = () => ({ ...tokenOk(nextToken()), client: { kind: 'sdk', token: 'x' } });
    live()[0].finish('tokenError');
    await until(() => page.data.phase === 'failed', 1000, 'failed');
    expect(text(page, '#failed-message')).toBe('认证服务设置有变化，请返回重新开始。');
    expect(live()).toHaveLength(0);
  });
});

describe("verify page: the component's one completion handler for the whole app", () => {
  test("an onFinish carrying another token (a flow already left) is ignored; the mounted token's is not", async () => {
    const { page, token } = open();
    await flush();
    const component = live()[0];
    const old = nextToken();
    component.finishWith(old, 'complete');
    component.finishWith(old, 'tokenError');
    await flush(10);
    expect(recorded.navigation).toEqual([]);
    expect(recorded.cloud).toHaveLength(0);
    expect(page.data.phase).toBe('verifying');

    component.finish('complete');
    await until(() => recorded.navigation.length > 0, 1000, 'redirect');
    expect(recorded.navigation).toEqual([
      { kind: 'redirectTo', url: `/pages/result/result?bizToken=${encodeURIComponent(token)}` },
    ]);
  });

  test('after a refresh, a late tokenError of the replaced token does not refresh again', async () => {
    const { page, token } = open();
    await flush();
    live()[0].finish('tokenError');
    await until(() => live().length === 1 && page.data.phase === 'verifying', 1000, 'remount');
    const fresh = live()[0];
    fresh.finishWith(token, 'tokenError');
    fresh.finishWith(token, 'complete');
    await flush(10);
    expect(recorded.cloud.filter((c) => c.name === 'getBizToken')).toHaveLength(1);
    expect(recorded.navigation).toEqual([]);
    expect(page.data.refreshes).toBe(1);
  });
});

describe("verify page: the component's storage keys never outlive the page", () => {
  const KEYS = [
    'result',
    'name',
    'idcard_number',
    'valid_date',
    'issued_by',
    'image_ref_ocridcardback',
    'image_ref_ocridcardfront',
  ];

  test('leaving the verify page removes every key the component may have left, and nothing else', async () => {
    const { page } = open();
    await flush();
    for (const key of KEYS) storage.set(key, INPUT.idcardNumber);
    storage.set('host-setting', 'kept');
    page.instance.onUnload();
    for (const key of KEYS) expect(storage.has(key)).toBe(false);
    expect(storage.get('host-setting')).toBe('kept');
  });

  test('launching the app removes them too (an app killed mid-flow left them behind)', () => {
    for (const key of KEYS) storage.set(key, INPUT.idcardName);
    storage.set('host-setting', 'kept');
    let appOptions: Record<string, unknown> = {};
    const g = globalThis as Record<string, unknown>;
    const realApp = g.App;
    g.App = (options: Record<string, unknown>) => (appOptions = options);
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../miniprogram/app');
      });
    } finally {
      g.App = realApp;
    }
    (appOptions.onLaunch as () => void).call(appOptions);
    for (const key of KEYS) expect(storage.has(key)).toBe(false);
    expect(storage.get('host-setting')).toBe('kept');
  });
});

describe('verify page: leaving mid-flow', () => {
  const LEAVE_ZH = '现在返回，这次认证会记为“未完成”，有效期内可在“我的认证记录”中继续。确定返回吗？';
  const LEAVE_EN =
    'If you go back now, this check is kept as "Not finished" and you can continue it from "My checks" while it is valid. Go back?';

  beforeEach(() => {
    cloudHandlers.leaveVerification = (data) => ({
      ok: true,
      bizNo: 'b',
      status: 'issued',
      leftAt: 1,
      ...data,
    });
  });

  test.each([
    ['zh_CN', LEAVE_ZH],
    ['en', LEAVE_EN],
  ])(
    '%s: the back arrow asks first; staying keeps the component, leaving tells the server',
    async (language, message) => {
      wechat.language = language;
      const { page, token } = open();
      await flush();
      expect(unloadAlert.message).toBe(message);

      expect(await pressBack(page)).toBe(false);
      expect(recorded.modals).toEqual([{ content: message }]);
      expect(live()).toHaveLength(1);
      expect(recorded.cloud).toEqual([]);

      modalAnswers.push(true);
      expect(await pressBack(page)).toBe(true);
      await flush();
      expect(recorded.cloud).toEqual([{ name: 'leaveVerification', data: { bizToken: token } }]);
      expect(currentFlow()).toBeUndefined();
    },
  );

  test('a finished flow asks nothing and is not marked left: the result page reads it', async () => {
    const { page } = open();
    await flush();
    live()[0].finish('complete');
    await until(() => recorded.navigation.length > 0, 1000, 'redirect');
    expect(unloadAlert.message).toBeUndefined();
    page.instance.onUnload();
    await flush();
    expect(recorded.cloud.map((c) => c.name)).not.toContain('leaveVerification');
  });

  test('while a fresh token is fetched nothing asks, and the new component asks again', async () => {
    const { page } = open();
    await flush();
    const answer = deferred<unknown>();
    cloudHandlers.getBizToken = () => answer.promise;
    live()[0].finish('tokenError');
    await until(() => page.data.phase === 'refreshing', 1000, 'refreshing');
    expect(unloadAlert.message).toBeUndefined();
    answer.resolve(tokenOk(nextToken()));
    await until(() => page.data.phase === 'verifying', 1000, 'verifying');
    expect(unloadAlert.message).toBe(LEAVE_ZH);
  });

  test('a flow resumed from my verifications whose token fails asks to start again, buying nothing', async () => {
    const token = nextToken();
    resumeFlow({
      bizToken: token,
      token,
      bizNo: 'order-left',
      mode: 'idcard',
      expiresAt: Date.now() + 60_000,
    });
    const page = mount(pageId);
    page.instance.onLoad({});
    await flush();
    expect(live()[0].token).toBe(token);
    live()[0].finish('tokenError');
    await until(() => page.data.phase === 'failed', 1000, 'failed');
    expect(text(page, '#failed-message')).toBe('这次认证已不能继续，请返回重新开始。');
    expect(page.querySelector('#retry')).toBeUndefined();
    expect(recorded.cloud).toEqual([]);
  });
});

describe("verify page: a token's life is the server's expiresAt", () => {
  const MINUTE = 60_000;

  test('a resumed 24-hour token (megvii-raw life_time 1440) mounts hours after it was bought', async () => {
    const token = nextToken();
    resumeFlow({
      bizToken: token,
      token,
      bizNo: 'order-day',
      mode: 'reference',
      expiresAt: Date.now() + 20 * 60 * MINUTE,
    });
    const page = mount(pageId);
    page.instance.onLoad({});
    await until(() => live().length === 1, 1000, 'component');
    expect(live()[0].token).toBe(token);
    expect(page.data.phase).toBe('verifying');
  });

  test('a resumed 5-minute token that died before the component started: start again, nothing mounted or bought', async () => {
    const token = nextToken();
    resumeFlow({ bizToken: token, token, bizNo: 'order-5min', mode: 'reference', expiresAt: Date.now() - 1 });
    const page = mount(pageId);
    page.instance.onLoad({});
    await until(() => page.data.phase === 'failed', 1000, 'failed');
    expect(text(page, '#failed-message')).toBe('这次认证已不能继续，请返回重新开始。');
    expect(registry()).toHaveLength(0);
    expect(recorded.cloud).toEqual([]);
  });

  test('a fresh 5-minute token that died before the component started is replaced before anything is mounted', async () => {
    const dead = nextToken();
    startFlow(INPUT, dead, dead, { expiresAt: Date.now() - 1 });
    const page = mount(pageId);
    page.instance.onLoad({});
    await until(() => page.data.phase === 'verifying', 1000, 'verifying');
    expect(recorded.cloud).toEqual([{ name: 'getBizToken', data: { ...INPUT, locale: 'zh' } }]);
    expect(registry().map((i) => i.token)).toEqual([currentFlow()?.token]);
    expect(currentFlow()?.token).not.toBe(dead);
    expect(currentFlow()?.expiresAt).toBeGreaterThan(Date.now());
  });
});
