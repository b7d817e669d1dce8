/**
 * Delivery of the mini-program through miniprogram-ci: `upload` (a release) and `preview` (a QR code image), with
 * the variables, sandbox and secret guards in front of them, for the cloud environment given (`--env` or TCB_ENV).
 * The backend is deployed by `npm run deploy` (pipeline/deploy).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs as parseCommandLine } from 'node:util';
import {
  hasSandboxStandIn,
  readProjectConfig,
  versionInfo,
  VENDOR_SLOT,
  type ProjectConfig,
} from './project';
import { describeHit, packagedFiles, redactSecrets, scanFiles, type SecretHit } from './secret-scan';

/** A task update as miniprogram-ci reports it. */
export type ProgressTask = string | { id?: string; message?: string; status?: string };

export interface ProjectOptions {
  appid: string;
  type: 'miniProgram';
  projectPath: string;
  privateKeyPath: string;
  ignores: string[];
}

/** The part of the miniprogram-ci module delivery calls (the real module, or a fake in tests). */
export interface MiniprogramCi {
  Project: new (options: ProjectOptions) => object;
  upload(options: {
    project: object;
    version: string;
    desc: string;
    robot: number;
    setting: { useProjectConfig: boolean };
    onProgressUpdate: (task: ProgressTask) => void;
  }): Promise<unknown>;
  preview(options: {
    project: object;
    version: string;
    desc: string;
    robot: number;
    setting: { useProjectConfig: boolean };
    qrcodeFormat: 'image';
    qrcodeOutputDest: string;
    onProgressUpdate: (task: ProgressTask) => void;
  }): Promise<unknown>;
}

type Command = 'upload' | 'preview';

