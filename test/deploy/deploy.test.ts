/**
 * `npm run deploy` against a loopback stand-in of the Tencent Cloud API: the real @cloudbase/manager-node in a
 * child process (its proxy setting points at the stand-in, which ends the tunnel with a certificate made for the
 * run), the real bundles, the real signature.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readManifest } from '../../pipeline/functions-manifest';
import { deploy } from '../../pipeline/deploy/deploy';
import {
  paramText,
  startTencentCloudStandIn,
  type TencentCloudStandIn,
} from '../../dev/tencent-cloud-api/index';

const ROOT = resolve(__dirname, '..', '..');
const manifest = readManifest();
const APPCODE = 'appcode-0123456789abcdef-secret';
const RETURN_URL = 'https://static.example.com/faceid-return.html';
/** The query API's key hashes (SHA-256 of two keys, during a rotation). */
const KEYS_SHA256 = `${'1a'.repeat(32)},${'2b'.repeat(32)}`;
const OPERATOR = { FACEID_OPERATOR_NAME: '示例科技有限公司', FACEID_OPERATOR_CONTACT: 'privacy@example.com' };
const FACEID = {
  FACEID_PROVIDER: 'fidlite',
  FACEID_APPCODE: APPCODE,
  FACEID_RETURN_URL: RETURN_URL,
  FACEID_API_KEYS_SHA256: KEYS_SHA256,
  ...OPERATOR,
};

let api: TencentCloudStandIn;
let work: string;
beforeEach(async () => {
  api = await startTencentCloudStandIn({ envId: 'prod-1a2b3c' });
  work = mkdtempSync(join(tmpdir(), 'deploy-test-'));
});
afterEach(async () => {
  await api.close();
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
}

/**
 * A test's time limit by the deployments it runs: one (a child process that checks and zips seven 1.4 MB bundles)
 * took 16 s on average on a 2-core machine running three other test suites.
 */
const deploys = (runs: number): number => runs * 90_000;

/** Runs `npm run deploy -- <args>` as a child process pointed at the stand-in. */
function runDeploy(args: string[], variables: Record<string, string> = FACEID): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './test/support/offline-child.ts', 'pipeline/deploy/main.ts', ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          TMPDIR: work,
          http_proxy: api.proxyUrl,
          NODE_EXTRA_CA_CERTS: api.caFile,
          TCB_ENV: api.envId,
          TCB_SECRET_ID: api.secretId,
          TCB_SECRET_KEY: api.secretKey,
          ...variables,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, out, err }));
  });
}

const noEnvFile = (): string[] => ['--vars', join(work, 'absent.env')];

/** One tcb API call made by the real manager-node in a child process; resolves its answer or its error code. */
function callTcb(action: string, param: Record<string, unknown>): Promise<{ ok?: unknown; code?: string }> {
  const script = `
    const CloudBase = require('@cloudbase/manager-node');
    const app = new CloudBase({ envId: process.env.TCB_ENV, secretId: process.env.TCB_SECRET_ID,
      secretKey: process.env.TCB_SECRET_KEY });
    app.commonService('tcb', '2018-06-08').call({ Action: process.argv[1], Param: JSON.parse(process.argv[2]) })
      .then((ok) => console.log(JSON.stringify({ ok })), (e) => console.log(JSON.stringify({ code: e.code })));`;
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/support/offline-child.ts',
        '-e',
        script,
        action,
        JSON.stringify(param),
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          http_proxy: api.proxyUrl,
          NODE_EXTRA_CA_CERTS: api.caFile,
          TCB_ENV: api.envId,
          TCB_SECRET_ID: api.secretId,
          TCB_SECRET_KEY: api.secretKey,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', fail);
    child.on('close', () => done(JSON.parse(out || '{}') as { ok?: unknown; code?: string }));
  });
}

// Every test runs whole deployments (a process, manager-node, every function's calls to the API stand-in): four of
// them take longer than jest's default on a busy 2-core machine.
jest.setTimeout(120_000);

