import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Runs a bundled function's exports.main in a fresh node process: no wx-server-sdk installed, nothing injected. */
function runBundle(name: string, event: unknown, env: Record<string, string>): Record<string, unknown> {
  const script = `require(${JSON.stringify(`${ROOT}/cloudfunctions/${name}/index.js`)}).main(${JSON.stringify(event)}, {})
    .then((answer) => process.stdout.write(JSON.stringify(answer)), (err) => { console.error(err); process.exit(3); });`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', FACEID_LOG: 'off', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, unknown>;
}

describe('a built exports.main outside the cloud', () => {
  it('needs no wx-server-sdk when FACEID_STORE is not cloud, and treats the call as a console call', () => {
    expect(existsSync(`${ROOT}/node_modules/wx-server-sdk`)).toBe(false);
    expect(existsSync(`${ROOT}/cloudfunctions/getBizToken/node_modules`)).toBe(false);
    const bad = { mode: 'idcard', idcardName: '张三', idcardNumber: '110105194912310021' };
    expect(runBundle('getBizToken', bad, { FACEID_STORE: 'memory' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_IDCARD_NUMBER' },
    });
    expect(runBundle('listVerifications', {}, { FACEID_STORE: 'memory' })).toEqual({
      ok: true,
      items: [],
      page: 0,
      pageSize: 20,
      hasMore: false,
    });
    expect(runBundle('whoami', {}, { FACEID_STORE: 'memory' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('refuses to start against the cloud store without wx-server-sdk, with the error shape', () => {
    expect(runBundle('listVerifications', {}, { FACEID_STORE: 'cloud' })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});