export interface DeliverDeps {
  env?: NodeJS.ProcessEnv;
  /** Project root (where project.config.json is). */
  root?: string;
  /** The miniprogram-ci module; loaded on first use when not given. */
  ci?: MiniprogramCi;
  /** Compiles the mini-program offline before an upload (default: pipeline/build-mp, the same as `npm run build:mp`). */
  compile?: (root: string) => Promise<void>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** A refusal or failure with its exit code: 2 for usage and configuration, 1 for everything else. */
class DeliverError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** Where `npm run preview` writes the QR code. */
export const PREVIEW_QRCODE = join('dist', 'preview-qrcode.jpg');

const USAGE = `usage: npm run <upload | preview> [-- --env <cloud env id>] [--desc <text>] [--allow-sandbox (preview)]
  --env <id>       the CloudBase environment the mini-program uses (default TCB_ENV; upload needs one)
  --desc <text>    appended to the version description
  --allow-sandbox  preview with the sandbox stand-in of the FaceID component
  --help           this text`;

interface Args {
  command: Command;
  allowSandbox: boolean;
  note?: string;
  cloudEnv?: string;
}

/** Parses the command line; `--help` (first or after the command) asks for the usage. */
export function parseArgs(argv: string[]): Args | { command: 'help' } {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') return { command: 'help' };
  if (command !== 'upload' && command !== 'preview')
    throw new DeliverError(command ? `unknown command ${command}\n${USAGE}` : USAGE, 2);
  let values: { 'allow-sandbox'?: boolean; desc?: string; env?: string; help?: boolean };
  try {
    ({ values } = parseCommandLine({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        'allow-sandbox': { type: 'boolean' },
        desc: { type: 'string' },
        env: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new DeliverError(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) return { command: 'help' };
  if (values['allow-sandbox'] && command !== 'preview')
    throw new DeliverError('--allow-sandbox applies to preview only: a release never ships the stand-in', 2);
  const args: Args = { command, allowSandbox: !!values['allow-sandbox'] };
  if (values.desc !== undefined) args.note = values.desc;
  if (values.env !== undefined) args.cloudEnv = values.env;
  return args;
}

/** Where the mini-program reads its cloud environment id, under miniprogramRoot. */
const CLOUD_ENV_MODULE = join('services', 'cloud-env.ts');

const CLOUD_ENV_LINE = /^const CLOUD_ENV = '[^'\n]*';$/m;

/** CloudBase environment ids: a letter, then letters, digits and hyphens. */
const CLOUD_ENV_ID = /^[A-Za-z][A-Za-z0-9-]{1,63}$/;

/** The environment the package is built for: --env, else TCB_ENV; required for an upload. */
function cloudEnvOf(args: Args, env: NodeJS.ProcessEnv): string | undefined {
  const id = args.cloudEnv?.trim() || env.TCB_ENV?.trim();
  if (!id) {
    if (args.command === 'upload')
      throw new DeliverError('set TCB_ENV or pass --env <id>: the cloud environment the release talks to', 2);
    return undefined;
  }
  if (!CLOUD_ENV_ID.test(id)) throw new DeliverError(`${id} is not a CloudBase environment id`, 2);
  return id;
}

/**
 * Runs `fn` with the mini-program's cloud environment module set to `id`, and puts the module back afterwards
 * (also when the process exits), so the repository never holds an environment id.
 */
async function withCloudEnv<T>(file: string, id: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (id === undefined) return fn();
  const original = readFileSync(file, 'utf8');
  if (!CLOUD_ENV_LINE.test(original)) throw new DeliverError(`${file} has no CLOUD_ENV line to set`, 1);
  const restore = (): void => writeFileSync(file, original);
  writeFileSync(file, original.replace(CLOUD_ENV_LINE, `const CLOUD_ENV = '${id}';`));
  process.once('exit', restore);
  try {
    return await fn();
  } finally {
    restore();
    process.off('exit', restore);
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new DeliverError(`environment variable ${name} is not set`, 2);
  return value;
}

/** MP_ROBOT as 1..30 (default 1). */
function robotFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.MP_ROBOT?.trim();
  if (!raw) return 1;
  const robot = Number(raw);
  if (!/^\d+$/.test(raw) || robot < 1 || robot > 30)
    throw new DeliverError('MP_ROBOT must be an integer from 1 to 30', 2);
  return robot;
}

/** Where the upload key comes from: MP_PRIVATE_KEY (content) or MP_PRIVATE_KEY_PATH (a file), exactly one. */
function privateKeyFromEnv(env: NodeJS.ProcessEnv): { content: string } | { path: string } {
  const content = env.MP_PRIVATE_KEY?.trim();
  const path = env.MP_PRIVATE_KEY_PATH?.trim();
  if (content && path) throw new DeliverError('set only one of MP_PRIVATE_KEY and MP_PRIVATE_KEY_PATH', 2);
  if (path) {
    if (!existsSync(path)) throw new DeliverError('MP_PRIVATE_KEY_PATH names a file that does not exist', 2);
    return { path: resolve(path) };
  }
  if (!content)
    throw new DeliverError('environment variable MP_PRIVATE_KEY (or MP_PRIVATE_KEY_PATH) is not set', 2);
  return { content };
}

/**
 * Runs `fn` with the path of the upload private key: MP_PRIVATE_KEY_PATH as given, or MP_PRIVATE_KEY's content
 * written to a 0600 file in a fresh temporary folder that is removed afterwards (also when the process exits).
 */
async function withPrivateKey<T>(env: NodeJS.ProcessEnv, fn: (path: string) => Promise<T>): Promise<T> {
  const key = privateKeyFromEnv(env);
  if ('path' in key) return fn(key.path);
  const { content } = key;
  const dir = mkdtempSync(join(tmpdir(), 'mp-key-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  try {
    const file = join(dir, 'private.key');
    // Secrets stored as one line keep their line breaks as the two characters \n.
    const pem = content.includes('\n') ? content : content.replace(/\\n/g, '\n');
    writeFileSync(file, `${pem}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return await fn(file);
  } finally {
    cleanup();
    process.off('exit', cleanup);
  }
}

/** Packaged files under the mini-program root that hold secret names, secret values or private keys. */
export function scanMiniprogram(
  root: string,
  env: NodeJS.ProcessEnv,
  config = readProjectConfig(root),
): SecretHit[] {
  return scanFiles(root, packagedFiles(root, config.miniprogramRoot, config.packOptions), env);
}

function progress(out: (line: string) => void): (task: ProgressTask) => void {
  return (task) => {
    if (typeof task === 'string') out(`  ${task}`);
    else out(`  [${task.status ?? '…'}] ${task.message ?? task.id ?? ''}`);
  };
}

/** Why the package cannot go out while the sandbox stand-in occupies the vendor slot; undefined when it can. */
function standInProblem(args: Args, root: string, config: ProjectConfig): string | undefined {
  if (!hasSandboxStandIn(root, config) || (args.command === 'preview' && args.allowSandbox)) return undefined;
  const how =
    args.command === 'preview'
      ? 'pass --allow-sandbox to preview it anyway'
      : `install Megvii's package there first (see ${config.miniprogramRoot}/${VENDOR_SLOT}/README.md)`;
  return `${config.miniprogramRoot}/${VENDOR_SLOT} holds the sandbox stand-in; ${how}`;
}

/**
 * Every setting an upload or preview needs, checked before anything runs: all that is missing or wrong is named in
 * one error (exit 2; exit 1 when only the stand-in is in the way), so one run tells the operator everything to fix.
 */
function checkSettings(
  args: Args,
  env: NodeJS.ProcessEnv,
  root: string,
  config: ProjectConfig,
): { appid: string; robot: number; cloudEnv: string | undefined } {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof DeliverError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };
  const appid = attempt(() => required(env, 'MP_APPID'));
  const robot = attempt(() => robotFromEnv(env));
  attempt(() => privateKeyFromEnv(env));
  const cloudEnv = attempt(() => cloudEnvOf(args, env));
  const settingsWrong = problems.length > 0;
  const standIn = standInProblem(args, root, config);
  if (standIn) problems.push(standIn);
  if (problems.length || appid === undefined || robot === undefined)
    throw new DeliverError(
      problems.length === 1
        ? (problems[0] ?? '')
        : `${problems.length} things to fix first:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      settingsWrong ? 2 : 1,
    );
  return { appid, robot, cloudEnv };
}

function checkPackage(
  root: string,
  config: ProjectConfig,
  env: NodeJS.ProcessEnv,
  out: (l: string) => void,
): void {
  if (hasSandboxStandIn(root, config))
    out(
      `note: previewing with the sandbox stand-in in ${config.miniprogramRoot}/${VENDOR_SLOT} (--allow-sandbox)`,
    );
  const hits = scanMiniprogram(root, env, config);
  if (hits.length) {
    throw new DeliverError(
      `secret scan found ${hits.length} problem(s) in the package:\n${hits.map((h) => `  ${describeHit(h)}`).join('\n')}`,
      1,
    );
  }
  out(`secret scan: 0 hits in ${config.miniprogramRoot}/`);
}

function compileOffline(out: (line: string) => void): (root: string) => Promise<void> {
  return async (root) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildMiniProgram } = require('../build-mp') as typeof import('../build-mp');
    const report = await buildMiniProgram(root);
    out(`compiled offline: main package ${(report.totalBytes / 1024).toFixed(1)} KB`);
  };
}

function loadCi(): MiniprogramCi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('miniprogram-ci') as MiniprogramCi;
}

async function run(args: Args, deps: DeliverDeps): Promise<void> {
  const env = deps.env ?? process.env;
  const root = resolve(deps.root ?? join(__dirname, '..', '..'));
  const out = deps.out ?? ((line: string) => console.log(line));
  const config = readProjectConfig(root);
  const { appid, robot, cloudEnv } = checkSettings(args, env, root, config);
  out(
    cloudEnv
      ? `cloud environment: ${cloudEnv}`
      : 'cloud environment: the one the devtools select (no --env, no TCB_ENV)',
  );

  await withCloudEnv(join(root, config.miniprogramRoot, CLOUD_ENV_MODULE), cloudEnv, async () => {
    checkPackage(root, config, env, out);
    await (deps.compile ?? compileOffline(out))(root);
    await withPrivateKey(env, async (privateKeyPath) => {
      const ci = deps.ci ?? loadCi();
      const project = new ci.Project({
        appid,
        type: 'miniProgram',
        projectPath: root,
        privateKeyPath,
        ignores: ['node_modules/**/*', '.git/**/*', '.data/**/*', 'dist/**/*', 'coverage/**/*'],
      });
      const { version, desc } = versionInfo(
        root,
        env,
        args.note ?? (args.command === 'preview' ? 'preview' : undefined),
      );
      const common = {
        project,
        version,
        desc,
        robot,
        setting: { useProjectConfig: true },
        onProgressUpdate: progress(out),
      };
      out(`${args.command} ${appid} ${version} (${desc}), robot ${robot}`);
      if (args.command === 'upload') {
        await ci.upload(common);
        out(`uploaded ${version}`);
      } else {
        const qrcode = join(root, PREVIEW_QRCODE);
        mkdirSync(join(root, 'dist'), { recursive: true });
        await ci.preview({ ...common, qrcodeFormat: 'image', qrcodeOutputDest: qrcode });
        out(`preview QR code: ${qrcode}`);
      }
    });
  });
}

/** Runs one delivery command; resolves with the process exit code (failures are printed, secrets redacted). */
export async function deliver(argv: string[], deps: DeliverDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const err = deps.err ?? ((line: string) => console.error(line));
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') (deps.out ?? ((line: string) => console.log(line)))(USAGE);
    else await run(args, deps);
    return 0;
  } catch (error) {
    const message =
      error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
    err(`${argv[0] ?? 'deliver'} failed: ${redactSecrets(message, env)}`);
    return error instanceof DeliverError ? error.exitCode : 1;
  }
}