describe('arguments', () => {
  it('prints the usage for --help and exits 0', async () => {
    const lines: string[] = [];
    expect(await deploy(['--help'], { out: (l) => lines.push(l), env: {} })).toBe(0);
    expect(lines.join('\n')).toMatch(/^usage: npm run deploy \[-- --plan\]/);
  });

  it.each([[['--force']], [['--plan', 'extra']], [['--vars']]])(
    'refuses %j with exit code 2 and the usage',
    async (argv) => {
      const errors: string[] = [];
      expect(await deploy(argv, { err: (l) => errors.push(l), out: () => undefined, env: {} })).toBe(2);
      expect(errors.join('\n')).toMatch(/usage: npm run deploy/);
    },
  );

  it('names the missing credentials and changes nothing', async () => {
    const errors: string[] = [];
    const code = await deploy([...noEnvFile()], {
      env: { TCB_ENV: 'prod-1a2b3c' },
      err: (l) => errors.push(l),
      out: () => undefined,
      build: async () => undefined,
    });
    expect(code).toBe(2);
    expect(errors[0]).toMatch(/^deploy: set TCB_SECRET_ID, TCB_SECRET_KEY, FACEID_APPCODE, /);
    expect(errors[0]).toContain(`(in the environment or ${join(work, 'absent.env')})`);
    expect(errors.at(-1)).toBe('deploy: nothing was changed');
  });
});

describe('the query API keys', () => {
  it('are refused offline, unprinted, when FACEID_API_KEYS_SHA256 holds a key instead of its hash', async () => {
    const errors: string[] = [];
    const lines: string[] = [];
    const key = 'qk_live_0123456789abcdef0123456789';
    const code = await deploy(noEnvFile(), {
      env: {
        TCB_ENV: api.envId,
        TCB_SECRET_ID: api.secretId,
        TCB_SECRET_KEY: api.secretKey,
        ...FACEID,
        FACEID_API_KEYS_SHA256: key,
      },
      err: (l) => errors.push(l),
      out: (l) => lines.push(l),
      build: async () => undefined,
    });
    expect(code).toBe(2);
    expect(errors.join('\n')).toContain('deploy: FACEID_API_KEYS_SHA256: ');
    expect(errors.join('\n')).toContain('must be SHA-256 hex hashes');
    expect([...errors, ...lines].join('\n')).not.toContain(key);
    expect(api.calls).toEqual([]);
  });
});

describe('the code about to be uploaded', () => {
  it('is refused, before any request, when a bundle carries the value of a secret variable', async () => {
    const root = join(work, 'project');
    cpSync(join(ROOT, 'cloudbaserc.json'), join(root, 'cloudbaserc.json'));
    cpSync(join(ROOT, 'cloudfunctions'), join(root, 'cloudfunctions'), { recursive: true });
    writeFileSync(join(root, 'cloudfunctions', 'whoami', 'index.js'), `const k = "${APPCODE}";`);
    const errors: string[] = [];
    const code = await deploy(noEnvFile(), {
      root,
      env: { TCB_ENV: api.envId, TCB_SECRET_ID: api.secretId, TCB_SECRET_KEY: api.secretKey, ...FACEID },
      err: (l) => errors.push(l),
      out: () => undefined,
      build: async () => undefined,
    });
    expect(code).toBe(1);
    expect(errors.join('\n')).toContain('cloudfunctions/whoami/index.js:1: the value of FACEID_APPCODE');
    expect(errors.join('\n')).not.toContain(APPCODE);
    expect(api.calls).toEqual([]);
  });
});

