import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliver, parseArgs, PREVIEW_QRCODE, type DeliverDeps } from '../../tools/deliver/ci';
import { versionInfo } from '../../tools/deliver/project';
import { capture, copyProject, fakeCi, ROOT } from './helpers';

const KEY =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAtestkeymaterial0123456789abcdef\n-----END RSA PRIVATE KEY-----';
const ENV = { MP_APPID: 'wx0123456789abcdef', MP_PRIVATE_KEY: KEY, GITHUB_REF_NAME: 'feature-x' };

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(options: { vendor?: boolean } = {}): string {
  const dir = copyProject(options);
  dirs.push(dir);
  return dir;
}

async function run(argv: string[], deps: Partial<DeliverDeps> & { root: string }) {
  const out = capture();
  const err = capture();
  const ci = deps.ci ?? fakeCi();
  const code = await deliver(argv, {
    env: ENV,
    ci,
    buildFunctions: async () => undefined,
    compile: async () => undefined,
    ...deps,
    out: out.out,
    err: err.out,
  });
  return { code, out: out.text(), err: err.text(), ci: ci as ReturnType<typeof fakeCi> };
}

describe('arguments', () => {
  it('parses the commands and their flags', () => {
    expect(parseArgs(['preview', '--allow-sandbox', '--desc', 'hello'])).toEqual({
      command: 'preview',
      allowSandbox: true,
      note: 'hello',
    });
    expect(parseArgs(['upload'])).toEqual({ command: 'upload', allowSandbox: false });
  });

  it.each([
    [[], /usage/],
    [['publish'], /unknown command publish/],
    [['upload', '--force'], /unknown argument --force/],
    [['upload', '--allow-sandbox'], /--allow-sandbox applies to preview only/],
    [['preview', '--desc'], /unknown argument --desc/],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const r = await run(argv, { root: project() });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.ci.calls).toEqual([]);
  });

  it.each([
    [{ MP_PRIVATE_KEY: KEY }, 'MP_APPID'],
    [{ MP_APPID: 'wx1' }, 'MP_PRIVATE_KEY'],
    [{ MP_APPID: 'wx1', MP_PRIVATE_KEY: KEY, MP_ROBOT: '31' }, 'MP_ROBOT'],
    [{ MP_APPID: 'wx1', MP_PRIVATE_KEY: KEY, MP_ROBOT: '1.5' }, 'MP_ROBOT'],
    [{ MP_APPID: 'wx1', MP_PRIVATE_KEY: KEY, MP_PRIVATE_KEY_PATH: '/k' }, 'only one of'],
    [{ MP_APPID: 'wx1', MP_PRIVATE_KEY_PATH: '/nonexistent/key' }, 'MP_PRIVATE_KEY_PATH'],
  ])('names the missing or bad variable (%j)', async (env, name) => {
    const r = await run(['upload'], { root: project({ vendor: true }), env });
    expect(r.code).toBe(2);
    expect(r.err).toContain(name);
    expect(r.err).not.toContain('MIIEpAIBAAKCAQEA');
    expect(r.ci.calls).toEqual([]);
  });

  it('needs TCB_ENV to deploy functions', async () => {
    const r = await run(['deploy-functions'], { root: project() });
    expect(r.code).toBe(2);
    expect(r.err).toContain('TCB_ENV');
  });
});

