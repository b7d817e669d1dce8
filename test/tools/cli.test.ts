import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseBenchArgs } from '../../bench/args';
import { parseSandboxArgs } from '../../dev/sandbox/main';
import { parseStartArgs } from '../../dev/start';

const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** Runs a CLI as `npx tsx <file> ...` would, with no BENCH_/PORT/SANDBOX_ variables of this process. */
function runCli(file: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(BENCH_|SANDBOX_|PORT$|DATA_DIR$|TCB_)/.test(name)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [file, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
  });
}

/** Each CLI, the first line of its usage, and one argument it refuses. */
const CLIS = [
  ['npm run records', 'ops/records.ts', 'usage: npm run records', ['list', '--limit', 'many']],
  [
    'npm run upload / preview',
    'pipeline/deliver/main.ts',
    'usage: npm run <upload | preview>',
    ['upload', '--force'],
  ],
  ['npm run sandbox', 'dev/sandbox/main.ts', 'usage: npm run sandbox', ['--port', 'http']],
  ['npm start', 'dev/start.ts', 'usage: npm start', ['--port', '70000']],
  ['npm run bench', 'bench/run.ts', 'usage: npm run bench', ['--rounds', '0']],
  ['npm run bench:check', 'bench/check.ts', 'usage: npm run bench:check', ['--budget', '1']],
  ['npm run deploy', 'pipeline/deploy/main.ts', 'usage: npm run deploy', ['--planned']],
  ['npm run review', 'pipeline/review/review.ts', 'usage: npm run review', ['--varz']],
] as const;

describe.each(CLIS)('%s', (_name, file, usage, bad) => {
  it('answers --help with its usage on stdout and exit 0, doing nothing else', async () => {
    const r = await runCli(file, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith(usage)).toBe(true);
    expect(r.out).toContain('--help');
    expect(r.err).toBe('');
  }, 60_000);

  it(`refuses ${JSON.stringify(bad)} with the usage on stderr and exit 2`, async () => {
    const r = await runCli(file, [...bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(usage);
  }, 60_000);
});

describe('options and the variables they stand for', () => {
  it('npm start: --port, --data-dir and --quiet win over PORT, DATA_DIR and QUIET, which are the defaults', () => {
    const env = { PORT: '9000', DATA_DIR: '/tmp/from-env', QUIET: '1' };
    expect(parseStartArgs([], env)).toEqual({
      help: false,
      port: 9000,
      dataDir: '/tmp/from-env',
      quiet: true,
      provider: 'fidlite',
    });
    expect(parseStartArgs(['--port', '0', '--data-dir', '/tmp/x'], { PORT: '9000' })).toEqual({
      help: false,
      port: 0,
      dataDir: '/tmp/x',
      quiet: false,
      provider: 'fidlite',
    });
    expect(parseStartArgs(['--provider', 'wechat'], {})).toMatchObject({ provider: 'wechat' });
    expect(parseStartArgs([], { FACEID_PROVIDER: 'wechat' })).toMatchObject({ provider: 'wechat' });
    expect(() => parseStartArgs(['--provider', 'megvii-lite'], {})).toThrow(
      '--provider must be fidlite or wechat',
    );
    expect(parseStartArgs([], {})).toMatchObject({
      port: 8780,
      dataDir: join(__dirname, '..', '..', '.data'),
      quiet: false,
    });
    expect(() => parseStartArgs([], { PORT: 'eighty' })).toThrow('PORT must be a port number, not "eighty"');
  });

  it('npm run sandbox: --port and --appcode win over SANDBOX_PORT and SANDBOX_APPCODE', () => {
    expect(parseSandboxArgs([], {})).toEqual({ help: false, port: 8787, appcode: 'sandbox-appcode' });
    expect(parseSandboxArgs([], { SANDBOX_PORT: '0', SANDBOX_APPCODE: 'env-code' })).toEqual({
      help: false,
      port: 0,
      appcode: 'env-code',
    });
    expect(parseSandboxArgs(['--port', '1234', '--appcode', 'cli-code'], { SANDBOX_PORT: '0' })).toEqual({
      help: false,
      port: 1234,
      appcode: 'cli-code',
    });
    expect(() => parseSandboxArgs(['--port', '65536'], {})).toThrow('--port must be a port number');
  });

  it('npm run bench: each count from its option, else its BENCH_ variable, else the default', () => {
    const parsed = parseBenchArgs(['--rounds', '20', '--flows', '5'], {
      BENCH_ROUNDS: '999',
      BENCH_WARMUP: '0',
    });
    expect(parsed).toEqual({
      help: false,
      counts: {
        rounds: 20,
        warmup: 0,
        'cold-runs': 7,
        'production-rounds': 100,
        'production-warmup': 10,
        flows: 5,
      },
    });
    expect(() => parseBenchArgs([], { BENCH_FLOWS: 'lots' })).toThrow(
      'BENCH_FLOWS needs a whole number from 1, not "lots"',
    );
  });
});
