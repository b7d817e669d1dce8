/** @jest-environment jsdom */
import { flush, load, mount, recorded, resetHarness, tap, text, type Mounted } from './harness';
import type { GetBizTokenEvent } from '../../miniprogram/shared/events';
import { clearFlow, currentFlow, startIssuedFlow } from '../../miniprogram/services/flow';

const INPUT: GetBizTokenEvent = {
  mode: 'idcard',
  idcardName: '张三',
  idcardNumber: '11010519491231002X',
  consentVersion: '2026-11-01',
};
const H5_URL = 'https://api.megvii.com/faceid/lite/do?token=34fb21937e47ae719f11cbc719615687';

let pageId: string;
beforeAll(() => {
  pageId = load('pages/webview/webview');
});
beforeEach(() => {
  resetHarness();
  clearFlow();
});

function startH5(): void {
  const started = startIssuedFlow(INPUT, {
    ok: true,
    bizToken: '34fb21937e47ae719f11cbc719615687',
    bizNo: 'biz-h5',
    expiresAt: Date.now() + 3600_000,
    provider: 'megvii-lite',
    client: { kind: 'h5', url: H5_URL },
  });
  expect(started).toEqual({ ok: true, page: '/pages/webview/webview' });
}

function open(): Mounted {
  const page = mount(pageId);
  page.instance.onLoad({});
  return page;
}

const webViewSrc = (page: Mounted) =>
  page
    .querySelector('#webview')
    ?.toJSON()
    .attrs.find((a) => a.name === 'src')?.value;

describe('web-view page (FaceID H5 products)', () => {
  test('opens the FaceID H5 URL of the flow in a web-view', async () => {
    startH5();
    const page = open();
    await flush();
    expect(page.data.url).toBe(H5_URL);
    expect(webViewSrc(page)).toBe(H5_URL);
    expect(page.querySelector('#failed')).toBeUndefined();
  });

  test('without a flow in memory: no web-view, a message and a way back', async () => {
    const page = open();
    await flush();
    expect(page.querySelector('#webview')).toBeUndefined();
    expect(text(page, '#failed-message')).toContain('没有进行中的认证');
    tap(page, '#back');
    await flush();
    expect(recorded.navigation).toEqual([{ kind: 'navigateBack' }]);
  });

  test('a page that cannot load (e.g. a host missing from the business domains) is replaced by a message', async () => {
    startH5();
    const page = open();
    await flush();
    page.querySelector('#webview')!.dispatchEvent('error', { detail: { src: H5_URL } });
    await flush();
    expect(page.querySelector('#webview')).toBeUndefined();
    expect(text(page, '#failed-message')).toContain('认证页面打不开');
  });

  test('leaving the page forgets the flow and its personal data', async () => {
    startH5();
    const page = open();
    await flush();
    page.instance.onUnload();
    expect(currentFlow()).toBeUndefined();
  });
});