describe('sandbox guard', () => {
  it('refuses to upload while the stand-in occupies faceid-components', async () => {
    const r = await run(['upload'], { root: project() });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/miniprogram\/faceid-components holds the sandbox stand-in/);
    expect(r.ci.calls).toEqual([]);
  });

  it('refuses a preview with the stand-in unless --allow-sandbox', async () => {
    const root = project();
    const refused = await run(['preview'], { root });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--allow-sandbox');
    const allowed = await run(['preview', '--allow-sandbox'], { root });
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain('sandbox stand-in');
    expect(allowed.ci.calls.map((c) => c.method)).toEqual(['packNpmManually', 'preview']);
  });

  it('lets an upload through once the vendor package is in place', async () => {
    const r = await run(['upload'], { root: project({ vendor: true }) });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('calls to miniprogram-ci', () => {
  it('uploads with the project, version, description, robot and progress', async () => {
    const root = project({ vendor: true });
    const compiled: string[] = [];
    const r = await run(['upload'], {
      root,
      env: { ...ENV, MP_ROBOT: '7' },
      compile: async (dir) => void compiled.push(dir),
    });
    expect(r.code).toBe(0);
    expect(compiled).toEqual([root]);
    expect(r.ci.projects).toEqual([
      {
        appid: 'wx0123456789abcdef',
        type: 'miniProgram',
        projectPath: root,
        privateKeyPath: expect.stringMatching(/private\.key$/),
        ignores: expect.arrayContaining(['node_modules/**/*']),
      },
    ]);
    expect(r.ci.keySeen).toEqual([{ mode: 0o600, content: `${KEY}\n` }]);
    expect(existsSync(r.ci.projects[0].privateKeyPath)).toBe(false);

    const [pack, upload] = r.ci.calls;
    expect(pack).toEqual({
      method: 'packNpmManually',
      options: {
        packageJsonPath: join(root, 'package.json'),
        miniprogramNpmDistDir: join(root, 'miniprogram'),
      },
    });
    expect(upload.method).toBe('upload');
    expect(upload.options).toMatchObject({
      version: '0.1.0',
      desc: 'v0.1.0 feature-x@unknown',
      robot: 7,
      setting: { useProjectConfig: true },
    });
    expect(r.out).toContain('[doing] compiling');
    expect(r.out).toContain('plain progress text');
    expect(r.out).toContain('secret scan: 0 hits');
    expect(r.out).toContain('uploaded 0.1.0');
    expect(r.out + r.err).not.toContain('MIIEpAIBAAKCAQEA');
  });

  it('writes the preview QR code as an image', async () => {
    const root = project();
    const r = await run(['preview', '--allow-sandbox', '--desc', 'PR #12'], { root });
    expect(r.code).toBe(0);
    const preview = r.ci.calls.find((c) => c.method === 'preview')!;
    expect(preview.options).toMatchObject({
      qrcodeFormat: 'image',
      qrcodeOutputDest: join(root, PREVIEW_QRCODE),
      desc: 'v0.1.0 feature-x@unknown PR #12',
      robot: 1,
    });
    expect(readFileSync(join(root, PREVIEW_QRCODE), 'utf8')).toBe('qr');
    expect(r.out).toContain(`preview QR code: ${join(root, PREVIEW_QRCODE)}`);
  });

  it('uses MP_PRIVATE_KEY_PATH as given and leaves the file alone', async () => {
    const root = project({ vendor: true });
    const keyFile = join(root, 'key.pem');
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    const r = await run(['upload'], { root, env: { MP_APPID: 'wx1', MP_PRIVATE_KEY_PATH: keyFile } });
    expect(r.code).toBe(0);
    expect(r.ci.projects[0].privateKeyPath).toBe(keyFile);
    expect(existsSync(keyFile)).toBe(true);
  });

  it('turns a one-line key with literal \\n into a PEM file', async () => {
    const r = await run(['upload'], {
      root: project({ vendor: true }),
      env: { MP_APPID: 'wx1', MP_PRIVATE_KEY: KEY.replace(/\n/g, '\\n') },
    });
    expect(r.code).toBe(0);
    expect(r.ci.keySeen[0].content).toBe(`${KEY}\n`);
  });

  it('deploys every function folder with remote npm install after building', async () => {
    const root = project();
    const built: string[] = [];
    const r = await run(['deploy-functions'], {
      root,
      env: { ...ENV, TCB_ENV: 'prod-1a2b3c' },
      buildFunctions: async () => void built.push('built'),
    });
    expect(r.code).toBe(0);
    expect(built).toEqual(['built']);
    const names = execFileSync('ls', [join(root, 'cloudfunctions')], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(r.ci.calls.map((c) => c.options.name)).toEqual(names);
    for (const call of r.ci.calls) {
      expect(call).toMatchObject({
        method: 'uploadFunction',
        options: {
          env: 'prod-1a2b3c',
          remoteNpmInstall: true,
          path: join(root, 'cloudfunctions', call.options.name as string),
        },
      });
    }
    expect(r.out).toContain('getBizToken: 2 file(s), 2.0 KB');
  });

  it('refuses to deploy a bundle that carries a secret value', async () => {
    const root = project();
    writeFileSync(join(root, 'cloudfunctions', 'whoami', 'index.js'), 'const k = "appcode-0123456789";');
    const r = await run(['deploy-functions'], {
      root,
      env: { ...ENV, TCB_ENV: 'prod', FACEID_APPCODE: 'appcode-0123456789' },
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain('cloudfunctions/whoami/index.js:1: the value of FACEID_APPCODE');
    expect(r.err).not.toContain('appcode-0123456789');
    expect(r.ci.calls).toEqual([]);
  });

  it.each([
    ['upload', ['upload'], true],
    ['preview', ['preview', '--allow-sandbox'], false],
    ['uploadFunction', ['deploy-functions'], false],
  ])('exits 1 with the reason when %s rejects, and removes the key', async (method, argv, vendor) => {
    const ci = fakeCi({
      method,
      error: new Error(`${method}: invalid ip 203.0.113.9 (${KEY.split('\n')[1]})`),
    });
    const r = await run(argv, { root: project({ vendor }), ci, env: { ...ENV, TCB_ENV: 'prod' } });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${method}: invalid ip 203.0.113.9 ([redacted])`);
    expect(r.err).not.toContain('MIIEpAIBAAKCAQEA');
    expect(existsSync(ci.projects[0].privateKeyPath)).toBe(false);
  });

  it('reports a rejection that is not an Error', async () => {
    const ci = fakeCi({ method: 'upload', error: { errCode: -10008, errMsg: 'robot busy' } });
    const r = await run(['upload'], { root: project({ vendor: true }), ci });
    expect(r.code).toBe(1);
    expect(r.err).toContain('robot busy');
  });
});

describe('version and description', () => {
  it('come from package.json and git', () => {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const info = versionInfo(ROOT, {}, 'note');
    expect(info.version).toBe(pkg.version);
    expect(info.desc).toMatch(new RegExp(`^v${pkg.version.replace(/\./g, '\\.')} \\S+@${sha} note$`));
  });
});
