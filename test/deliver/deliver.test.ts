import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { buildSync } from 'esbuild';
import { deliver, parseArgs, PREVIEW_QRCODE, type DeliverDeps } from '../../pipeline/deliver/ci';
import { versionInfo } from '../../pipeline/deliver/project';
import { capture, copyProject, fakeCi, ROOT } from './helpers';

const KEY =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAtestkeymaterial0123456789abcdef\n-----END RSA PRIVATE KEY-----';
const ENV = {
  MP_APPID: 'wx0123456789abcdef',
  MP_PRIVATE_KEY: KEY,
  GITHUB_REF_NAME: 'feature-x',
  TCB_ENV: 'prod-1a2b3c',
};

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
    [['upload', '--force'], /Unknown option '--force'/],
    [['upload', '--allow-sandbox'], /--allow-sandbox applies to preview only/],
    [['preview', '--desc'], /Option '--desc <value>' argument missing/],
    [['deploy-functions'], /unknown command deploy-functions/],
    [['upload', 'extra'], /Unexpected argument 'extra'/],
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

  it('needs the cloud environment of a release (TCB_ENV or --env)', async () => {
    const r = await run(['upload'], {
      root: project({ vendor: true }),
      env: { MP_APPID: 'wx1', MP_PRIVATE_KEY: KEY },
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain('set TCB_ENV or pass --env <id>');
    expect(r.ci.calls).toEqual([]);
  });

  it('names everything an upload lacks in one run (appid, key, environment, vendor package)', async () => {
    const r = await run(['upload'], { root: project(), env: { MP_ROBOT: '0' } });
    expect(r.code).toBe(2);
    expect(r.err).toContain('5 things to fix first');
    for (const missing of [
      'MP_APPID',
      'MP_ROBOT',
      'MP_PRIVATE_KEY',
      'set TCB_ENV',
      'holds the sandbox stand-in',
    ])
      expect(r.err).toContain(missing);
    expect(r.ci.calls).toEqual([]);
  });

  it('refuses an environment id that is not one', async () => {
    const r = await run(['upload', '--env', "prod'; evil()"], { root: project({ vendor: true }) });
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not a CloudBase environment id');
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
    expect(allowed.ci.calls.map((c) => c.method)).toEqual(['preview']);
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

    const [upload] = r.ci.calls;
    expect(r.ci.calls).toHaveLength(1);
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
    const r = await run(['upload'], {
      root,
      env: { MP_APPID: 'wx1', MP_PRIVATE_KEY_PATH: keyFile, TCB_ENV: 'prod-1' },
    });
    expect(r.code).toBe(0);
    expect(r.ci.projects[0].privateKeyPath).toBe(keyFile);
    expect(existsSync(keyFile)).toBe(true);
  });

  it('turns a one-line key with literal \\n into a PEM file', async () => {
    const r = await run(['upload'], {
      root: project({ vendor: true }),
      env: { MP_APPID: 'wx1', MP_PRIVATE_KEY: KEY.replace(/\n/g, '\\n'), TCB_ENV: 'prod-1' },
    });
    expect(r.code).toBe(0);
    expect(r.ci.keySeen[0].content).toBe(`${KEY}\n`);
  });

  it.each([
    ['upload', ['upload'], true],
    ['preview', ['preview', '--allow-sandbox'], false],
  ])('exits 1 with the reason when %s rejects, and removes the key', async (method, argv, vendor) => {
    const ci = fakeCi({
      method,
      error: new Error(`${method}: invalid ip 203.0.113.9 (${KEY.split('\n')[1]})`),
    });
    const r = await run(argv, { root: project({ vendor }), ci });
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

describe('the cloud environment of the package', () => {
  const MODULE = join('miniprogram', 'services', 'cloud-env.ts');

  /** What the package's app.ts passes to wx.cloud.init when the mini-program launches. */
  function cloudInitOf(root: string): unknown[] {
    const { outputFiles } = buildSync({
      entryPoints: [join(root, 'miniprogram', 'app.ts')],
      bundle: true,
      write: false,
      format: 'cjs',
      logLevel: 'silent',
    });
    const inits: unknown[] = [];
    let app: { onLaunch(this: unknown): void } | undefined;
    vm.runInNewContext(outputFiles[0].text, {
      App: (options: typeof app) => (app = options),
      wx: { cloud: { init: (options: unknown) => inits.push(options) } },
    });
    app!.onLaunch.call({ globalData: {} });
    return inits;
  }

  /** A fake miniprogram-ci that notes, at upload or preview time, what wx.cloud.init would get. */
  function seeingCi(root: string, fail?: boolean) {
    const ci = fakeCi(fail ? { method: 'upload', error: new Error('upload rejected') } : undefined);
    const seen: unknown[][] = [];
    const upload = ci.upload.bind(ci);
    const preview = ci.preview.bind(ci);
    ci.upload = async (o) => {
      seen.push(cloudInitOf(root));
      return upload(o);
    };
    ci.preview = async (o) => {
      seen.push(cloudInitOf(root));
      return preview(o);
    };
    return { ci, seen };
  }

  it('uploads a package whose wx.cloud.init names the environment of --env, then puts the module back', async () => {
    const root = project({ vendor: true });
    const original = readFileSync(join(root, MODULE), 'utf8');
    const { ci, seen } = seeingCi(root);
    const r = await run(['upload', '--env', 'prod-9z8y7x'], { root, ci });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('cloud environment: prod-9z8y7x');
    expect(seen).toEqual([[{ env: 'prod-9z8y7x', traceUser: true }]]);
    expect(readFileSync(join(root, MODULE), 'utf8')).toBe(original);
    expect(cloudInitOf(root)).toEqual([{ traceUser: true }]);
  });

  it('takes the environment from TCB_ENV, and puts the module back when the upload fails', async () => {
    const root = project({ vendor: true });
    const original = readFileSync(join(root, MODULE), 'utf8');
    const { ci, seen } = seeingCi(root, true);
    const r = await run(['upload'], { root, ci, env: { ...ENV, TCB_ENV: 'dev-4d5e6f' } });
    expect(r.code).toBe(1);
    expect(seen).toEqual([[{ env: 'dev-4d5e6f', traceUser: true }]]);
    expect(readFileSync(join(root, MODULE), 'utf8')).toBe(original);
  });

  it('previews for the devtools-selected environment when none is given', async () => {
    const root = project();
    const { ci, seen } = seeingCi(root);
    const { TCB_ENV: _unused, ...withoutEnv } = ENV;
    const r = await run(['preview', '--allow-sandbox'], { root, ci, env: withoutEnv });
    expect(r.code).toBe(0);
    expect(r.out).toContain('cloud environment: the one the devtools select');
    expect(seen).toEqual([[{ traceUser: true }]]);
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
