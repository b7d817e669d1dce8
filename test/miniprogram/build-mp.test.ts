import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function build(args: string[] = []): { status: number | null; out: string } {
  const res = spawnSync(TSX, ['pipeline/build-mp.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: res.status, out: `${res.stdout}\n${res.stderr}` };
}

/** The folders named like miniprogram-ci's compiler cache (an MD5) in a directory. */
function md5Folders(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => /^[0-9a-f]{32}$/.test(name));
}

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-mp-'));
  fs.copyFileSync(path.join(ROOT, 'project.config.json'), path.join(dir, 'project.config.json'));
  fs.cpSync(path.join(ROOT, 'miniprogram'), path.join(dir, 'miniprogram'), {
    recursive: true,
    filter: (src) => !src.includes('miniprogram_npm'),
  });
  return dir;
}

describe('build:mp', () => {
  test('app.json lists every page, including records and webview, each with its four files', () => {
    const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'miniprogram/app.json'), 'utf8')) as {
      pages: string[];
    };
    expect(app.pages).toEqual(expect.arrayContaining(['pages/records/records', 'pages/webview/webview']));
    expect(app.pages[0]).toBe('pages/index/index');
    for (const page of app.pages) {
      for (const ext of ['.ts', '.wxml', '.wxss', '.json']) {
        expect(fs.existsSync(path.join(ROOT, 'miniprogram', page + ext))).toBe(true);
      }
    }
  });

  test('compiles the mini-program offline and reports the main-package size', () => {
    const { status, out } = build();
    expect(out).toMatch(/WXML checked with wcc: \d+ files/);
    expect(out).toMatch(/Main package: [\d.]+ KB total \(own code [\d.]+ KB/);
    expect(status).toBe(0);
  }, 200_000);

  test('leaves nothing in the working directory (miniprogram-ci makes an MD5-named cache folder there)', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'build-mp-cwd-'));
    try {
      const res = spawnSync(TSX, [path.join(ROOT, 'pipeline/build-mp.ts')], {
        cwd,
        encoding: 'utf8',
        timeout: 180_000,
      });
      expect(res.stdout).toMatch(/Compiled with miniprogram-ci: \d+ files/);
      expect(md5Folders(cwd)).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  test('fails on a WXML syntax error (caught by wcc), on a temp copy', () => {
    const dir = copyProject();
    const wxml = path.join(dir, 'miniprogram/pages/result/result.wxml');
    fs.writeFileSync(
      wxml,
      fs
        .readFileSync(wxml, 'utf8')
        .replace(
          '<view class="p" id="detail">{{view.detail}}</view>',
          '<view class="p" id="detail">{{view.detail}}</text>',
        ),
    );
    const { status, out } = build(['--project', dir]);
    expect(status).toBe(1);
    expect(out).toContain('pages/result/result.wxml');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 200_000);

  test('fails on a TypeScript syntax error, on a temp copy', () => {
    const dir = copyProject();
    fs.appendFileSync(path.join(dir, 'miniprogram/services/flow.ts'), '\nexport const broken = ;\n');
    const { status, out } = build(['--project', dir]);
    expect(status).toBe(1);
    expect(out).toContain('build:mp failed: file: services/flow.ts');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 200_000);
});
