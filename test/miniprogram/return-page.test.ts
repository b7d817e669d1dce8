/** @jest-environment jsdom */
import * as fs from 'fs';
import * as path from 'path';

const HTML = fs.readFileSync(path.resolve(__dirname, '../../web/faceid-return.html'), 'utf8');
const INLINE = [...HTML.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);

interface MiniProgramStub {
  redirects: string[];
  inMiniProgram: boolean;
  redirectFails?: boolean;
}

/** Runs the page's own script at `url` with a stub of the JS-SDK's wx.miniProgram (the SDK is never fetched). */
function openReturnPage(url: string, stub?: MiniProgramStub): { message: string; reference: string } {
  document.documentElement.innerHTML = HTML.replace(/<script[\s\S]*?<\/script>/g, '');
  window.history.replaceState(null, '', url);
  const g = window as unknown as { wx?: unknown };
  g.wx = stub && {
    miniProgram: {
      getEnv: (cb: (env: { miniprogram: boolean }) => void) => cb({ miniprogram: stub.inMiniProgram }),
      redirectTo: (o: { url: string; fail?: () => void }) => {
        stub.redirects.push(o.url);
        if (stub.redirectFails) o.fail?.();
      },
    },
  };
  // The page's own inline scripts, run as the browser runs them.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the code is web/faceid-return.html's own
  for (const code of INLINE) new Function(code)();
  const reference = document.getElementById('reference')!;
  return {
    message: document.getElementById('message')!.textContent ?? '',
    reference: reference.hidden ? '' : (reference.textContent ?? ''),
  };
}

const TOKEN = '1700000000,0123456789abcdef0123456789abcdef';

describe('web/faceid-return.html', () => {
  test('loads the JS-SDK from res.wx.qq.com with a script tag and has no other external resource', () => {
    expect(HTML).toMatch(
      /<script src="https:\/\/res\.wx\.qq\.com\/open\/js\/jweixin-1\.\d+\.\d+\.js"><\/script>/,
    );
    const external = [...HTML.matchAll(/(?:src|href)="(https?:[^"]+)"/g)].map((m) => new URL(m[1]).host);
    expect(external).toEqual(['res.wx.qq.com']);
  });

  test('in the mini-program: biz_token from the query → redirectTo the result page with that bizToken', () => {
    const stub: MiniProgramStub = { redirects: [], inMiniProgram: true };
    openReturnPage(`/faceid-return.html?biz_token=${encodeURIComponent(TOKEN)}&biz_no=biz-1`, stub);
    expect(stub.redirects).toEqual([
      `/pages/result/result?bizToken=${encodeURIComponent(TOKEN)}&bizNo=biz-1`,
    ]);
  });

  test('GET return (action_http_method GET): `data` JSON with biz_info → the result page by bizNo; biz_id shown as reference', () => {
    const stub: MiniProgramStub = { redirects: [], inMiniProgram: true };
    const data = JSON.stringify({
      status: 'OK',
      biz_info: { biz_id: '1462259748,52b13fb5', biz_no: 'biz-42', biz_extra_data: '' },
    });
    const page = openReturnPage(`/faceid-return.html?data=${encodeURIComponent(data)}&sign=0123abcd`, stub);
    expect(stub.redirects).toEqual(['/pages/result/result?bizNo=biz-42']);
    expect(page.reference).toBe('业务编号：biz-42');
  });

  test('fields in the hash are read too', () => {
    const stub: MiniProgramStub = { redirects: [], inMiniProgram: true };
    openReturnPage(`/faceid-return.html#biz_token=${encodeURIComponent(TOKEN)}`, stub);
    expect(stub.redirects).toEqual([`/pages/result/result?bizToken=${encodeURIComponent(TOKEN)}`]);
  });

  test('in the mini-program without any field (a POST return): the result of the last H5 flow', () => {
    const stub: MiniProgramStub = { redirects: [], inMiniProgram: true };
    openReturnPage('/faceid-return.html', stub);
    expect(stub.redirects).toEqual(['/pages/result/result?from=h5']);
  });

  test('a failed redirect says how to get back', () => {
    const stub: MiniProgramStub = { redirects: [], inMiniProgram: true, redirectFails: true };
    const page = openReturnPage(`/faceid-return.html?biz_token=${encodeURIComponent(TOKEN)}`, stub);
    expect(page.message).toContain('我的认证记录');
  });

  test('outside the mini-program (plain browser, or the JS-SDK missing): a plain Chinese message, no redirect', () => {
    const stub: MiniProgramStub = { redirects: [], inMiniProgram: false };
    const inBrowser = openReturnPage(`/faceid-return.html?biz_token=${encodeURIComponent(TOKEN)}`, stub);
    expect(stub.redirects).toEqual([]);
    expect(inBrowser.message).toContain('请回到微信小程序');
    const noSdk = openReturnPage(`/faceid-return.html?biz_token=${encodeURIComponent(TOKEN)}`);
    expect(noSdk.message).toContain('请回到微信小程序');
  });
});