describe('a fresh environment', () => {
  it(
    'names every missing variable offline, before any request, while the FaceID product lacks some',
    async () => {
      const r = await runDeploy(noEnvFile(), { FACEID_PROVIDER: 'fidlite' });
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        'deploy: set FACEID_APPCODE, FACEID_RETURN_URL, FACEID_OPERATOR_NAME, FACEID_OPERATOR_CONTACT',
      );
      expect(r.err).toContain('nothing was changed');
      expect(api.calls).toEqual([]);
    },
    deploys(1),
  );

  it(
    '--plan requires the operator the privacy policy names (FACEID_OPERATOR_NAME, _CONTACT), offline, naming both',
    async () => {
      const { FACEID_OPERATOR_NAME: _name, FACEID_OPERATOR_CONTACT: _contact, ...withoutOperator } = FACEID;
      const r = await runDeploy(['--plan', ...noEnvFile()], withoutOperator);
      expect(r.code).toBe(2);
      expect(r.err).toContain('deploy: set FACEID_OPERATOR_NAME, FACEID_OPERATOR_CONTACT');
      expect(api.calls).toEqual([]);
      const long = await runDeploy(['--plan', ...noEnvFile()], {
        ...FACEID,
        FACEID_OPERATOR_NAME: '长'.repeat(101),
      });
      expect(long.code).toBe(2);
      expect(long.err).toContain(
        'deploy: FACEID_OPERATOR_NAME: FACEID_OPERATOR_NAME must be one line of at most 100',
      );
      expect(api.calls).toEqual([]);
    },
    deploys(1),
  );

  it(
    '--plan lists every change, hides secret values and changes nothing',
    async () => {
      const r = await runDeploy(['--plan', ...noEnvFile()]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(api.writes()).toEqual([]);
      expect(r.out).toContain('collection faceid_verifications: create');
      expect(r.out).toContain(
        'collection faceid_verifications: create index openid_createdAt (openid asc, createdAt desc)',
      );
      expect(r.out).toContain('collection faceid_counters: permission (new) → ADMINONLY');
      expect(r.out).toContain(
        'storage: permission READONLY → CUSTOM {"read":false,"write":"resource.openid == auth.openid"}',
      );
      expect(r.out).toMatch(/function getBizToken: create \(Nodejs24\.11, 256 MB, 40 s, code [0-9a-f]{16}\)/);
      expect(r.out).toContain('function getBizToken: set FACEID_APPCODE = (hidden)');
      expect(r.out).toContain('function getBizToken: set FACEID_PROVIDER = fidlite');
      expect(r.out).toContain('function purgeVerifications: timer dailyPurge (0 0 3 * * * *)');
      expect(r.out).toMatch(
        /function deliverResults: create \(Nodejs24\.11, 256 MB, 60 s, code [0-9a-f]{16}\)/,
      );
      expect(r.out).toContain('function deliverResults: timer everyMinute (0 */1 * * * * *)');
      expect(r.out).toContain('HTTP access: route /faceid/notify → faceidNotify');
      expect(r.out).toContain('HTTP access: route /faceidResults → faceidResults');
      expect(r.out).toContain('function faceidResults: set FACEID_API_KEYS_SHA256 = (hidden)');
      expect(r.out).not.toContain('1a1a1a1a');
      expect(r.out).toContain(`FACEID_NOTIFY_URL = https://${api.state.access.domain}/faceid/notify`);
      expect(r.out).toContain('--plan: nothing was changed');
      expect(r.out).not.toContain(APPCODE);
    },
    deploys(1),
  );

  it(
    'gets everything in one run, and a second run changes nothing',
    async () => {
      const first = await runDeploy(noEnvFile());
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      expect(first.out).not.toContain(APPCODE);
      expect(first.out).toMatch(/^\[\s*\d+\.\ds\] building the functions$/m);
      expect(first.out).toMatch(/^\[\s*\d+\.\ds\] done: function getResult: create/m);
      expect(first.out).toMatch(/^\[\s*\d+\.\ds\] environment prod-1a2b3c deployed: \d+ change\(s\)$/m);

      const { collections, functions, access } = api.state;
      expect(api.state.storage).toEqual({
        acl: 'CUSTOM',
        rule: JSON.stringify({ read: false, write: 'resource.openid == auth.openid' }),
      });
      const verifications = collections.get('faceid_verifications')!;
      expect(verifications.acl).toBe('ADMINONLY');
      expect(collections.get('faceid_uploads')!.acl).toBe('ADMINONLY');
      expect(collections.get('faceid_counters')!.acl).toBe('ADMINONLY');
      expect(
        verifications.indexes.map((i) => [i.Name, i.Keys.map((k) => `${k.Name}:${k.Direction}`)]),
      ).toEqual([
        ['openid_createdAt', ['openid:1', 'createdAt:-1']],
        ['bizToken', ['bizToken:1']],
        ['resultRef', ['resultRef:1']],
        ['bizNo_createdAt', ['bizNo:1', 'createdAt:-1']],
        ['createdAt', ['createdAt:-1']],
        ['status_expiresAt', ['status:1', 'expiresAt:1']],
        ['status_requestedAt', ['status:1', 'requestedAt:1']],
        ['externalRef_createdAt', ['externalRef:1', 'createdAt:-1']],
        ['delivery_state_due', ['delivery.state:1', 'delivery.due:1']],
        ['status_lastReadAt_createdAt', ['status:1', 'lastReadAt:1', 'createdAt:1']],
      ]);
      expect([...functions.keys()].sort()).toEqual(manifest.functions.map((f) => f.name).sort());
      for (const declared of manifest.functions) {
        const f = functions.get(declared.name)!;
        expect([f.Runtime, f.MemorySize, f.Timeout, f.Handler, f.InstallDependency]).toEqual([
          declared.runtime,
          declared.memorySize,
          declared.timeout,
          'index.main',
          'FALSE',
        ]);
        const bundle = readFileSync(join(ROOT, 'cloudfunctions', declared.name, 'index.js'), 'utf8');
        expect(f.files['index.js']).toBe(bundle);
        expect(Object.keys(f.files).sort()).toEqual(['config.json', 'index.js', 'package.json']);
      }
      const notifyUrl = `https://${access.domain}/faceid/notify`;
      expect(functions.get('getBizToken')!.Environment.Variables).toEqual([
        { Key: 'FACEID_APPCODE', Value: APPCODE },
        { Key: 'FACEID_NOTIFY_URL', Value: notifyUrl },
        { Key: 'FACEID_PROVIDER', Value: 'fidlite' },
        { Key: 'FACEID_RETURN_URL', Value: RETURN_URL },
      ]);
      expect(functions.get('deleteVerification')!.Environment.Variables).toEqual([]);
      expect(functions.get('whoami')!.Environment.Variables).toEqual([
        { Key: 'FACEID_OPERATOR_CONTACT', Value: OPERATOR.FACEID_OPERATOR_CONTACT },
        { Key: 'FACEID_OPERATOR_NAME', Value: OPERATOR.FACEID_OPERATOR_NAME },
        { Key: 'FACEID_PROVIDER', Value: 'fidlite' },
      ]);
      expect(functions.get('purgeVerifications')!.Triggers).toEqual([
        { TriggerName: 'dailyPurge', Type: 'timer', TriggerDesc: '{"cron":"0 0 3 * * * *"}' },
      ]);
      expect(functions.get('deliverResults')!.Triggers).toEqual([
        { TriggerName: 'everyMinute', Type: 'timer', TriggerDesc: '{"cron":"0 */1 * * * * *"}' },
      ]);
      expect(access.enabled).toBe(true);
      expect(access.routes.map((r) => [r.Path, r.Name, r.EnableAuth])).toEqual([
        ['/faceid/notify', 'faceidNotify', false],
        ['/faceidResults', 'faceidResults', false],
      ]);
      expect(functions.get('faceidResults')!.Environment.Variables).toEqual([
        { Key: 'FACEID_API_KEYS_SHA256', Value: KEYS_SHA256 },
      ]);

      const writes = api.writes().length;
      const second = await runDeploy(noEnvFile());
      expect(second.code).toBe(0);
      expect(second.out).toMatch(/environment prod-1a2b3c is up to date: nothing to change/);
      expect(api.writes().length).toBe(writes);
    },
    deploys(2),
  );
});

