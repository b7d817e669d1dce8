import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startCloudBase, type CloudBaseStandIn } from '../../dev/cloudbase';
import { PROJECT_COLLECTIONS } from '../../dev/local-cloud';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

/**
 * Runs a bundled function's exports.main in a fresh node process with only the variables given, from a copy of
 * the bundle alone in a temporary folder: as in the cloud, no node_modules anywhere above it.
 */
async function runBundle(
  name: string,
  event: unknown,
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  const folder = mkdtempSync(join(tmpdir(), `faceid-${name}-`));
  try {
    copyFileSync(join(ROOT, 'cloudfunctions', name, 'index.js'), join(folder, 'index.js'));
    const script = `require('./index.js').main(${JSON.stringify(event)}, {})
    .then((answer) => process.stdout.write(JSON.stringify(answer)), (err) => { console.error(err); process.exit(3); });`;
    const { stdout } = await run(process.execPath, ['-e', script], {
      cwd: folder,
      env: { PATH: process.env.PATH ?? '', FACEID_LOG: 'off', NODE_PATH: '', ...env },
      encoding: 'utf8',
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('a built exports.main in a fresh process, on the variables the cloud sets', () => {
  let cloudbase: CloudBaseStandIn;
  beforeAll(async () => {
    cloudbase = await startCloudBase({ collections: PROJECT_COLLECTIONS });
  });
  afterAll(() => cloudbase.close());

  const caller = (openid: string) => ({
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID',
    WX_OPENID: openid,
    WX_APPID: 'wx0000000000local',
  });

  it('takes the caller from WX_OPENID through wx-server-sdk and reads the stand-in database', async () => {
    const operator = { FACEID_OPERATOR_NAME: '示例运营有限公司', FACEID_OPERATOR_CONTACT: '400-000-0000' };
    const env = { ...cloudbase.sdkEnvironment(), ...caller('o-fresh-1'), ...operator };
    expect(await runBundle('whoami', {}, env)).toEqual({
      ok: true,
      openid: 'o-fresh-1',
      uploadDir: 'faceid/o-fresh-1/',
      provider: 'fidlite',
      modes: ['idcard', 'ocr', 'reference'],
      processor: 'megvii',
      retentionDays: 30,
      keepsImages: false,
      operator: { name: '示例运营有限公司', contact: '400-000-0000' },
    });
    cloudbase.resetRequestCounts();
    expect(
      await runBundle('listVerifications', {}, { ...cloudbase.sdkEnvironment(), ...caller('o-fresh-1') }),
    ).toEqual({ ok: true, items: [], page: 0, pageSize: 20, hasMore: false });
    expect(cloudbase.requestCounts()).toEqual({ 'database.getDocument': 1 });
  });

  it('treats a call without a WeChat context as a console call', async () => {
    expect(await runBundle('whoami', {}, cloudbase.sdkEnvironment())).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('answers a database failure in the error shape, never a crash', async () => {
    cloudbase.injectFault({ action: 'database.getDocument', code: 'DATABASE_PERMISSION_DENIED' });
    expect(
      await runBundle('listVerifications', {}, { ...cloudbase.sdkEnvironment(), ...caller('o-fresh-1') }),
    ).toMatchObject({ ok: false, error: { code: 'INTERNAL', retryable: false } });
  });
});
