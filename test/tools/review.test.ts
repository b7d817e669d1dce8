import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPONENT_HOST, domainLists } from '../../pipeline/review/domains';
import { DECLARED_ITEMS, scanPackage, undeclared } from '../../pipeline/review/privacy';
import { privacyPolicyAddress, readPackage, reviewReport } from '../../pipeline/review/review';

const ROOT = join(__dirname, '..', '..');
let compiled: Map<string, string>;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-review-test-'));
  try {
    // In its own process, as `npm run build:mp` runs: miniprogram-ci leaves workers open.
    const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['pipeline/build-mp.ts', '--out', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.status).toBe(0);
    compiled = readPackage(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);

describe("the privacy guide's items, from the compiled package", () => {
  it('finds what the package calls: wx.chooseMedia, so the guide needs Album', () => {
    const found = scanPackage(compiled);
    expect(found.map((type) => type.key)).toContain('Album');
    expect(found.find((type) => type.key === 'Album')?.uses).toContain('wx.chooseMedia');
  });

  it('finds scope.camera and scope.record: the pages ask for them before the photo and the face video', () => {
    const found = scanPackage(compiled);
    expect(found.find((type) => type.key === 'Camera')?.uses).toContain('scope.camera');
    expect(found.find((type) => type.key === 'Record')?.uses).toContain('scope.record');
  });

  it('declares every privacy-scoped interface the package calls (WeChat refuses the rest with errno 112)', () => {
    expect(undeclared(scanPackage(compiled))).toEqual([]);
  });

  it('fails the moment the package calls an interface nobody declared', () => {
    const planted = new Map(compiled);
    planted.set('pages/index/index.js', `${compiled.get('pages/index/index.js') ?? ''};wx.getLocation({})`);
    planted.set('pages/records/records.wxml', '<camera device-position="front"></camera>');
    const withoutCamera = DECLARED_ITEMS.filter((item) => item.key !== 'Camera');
    const missing = undeclared(scanPackage(planted), withoutCamera);
    expect(missing.map((t) => t.key)).toEqual(['Location', 'Camera']);
    expect([missing[0].uses, missing[0].files]).toEqual([['wx.getLocation'], ['pages/index/index.js']]);
    expect(missing[1].uses).toContain('<camera');
    expect(missing[1].files).toContain('pages/records/records.wxml');
  });

  it('is what docs/wechat-review.md shows for the default configuration', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'wechat-review.md'), 'utf8');
    const generated = /<!-- npm run review: begin -->\n([\s\S]*?)<!-- npm run review: end -->/.exec(doc)?.[1];
    expect(generated?.trim()).toBe(
      reviewReport(scanPackage(compiled), domainLists({}, privacyPolicyAddress())).trim(),
    );
  });
});

describe('the domain lists, from the configuration', () => {
  it("a component product allows Megvii's component host for requests and uploads, and no web-view", () => {
    const lists = domainLists({ FACEID_PROVIDER: 'fidlite' }, '/pages/privacy/privacy');
    expect(lists.request.map((d) => d.origin)).toEqual([COMPONENT_HOST]);
    expect(lists.uploadFile.map((d) => d.origin)).toEqual([COMPONENT_HOST]);
    expect([lists.downloadFile, lists.business]).toEqual([[], []]);
  });

  it("an H5 product allows its region's FaceID page and the return page in web-view", () => {
    const lists = domainLists(
      {
        FACEID_PROVIDER: 'megvii-lite',
        FACEID_REGION: 'sgp',
        FACEID_RETURN_URL: 'https://shop.example.com/faceid-return.html?x=1',
      },
      '/pages/privacy/privacy',
    );
    expect(lists.business.map((d) => d.origin)).toEqual([
      'https://api-sgp.megvii.com',
      'https://shop.example.com',
    ]);
    expect(lists.request).toEqual([]);
  });

  it('follows FACEID_BASE_URL and a privacy policy hosted on the web', () => {
    const lists = domainLists(
      {
        FACEID_PROVIDER: 'megvii-overseas',
        FACEID_BASE_URL: 'https://faceid.proxy.example.com/',
        FACEID_RETURN_URL: 'https://shop.example.com/r',
      },
      'https://shop.example.com/privacy.html',
    );
    expect(lists.business.map((d) => d.origin)).toEqual([
      'https://faceid.proxy.example.com',
      'https://shop.example.com',
    ]);
  });
});

describe('the domain lists for WeChat 人脸核身 2.0', () => {
  it('need no domain: api.weixin.qq.com is server-side only and the face check is WeChat’s own', () => {
    expect(domainLists({ FACEID_PROVIDER: 'wechat' }, '')).toEqual({
      request: [],
      uploadFile: [],
      downloadFile: [],
      business: [],
    });
  });
});