describe('the storage permission', () => {
  it(
    'is put back, alone, when someone changed it in the console',
    async () => {
      expect((await runDeploy(noEnvFile())).code).toBe(0);
      api.state.storage = { acl: 'READONLY' };
      const before = api.writes().length;
      const plan = await runDeploy(['--plan', ...noEnvFile()]);
      expect(plan.out.split('\n').filter((l) => l.startsWith('  '))).toEqual([
        '  storage: permission READONLY → CUSTOM {"read":false,"write":"resource.openid == auth.openid"}',
      ]);
      const r = await runDeploy(noEnvFile());
      expect(r.code).toBe(0);
      expect(
        api
          .writes()
          .slice(before)
          .map((c) => [c.action, c.params.AclTag, c.params.Bucket]),
      ).toEqual([['ModifyStorageSafeRule', 'CUSTOM', `${api.envId}-1250000000`]]);
      expect(api.state.storage.acl).toBe('CUSTOM');
      expect((await runDeploy(noEnvFile())).out).toMatch(/is up to date: nothing to change/);
    },
    deploys(4),
  );
});

describe('the storage permission API, as the platform answers it', () => {
  it('refuses a CUSTOM tag without a rule, a rule that is not read/write, an unknown tag, another bucket', async () => {
    const target = { EnvId: api.envId, Bucket: `${api.envId}-1250000000` };
    expect(await callTcb('ModifyStorageSafeRule', { ...target, AclTag: 'CUSTOM' })).toEqual({
      code: 'MissingParameter',
    });
    expect(
      await callTcb('ModifyStorageSafeRule', { ...target, AclTag: 'CUSTOM', Rule: '{"read":1}' }),
    ).toEqual({ code: 'InvalidParameter' });
    expect(
      await callTcb('ModifyStorageSafeRule', { ...target, AclTag: 'CUSTOM', Rule: '{"list":true}' }),
    ).toEqual({ code: 'InvalidParameter' });
    expect(await callTcb('ModifyStorageSafeRule', { ...target, AclTag: 'PUBLIC' })).toEqual({
      code: 'InvalidParameter',
    });
    expect(
      await callTcb('ModifyStorageSafeRule', {
        ...target,
        Bucket: 'someone-else-1250000000',
        AclTag: 'PRIVATE',
      }),
    ).toEqual({ code: 'ResourceNotFound' });
    expect(api.state.storage).toEqual({ acl: 'READONLY' });
    expect(await callTcb('DescribeStorageSafeRule', target)).toMatchObject({ ok: { AclTag: 'READONLY' } });
  });
});

