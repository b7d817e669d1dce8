import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliver, scanMiniprogram } from '../../pipeline/deliver/ci';
import { readProjectConfig } from '../../pipeline/deliver/project';
import {
  isPackIgnored,
  isSecretVariable,
  packagedFiles,
  redactSecrets,
  scanText,
  SECRET_VARIABLES,
} from '../../pipeline/deliver/secret-scan';
import { capture, copyProject, fakeCi, ROOT } from './helpers';

const SECRET_ENV = {
  FACEID_APPCODE: 'appcode-5f1c9e0b7a2d4c3e',
  TCB_SECRET_KEY: 'tcb-secret-key-9a8b7c6d5e',
  MP_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
  FACEID_STORE: 'memory',
};

describe('the real mini-program', () => {
  it('has no secret names, values or keys in what would be packaged', () => {
    expect(scanMiniprogram(ROOT, { ...process.env, ...SECRET_ENV })).toEqual([]);
  });

  it('packages the sources and leaves out what packOptions ignore', () => {
    const config = readProjectConfig(ROOT);
    const files = packagedFiles(ROOT, config.miniprogramRoot, config.packOptions);
    expect(files).toContain('miniprogram/app.json');
    expect(files).toContain('miniprogram/faceid-components/components/index/index.ts');
    expect(files.filter((f) => f.endsWith('.md') || f === 'miniprogram/tsconfig.json')).toEqual([]);
  });
});

describe('a copy with planted secrets', () => {
  let root: string;
  beforeAll(() => {
    root = copyProject();
    const services = join(root, 'miniprogram', 'services');
    writeFileSync(
      join(services, 'leak-name.ts'),
      "export const v = 'x';\nconst k = process.env.FACEID_APPCODE;\n",
    );
    writeFileSync(join(services, 'leak-value.ts'), `export const code = '${SECRET_ENV.FACEID_APPCODE}';\n`);
    writeFileSync(join(services, 'leak-key.json'), `{"k": "${SECRET_ENV.MP_PRIVATE_KEY.split('\n')[1]}"}`);
    mkdirSync(join(root, 'miniprogram', 'keys'));
    writeFileSync(join(root, 'miniprogram', 'keys', 'upload.key'), '-----BEGIN RSA PRIVATE KEY-----\nabc\n');
    writeFileSync(join(services, 'NOTES.md'), 'TCB_SECRET_KEY lives in the console\n');
    writeFileSync(join(services, 'other.ts'), 'const WECHAT_PAY_API_KEY = 1; // INVALID_BIZ_TOKEN is fine\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds every planted secret, by name, value and key header, and nothing in ignored files', () => {
    const hits = scanMiniprogram(root, SECRET_ENV);
    expect(hits).toEqual(
      expect.arrayContaining([
        {
          file: 'miniprogram/services/leak-name.ts',
          line: 2,
          kind: 'variable-name',
          variable: 'FACEID_APPCODE',
        },
        {
          file: 'miniprogram/services/leak-value.ts',
          line: 1,
          kind: 'variable-value',
          variable: 'FACEID_APPCODE',
        },
        {
          file: 'miniprogram/services/leak-key.json',
          line: 1,
          kind: 'variable-value',
          variable: 'MP_PRIVATE_KEY',
        },
        { file: 'miniprogram/keys/upload.key', line: 1, kind: 'private-key' },
        {
          file: 'miniprogram/services/other.ts',
          line: 1,
          kind: 'variable-name',
          variable: 'WECHAT_PAY_API_KEY',
        },
      ]),
    );
    expect(hits).toHaveLength(5);
  });

  it('makes the upload refuse and print where, never the value', async () => {
    const out = capture();
    const err = capture();
    const ci = fakeCi();
    const code = await deliver(['preview', '--allow-sandbox'], {
      root,
      ci,
      env: { ...SECRET_ENV, MP_APPID: 'wx1' },
      out: out.out,
      err: err.out,
    });
    expect(code).toBe(1);
    expect(err.text()).toContain('secret scan found 5 problem(s)');
    expect(err.text()).toContain('miniprogram/services/leak-value.ts:1: the value of FACEID_APPCODE');
    expect(err.text()).not.toContain(SECRET_ENV.FACEID_APPCODE);
    expect(ci.calls).toEqual([]);
  });
});

describe('rules', () => {
  it('knows the secret variable names by list and by shape', () => {
    for (const name of SECRET_VARIABLES) expect(isSecretVariable(name)).toBe(true);
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'X_API_SECRET', 'ALI_APPCODE'])
      expect(isSecretVariable(name)).toBe(true);
    for (const name of ['FACEID_STORE', 'INVALID_BIZ_TOKEN', 'MP_APPID', 'TCB_ENV'])
      expect(isSecretVariable(name)).toBe(false);
  });

  it('follows miniprogram-ci packOptions semantics', () => {
    const options = {
      ignore: [
        { type: 'suffix' as const, value: '.md' },
        { type: 'folder' as const, value: 'miniprogram/docs' },
        { type: 'file' as const, value: 'miniprogram/tsconfig.json' },
        { type: 'prefix' as const, value: 'draft-' },
        { type: 'glob' as const, value: 'miniprogram/**/*.test.ts' },
        { type: 'regexp' as const, value: '\\.map$' },
      ],
      include: [{ type: 'file' as const, value: 'miniprogram/docs/keep.json' }],
    };
    expect(isPackIgnored('miniprogram/README.MD', options)).toBe(true);
    expect(isPackIgnored('miniprogram/docs/a.json', options)).toBe(true);
    expect(isPackIgnored('miniprogram/docs/keep.json', options)).toBe(false);
    expect(isPackIgnored('miniprogram/tsconfig.json', options)).toBe(true);
    expect(isPackIgnored('miniprogram/pages/draft-x.ts', options)).toBe(true);
    expect(isPackIgnored('miniprogram/pages/a.test.ts', options)).toBe(true);
    expect(isPackIgnored('miniprogram/app.js.map', options)).toBe(true);
    expect(isPackIgnored('miniprogram/app.ts', options)).toBe(false);
  });

  it('ignores short values and redacts values in messages', () => {
    expect(scanText('a.ts', 'const x = 1234;', { FACEID_APPCODE: '1234' })).toEqual([]);
    expect(redactSecrets(`bad key ${SECRET_ENV.TCB_SECRET_KEY}!`, SECRET_ENV)).toBe('bad key [redacted]!');
  });
});
