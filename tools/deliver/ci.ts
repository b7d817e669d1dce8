/**
 * Delivery through miniprogram-ci: `upload` (a release), `preview` (a QR code image) and `deploy-functions`
 * (every folder under cloudfunctions/), with the variables, sandbox and secret guards in front of them.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFunctions } from '../build-functions';
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
  packNpmManually(options: {
    packageJsonPath: string;
    miniprogramNpmDistDir: string;
    ignores?: string[];
  }): Promise<{ miniProgramPackNum?: number; otherNpmPackNum?: number; warnList?: unknown[] }>;
  cloud: {
    uploadFunction(options: {
      project: object;
      env: string;
      name: string;
      path: string;
      remoteNpmInstall: boolean;
    }): Promise<{ filesCount?: number; packSize?: number } | undefined>;
  };
}

export type Command = 'upload' | 'preview' | 'deploy-functions';

export interface DeliverDeps {
  env?: NodeJS.ProcessEnv;
  /** Project root (where project.config.json is). */
  root?: string;
  /** The miniprogram-ci module; loaded on first use when not given. */
  ci?: MiniprogramCi;
  /** Builds the cloud-function bundles (default: tools/build-functions). */
  buildFunctions?: () => Promise<unknown>;
  /** Compiles the mini-program offline before an upload (default: tools/build-mp, the same as `npm run build:mp`). */
  compile?: (root: string) => Promise<void>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** A refusal or failure with its exit code: 2 for usage and configuration, 1 for everything else. */
export class DeliverError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** Where `npm run preview` writes the QR code. */
export const PREVIEW_QRCODE = join('dist', 'preview-qrcode.jpg');

const USAGE = `usage: tsx tools/deliver/main.ts <upload | preview [--allow-sandbox] | deploy-functions> [--desc <text>]`;

interface Args {
  command: Command;
  allowSandbox: boolean;
  note?: string;
}

/** Parses the command line. */
export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'upload' && command !== 'preview' && command !== 'deploy-functions')
    throw new DeliverError(command ? `unknown command ${command}\n${USAGE}` : USAGE, 2);
  const args: Args = { command, allowSandbox: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--allow-sandbox' && command === 'preview') args.allowSandbox = true;
    else if (flag === '--allow-sandbox')
      throw new DeliverError(
        '--allow-sandbox applies to preview only: a release never ships the stand-in',
        2,
      );
    else if (flag === '--desc' && rest[i + 1] !== undefined) args.note = rest[++i];
    else throw new DeliverError(`unknown argument ${flag}\n${USAGE}`, 2);
  }
  return args;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new DeliverError(`environment variable ${name} is not set`, 2);
  return value;
}

/** MP_ROBOT as 1..30 (default 1). */
export function robotFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.MP_ROBOT?.trim();
  if (!raw) return 1;
  const robot = Number(raw);
  if (!/^\d+$/.test(raw) || robot < 1 || robot > 30)
    throw new DeliverError('MP_ROBOT must be an integer from 1 to 30', 2);
  return robot;
}