describe('a deployment that fails half-way', () => {
  it(
    'finishes what it can, names what failed, and the next run does only the rest',
    async () => {
      api.failOnce('CreateFunction', 'getResult', 'LimitExceeded.Function', '函数数量超过限制');
      const first = await runDeploy(noEnvFile());
      expect(first.code).toBe(1);
      expect(first.err).toMatch(/^deploy failed: function getResult: .*\[CreateFunction\] 函数数量超过限制/m);
      expect(first.err).toContain('run again to finish');
      expect(api.state.functions.has('getResult')).toBe(false);
      expect(api.state.functions.has('getBizToken')).toBe(true);
      expect(api.state.access.routes).toEqual([]);

      const before = api.writes().length;
      const second = await runDeploy(noEnvFile());
      expect(second.err).toBe('');
      expect(second.code).toBe(0);
      expect([
        ...new Set(
          api
            .writes()
            .slice(before)
            .map((c) => `${c.action} ${paramText(c.params.FunctionName)}`),
        ),
      ]).toEqual(['CreateFunction getResult', 'ModifyCloudBaseGWPrivilege ', 'CreateCloudBaseGWAPI ']);
    },
    deploys(2),
  );
});

describe('an environment that drifted', () => {
  beforeEach(async () => {
    const r = await runDeploy(noEnvFile());
    expect(r.code).toBe(0);
  }, deploys(1));

  it(
    'changes only what differs: a variable, a time-out, an index, a permission, a route that asks for sign-in',
    async () => {
      const { functions, collections, access } = api.state;
      functions.get('getResult')!.Timeout = 3;
      const verifications = collections.get('faceid_verifications')!;
      verifications.indexes = verifications.indexes.filter((i) => i.Name !== 'bizToken');
      collections.get('faceid_counters')!.acl = 'PRIVATE';
      access.routes[0].EnableAuth = true;
      const before = api.writes().length;

      const plan = await runDeploy(['--plan', ...noEnvFile()], {
        ...FACEID,
        FACEID_APPCODE: 'another-appcode-value',
      });
      expect(plan.code).toBe(0);
      const planned = plan.out.split('\n').filter((l) => l.startsWith('  '));
      expect(planned).toEqual([
        '  collection faceid_verifications: create index bizToken (bizToken asc)',
        '  collection faceid_counters: permission PRIVATE → ADMINONLY',
        '  function getBizToken: change FACEID_APPCODE to (hidden)',
        '  function getResult: time-out 3 → 40 s',
        '  function getResult: change FACEID_APPCODE to (hidden)',
        '  function listVerifications: change FACEID_APPCODE to (hidden)',
        '  function purgeVerifications: change FACEID_APPCODE to (hidden)',
        '  function deliverResults: change FACEID_APPCODE to (hidden)',
        '  function faceidNotify: change FACEID_APPCODE to (hidden)',
        '  HTTP access: route /faceid/notify → faceidNotify without sign-in (called from outside CloudBase)',
      ]);
      expect(api.writes().length).toBe(before);

      const r = await runDeploy(noEnvFile(), { ...FACEID, FACEID_APPCODE: 'another-appcode-value' });
      expect(r.code).toBe(0);
      expect(r.out).not.toContain('another-appcode-value');
      expect(
        api
          .writes()
          .slice(before)
          .map(
            (c) =>
              `${c.action} ${paramText(c.params.FunctionName ?? c.params.TableName ?? c.params.CollectionName)}`,
          )
          .sort(),
      ).toEqual([
        'ModifyCloudBaseGWAPIPrivilegeBatch ',
        'ModifyDatabaseACL faceid_counters',
        'UpdateFunctionConfiguration deliverResults',
        'UpdateFunctionConfiguration faceidNotify',
        'UpdateFunctionConfiguration getBizToken',
        'UpdateFunctionConfiguration getResult',
        'UpdateFunctionConfiguration listVerifications',
        'UpdateFunctionConfiguration purgeVerifications',
        'UpdateTable faceid_verifications',
      ]);
      expect(functions.get('getResult')!.Timeout).toBe(40);
      expect(functions.get('getResult')!.Environment.Variables).toContainEqual({
        Key: 'FACEID_APPCODE',
        Value: 'another-appcode-value',
      });
      expect(access.routes[0].EnableAuth).toBe(false);
    },
    deploys(2),
  );

  it(
    'finds its collections among many others (the list comes in pages of 100)',
    async () => {
      const ours = [...api.state.collections.entries()];
      api.state.collections.clear();
      for (let i = 0; i < 150; i++) api.state.collections.set(`other_${i}`, { indexes: [], acl: 'PRIVATE' });
      for (const [name, collection] of ours) api.state.collections.set(name, collection);
      const before = api.writes().length;
      const r = await runDeploy(noEnvFile());
      expect(r.err).toBe('');
      expect(r.out).toContain('is up to date');
      expect(api.writes().length).toBe(before);
    },
    deploys(1),
  );

  it(
    'uploads the code of a function whose bundle changed, and only that one',
    async () => {
      api.state.functions.get('deleteVerification')!.Description =
        'FaceID deleteVerification code 0000000000000000';
      const before = api.writes().length;
      const r = await runDeploy(noEnvFile());
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/function deleteVerification: upload code [0-9a-f]{16}/);
      expect(
        api
          .writes()
          .slice(before)
          .map((c) => `${c.action} ${String(c.params.FunctionName)}`),
      ).toEqual([
        'UpdateFunctionCode deleteVerification',
        'UpdateFunctionConfiguration deleteVerification',
        'UpdateFunctionConfiguration deleteVerification',
      ]);
      expect(api.state.functions.get('deleteVerification')!.Description).toMatch(
        /^FaceID deleteVerification code [0-9a-f]{16}$/,
      );
      expect(api.state.functions.get('deleteVerification')!.Description).not.toBe(
        'FaceID deleteVerification code 0000000000000000',
      );
    },
    deploys(1),
  );

  it(
    'refuses a function created with another runtime, and re-creates it with --replace-runtime',
    async () => {
      // As the previous release deployed it: Node 20, installed by the cloud.
      api.state.functions.get('faceidNotify')!.Runtime = 'Nodejs20.19';
      api.state.functions.get('faceidNotify')!.InstallDependency = 'TRUE';
      const before = api.writes().length;
      const refused = await runDeploy(noEnvFile());
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(
        'faceidNotify runs Nodejs20.19 but cloudbaserc.json declares Nodejs24.11; CloudBase cannot change a ' +
          "function's runtime: run again with --replace-runtime",
      );
      expect(api.writes().length).toBe(before);

      const replaced = await runDeploy(['--replace-runtime', ...noEnvFile()]);
      expect(replaced.err).toBe('');
      expect(replaced.code).toBe(0);
      expect(replaced.out).toContain(
        'function faceidNotify: delete and re-create (Nodejs24.11, 256 MB, 40 s',
      );
      expect(api.state.functions.get('faceidNotify')!.Runtime).toBe('Nodejs24.11');
      expect(api.state.functions.get('faceidNotify')!.InstallDependency).toBe('FALSE');
      expect(api.state.access.routes.map((r) => [r.Path, r.Name, r.EnableAuth]).sort()).toEqual([
        ['/faceid/notify', 'faceidNotify', false],
        ['/faceidResults', 'faceidResults', false],
      ]);
      expect((await runDeploy(noEnvFile())).out).toContain('is up to date');
    },
    deploys(3),
  );
});

