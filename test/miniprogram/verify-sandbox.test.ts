/** @jest-environment jsdom */
import {
  change,
  enabled,
  httpRequest,
  load,
  mount,
  recorded,
  cloudHandlers,
  tap,
  until,
  type Mounted,
} from './harness';
import { issueToken, useSandbox } from './sandbox-client';
import type { GetBizTokenEvent } from '../../miniprogram/shared/events';
import { clearFlow, currentFlow, startFlow } from '../../miniprogram/services/flow';

const INPUT: GetBizTokenEvent = {
  mode: 'idcard',
  idcardName: '张三',
  idcardNumber: '11010519491231002X',
  consentVersion: '2026-11-01',
};

let pageId: string;
const sandbox = useSandbox(() => {
  pageId = load('pages/verify/verify');
});

const issued: string[] = [];
beforeEach(() => {
  clearFlow();
  issued.length = 0;
  cloudHandlers.getBizToken = async () => {
    const token = await issueToken(sandbox().url, 'idcard');
    issued.push(token);
    return {
      ok: true,
      bizToken: token,
      bizNo: `biz-${issued.length}`,
      expiresAt: Date.now() + 3600_000,
      provider: 'fidlite',
      client: { kind: 'component', token },
    };
  };
});

async function startVerification(page: Mounted): Promise<void> {
  await until(() => page.querySelector('#faceid >>> #agree'), 2000, 'stand-in');
  change(page, '#faceid >>> #agree', ['agree']);
  await until(() => enabled(page, '#faceid >>> #start'), 1000, 'start enabled');
  tap(page, '#faceid >>> #start');
}

function open(token: string): Mounted {
  startFlow(INPUT, token);
  const page = mount(pageId);
  page.instance.onLoad({});
  return page;
}

const configCalls = () =>
  recorded.requests
    .filter((r) => new URL(r.url).pathname === '/lite/v1/get_config')
    .map((r) => r.fields.biz_token as string);

describe('verify page with the FaceID stand-in against the sandbox', () => {
  test('a used token: the component reports tokenError, the page gets a fresh token and mounts it', async () => {
    const used = await issueToken(sandbox().url, 'idcard');
    const first = await httpRequest(
      'GET',
      `${sandbox().url}/lite/v1/get_config?biz_token=${encodeURIComponent(used)}`,
    );
    expect(first.status).toBe(200);

    const page = open(used);
    await startVerification(page);
    await until(() => issued.length === 1 && page.data.token === issued[0], 3000, 'fresh token mounted');
    expect(recorded.cloud).toEqual([{ name: 'getBizToken', data: { ...INPUT, locale: 'zh' } }]);
    expect(currentFlow()?.bizToken).toBe(issued[0]);

    await startVerification(page);
    await until(() => page.querySelector('#faceid >>> #step-video'), 3000, 'video step with the fresh token');
    expect(page.data).toMatchObject({ phase: 'verifying', refreshes: 1 });
    expect(configCalls()).toEqual([used, issued[0]]);
    expect(recorded.navigation).toEqual([]);
  });

  test('an expired token (sandbox clock + 1 h): tokenError, refreshed the same way', async () => {
    const expired = await issueToken(sandbox().url, 'idcard');
    sandbox().clock.advance(3600_000 + 1000);
    const page = open(expired);
    await startVerification(page);
    await until(() => issued.length === 1 && page.data.token === issued[0], 3000, 'fresh token mounted');
    expect(page.data.refreshes).toBe(1);
    expect(recorded.cloud).toHaveLength(1);
    expect(recorded.navigation).toEqual([]);
  });
});

describe('verify page with the stand-in: a flow the person left finishes late', () => {
  test("its completion arrives through the new page's component with the old token and is ignored", async () => {
    const oldToken = await issueToken(sandbox().url, 'idcard');
    const left = open(oldToken);
    await startVerification(left);
    await until(() => left.querySelector('#faceid >>> #step-video'), 3000, 'video step');
    const oldComponent = left.querySelector('#faceid')!;

    const newToken = await issueToken(sandbox().url, 'idcard');
    const page = open(newToken);
    await until(() => page.querySelector('#faceid >>> #agree'), 2000, 'new stand-in');

    // The upload of the flow left behind answers now: the stand-in's one handler is the new component's.
    oldComponent.instance.finish('complete');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(recorded.navigation).toEqual([]);
    expect(page.data).toMatchObject({ phase: 'verifying', token: newToken });

    page.querySelector('#faceid')!.instance.finish('complete');
    await until(() => recorded.navigation.length > 0, 2000, 'redirect');
    expect(recorded.navigation).toEqual([
      { kind: 'redirectTo', url: `/pages/result/result?bizToken=${encodeURIComponent(newToken)}` },
    ]);
  });
});