/** Where the upload key comes from: MP_PRIVATE_KEY (content) or MP_PRIVATE_KEY_PATH (a file), exactly one. */
export function privateKeyFromEnv(env: NodeJS.ProcessEnv): { content: string } | { path: string } {
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
export async function withPrivateKey<T>(
  env: NodeJS.ProcessEnv,
  fn: (path: string) => Promise<T>,
): Promise<T> {
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

function checkPackage(
  root: string,
  config: ProjectConfig,
  env: NodeJS.ProcessEnv,
  args: Args,
  out: (l: string) => void,
): void {
  if (hasSandboxStandIn(root, config)) {
    if (!args.allowSandbox) {
      const how =
        args.command === 'preview'
          ? 'pass --allow-sandbox to preview it anyway'
          : `install Megvii's package there first (see ${config.miniprogramRoot}/${VENDOR_SLOT}/README.md)`;
      throw new DeliverError(
        `${config.miniprogramRoot}/${VENDOR_SLOT} holds the sandbox stand-in; ${how}`,
        1,
      );
    }
    out(
      `note: previewing with the sandbox stand-in in ${config.miniprogramRoot}/${VENDOR_SLOT} (--allow-sandbox)`,
    );
  }
  const hits = scanMiniprogram(root, env, config);
  if (hits.length) {
    throw new DeliverError(
      `secret scan found ${hits.length} problem(s) in the package:\n${hits.map((h) => `  ${describeHit(h)}`).join('\n')}`,
      1,
    );
  }
  out(`secret scan: 0 hits in ${config.miniprogramRoot}/`);
}

async function packNpm(
  ci: MiniprogramCi,
  root: string,
  config: ProjectConfig,
  out: (l: string) => void,
): Promise<void> {
  for (const relation of config.packNpmRelationList) {
    out(`packNpm ${relation.packageJsonPath} → ${relation.miniprogramNpmDistDir}`);
    const result = await ci.packNpmManually({
      packageJsonPath: resolve(root, relation.packageJsonPath),
      miniprogramNpmDistDir: resolve(root, relation.miniprogramNpmDistDir),
    });
    out(`  ${result.miniProgramPackNum ?? 0} mini-program package(s), ${result.otherNpmPackNum ?? 0} other`);
  }
}

function functionFolders(root: string, config: ProjectConfig): string[] {
  const dir = join(root, config.cloudfunctionRoot);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'package.json')))
    .map((e) => e.name)
    .sort();
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
  const appid = required(env, 'MP_APPID');
  const robot = robotFromEnv(env);
  privateKeyFromEnv(env);
  const tcbEnv = args.command === 'deploy-functions' ? required(env, 'TCB_ENV') : undefined;

  if (tcbEnv) {
    out('building cloud functions');
    await (deps.buildFunctions ?? buildFunctions)();
    const folders = functionFolders(root, config);
    const bundles = folders.map((name) => join(config.cloudfunctionRoot, name, 'index.js'));
    const leaked = scanFiles(root, bundles, env).filter((h) => h.kind !== 'variable-name');
    if (leaked.length)
      throw new DeliverError(
        `secret scan of the bundles:\n${leaked.map((h) => `  ${describeHit(h)}`).join('\n')}`,
        1,
      );
  } else {
    checkPackage(root, config, env, args, out);
    await (deps.compile ?? compileOffline(out))(root);
  }

  await withPrivateKey(env, async (privateKeyPath) => {
    const ci = deps.ci ?? loadCi();
    const project = new ci.Project({
      appid,
      type: 'miniProgram',
      projectPath: root,
      privateKeyPath,
      ignores: ['node_modules/**/*', '.git/**/*', '.data/**/*', 'dist/**/*', 'coverage/**/*'],
    });
    if (tcbEnv) {
      for (const name of functionFolders(root, config)) {
        out(`uploadFunction ${name} → ${tcbEnv}`);
        const result = await ci.cloud.uploadFunction({
          project,
          env: tcbEnv,
          name,
          path: join(root, config.cloudfunctionRoot, name),
          remoteNpmInstall: true,
        });
        out(
          `  ${name}: ${result?.filesCount ?? '?'} file(s), ${((result?.packSize ?? 0) / 1024).toFixed(1)} KB`,
        );
      }
      return;
    }
    await packNpm(ci, root, config, out);
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
}

/** Runs one delivery command; resolves with the process exit code (failures are printed, secrets redacted). */
export async function deliver(argv: string[], deps: DeliverDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const err = deps.err ?? ((line: string) => console.error(line));
  try {
    await run(parseArgs(argv), deps);
    return 0;
  } catch (error) {
    const message =
      error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
    err(`${argv[0] ?? 'deliver'} failed: ${redactSecrets(message, env)}`);
    return error instanceof DeliverError ? error.exitCode : 1;
  }
}