describe('the operator’s values', () => {
  it(
    'come from an untracked .env under the process environment',
    async () => {
      const envFile = join(work, 'deploy.env');
      writeFileSync(
        envFile,
        `FACEID_PROVIDER=fidlite\nFACEID_APPCODE=from-the-env-file-1234\nFACEID_RETURN_URL=${RETURN_URL}\nFACEID_RETENTION_DAYS=7\nFACEID_OPERATOR_NAME=示例科技有限公司\nFACEID_OPERATOR_CONTACT=400-000-0000\n`,
      );
      const r = await runDeploy(['--vars', envFile], { FACEID_RETENTION_DAYS: '14' });
      expect(r.code).toBe(0);
      const variables = (name: string) => api.state.functions.get(name)!.Environment.Variables;
      expect(variables('getResult')).toContainEqual({
        Key: 'FACEID_APPCODE',
        Value: 'from-the-env-file-1234',
      });
      expect(variables('purgeVerifications')).toContainEqual({ Key: 'FACEID_RETENTION_DAYS', Value: '14' });
      expect(variables('purgeVerifications')).toContainEqual({
        Key: 'FACEID_APPCODE',
        Value: 'from-the-env-file-1234',
      });
    },
    deploys(1),
  );

  it(
    'give the webhook to every function that ends a record, its secret never printed',
    async () => {
      const secret = 'whsec-deploy-0123456789abcdef';
      const r = await runDeploy(noEnvFile(), {
        ...FACEID,
        FACEID_WEBHOOK_URL: 'https://erp.example.com/faceid/results',
        FACEID_WEBHOOK_SECRET: secret,
      });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain('function deliverResults: set FACEID_WEBHOOK_SECRET = (hidden)');
      expect(r.out).not.toContain(secret);
      const variables = (name: string) => api.state.functions.get(name)!.Environment.Variables;
      for (const name of [
        'getBizToken',
        'getResult',
        'listVerifications',
        'purgeVerifications',
        'faceidNotify',
        'deliverResults',
      ])
        expect(variables(name)).toEqual(
          expect.arrayContaining([
            { Key: 'FACEID_WEBHOOK_URL', Value: 'https://erp.example.com/faceid/results' },
            { Key: 'FACEID_WEBHOOK_SECRET', Value: secret },
          ]),
        );
      expect(variables('whoami').map((v) => v.Key)).not.toContain('FACEID_WEBHOOK_SECRET');
    },
    deploys(1),
  );

  it(
    'refuse a webhook without its secret, or over http to another host',
    async () => {
      const missing = await runDeploy(noEnvFile(), {
        ...FACEID,
        FACEID_WEBHOOK_URL: 'https://erp.example.com/faceid/results',
      });
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('FACEID_WEBHOOK_SECRET');
      const plain = await runDeploy(noEnvFile(), {
        ...FACEID,
        FACEID_WEBHOOK_URL: 'http://erp.example.com/faceid/results',
        FACEID_WEBHOOK_SECRET: 'whsec-deploy-0123456789abcdef',
      });
      expect(plain.code).toBe(2);
      expect(plain.err).toContain(
        'FACEID_WEBHOOK_URL: FACEID_WEBHOOK_URL must be an https:// URL (http:// only to a loopback address)',
      );
      expect(plain.err).not.toContain('whsec-deploy');
      expect(api.writes()).toEqual([]);
    },
    deploys(2),
  );

  it(
    'are checked with the functions’ own rules before anything changes',
    async () => {
      const r = await runDeploy(noEnvFile(), {
        ...FACEID,
        FACEID_TIMEOUT_MS: '30000',
        FACEID_RATE_LIMIT: 'lots',
        FACEID_MINIPROGRAM_APPID: 'my-mini-program',
      });
      expect(r.code).toBe(2);
      expect(r.err).toContain('FACEID_RATE_LIMIT: FACEID_RATE_LIMIT must be <count>/<seconds>');
      expect(r.err).toContain(
        'FACEID_MINIPROGRAM_APPID: FACEID_MINIPROGRAM_APPID must be an AppID, wx and 16 letters or digits',
      );
      expect(r.err).toContain(
        "FACEID_TIMEOUT_MS: 30000 ms needs getBizToken's time-out to be at least 96 s (cloudbaserc.json declares 40 s)",
      );
      expect(api.writes()).toEqual([]);
    },
    deploys(1),
  );

  it(
    'never reach any host but the Tencent Cloud API stand-in',
    async () => {
      await runDeploy(noEnvFile());
      expect(api.refusedHosts).toEqual([]);
      expect(new Set(api.calls.map((c) => c.service))).toEqual(new Set(['tcb', 'scf']));
    },
    deploys(1),
  );
});
