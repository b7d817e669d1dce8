import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startApp } from '../../dev/start';
import {
  chooseOutcome,
  consent,
  describeE2E,
  see,
  sendSandboxVideo,
  startStandIn,
  tap,
  type,
  useSuite,
  VALID_ID,
  VALID_NAME,
} from './support';

describeE2E('restarting the app', () => {
  const suite = useSuite();

  it('a second start finds the records of the first (same data folder, same browser session)', async () => {
    let page = await suite.open();
    await consent(page);
    await type(page, '姓名', VALID_NAME);
    await type(page, '身份证号', VALID_ID);
    await tap(page, '开始人脸核身');
    await chooseOutcome(page, 'SUCCESS');
    await startStandIn(page);
    await sendSandboxVideo(page);
    await see(page, '认证通过');
    const resultHash = new URL(page.url()).hash;
    expect(resultHash).toMatch(/^#\/pages\/result\/result\?bizToken=/);
    await page.close();
    await suite.app.close();

    suite.app = await startApp({ port: 0, dataDir: suite.dataDir, quiet: true });
    page = await suite.open(resultHash);
    await see(page, '认证通过');
    await see(page, '已确认是您本人，身份信息核验一致。');
  });
});

describe('npm start', () => {
  it('prints one URL, serves the preview, and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'faceid-start-'));
    const root = resolve(__dirname, '..', '..');
    const child = spawn(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'dev/start.ts'],
      {
        cwd: root,
        env: { ...process.env, PORT: '0', QUIET: '1', DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      const url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolveUrl(match[0]);
          }
        });
      });
      expect(output.match(/http:\/\/\S+/g)).toHaveLength(1);
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/^mp_openid=o-local-/);
      expect(await res.text()).toContain('/preview/runtime.js');
      const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
