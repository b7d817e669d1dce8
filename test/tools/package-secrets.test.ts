import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { scanFiles } from '../../pipeline/deliver/secret-scan';
import { writeFileSync } from 'node:fs';
import { DEFAULT_API_SECRET, DEFAULT_APPCODE } from '../../dev/sandbox';
import { TEST_APPCODE } from '../support/harness';

const ROOT = resolve(__dirname, '../..');

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full, base) : [relative(base, full)];
  });
}

it('the compiled mini-program package holds no secret variable name and none of the test secrets', () => {
  const out = mkdtempSync(join(tmpdir(), 'mp-package-'));
  const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['pipeline/build-mp.ts', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(run.status).toBe(0);
  const files = walk(out);
  expect(files).toEqual(
    expect.arrayContaining(['app.js', 'pages/index/index.js', 'pages/verify/verify.wxml']),
  );
  const testSecrets = {
    FACEID_APPCODE: TEST_APPCODE,
    FACEID_API_SECRET: DEFAULT_API_SECRET,
    SANDBOX_APPCODE: DEFAULT_APPCODE,
    MP_PRIVATE_KEY:
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtestkeytestkeytestkey\n-----END RSA PRIVATE KEY-----',
  };
  expect(scanFiles(out, files, testSecrets)).toEqual([]);

  // The same scan does see a secret that slips into the package.
  writeFileSync(join(out, 'pages/index/index.js'), `var k = "${TEST_APPCODE}";`, { flag: 'a' });
  expect(scanFiles(out, files, testSecrets)).toEqual([
    expect.objectContaining({
      file: 'pages/index/index.js',
      kind: 'variable-value',
      variable: 'FACEID_APPCODE',
    }),
  ]);
});
