/**
 * `npm run build:mp`: compiles the mini-program offline with miniprogram-ci's own compiler (TypeScript, WXML,
 * WXSS, JSON), checks every .wxml with the official WXML compiler (wcc), fails on any error, and prints the
 * main-package size. `--project <dir>` builds another copy of the project; `--out <dir>` writes the compiled
 * package there (the secret-scan test reads it).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { blockExternalNetwork } from './offline';

type MiniprogramCi = typeof import('miniprogram-ci');
/** miniprogram-ci, loaded on first use: it prints a banner as soon as it is loaded. */
function loadCi(): MiniprogramCi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('miniprogram-ci') as MiniprogramCi;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wxmlCompiler = require('miniprogram-compiler') as {
  wxmlToJs(rootPath: string, options: { wxmlList: string[]; wxsList?: string[]; maxBuffer?: number }): string;
};

const REPO_ROOT = path.resolve(__dirname, '..');
/** WeChat's limit for the main package. */
const MAIN_PACKAGE_LIMIT = 2 * 1024 * 1024;
const STAND_IN_DIR = 'faceid-components/';
const HELPER_DIR = '@babel/runtime/';

interface BuildReport {
  /** Compiled file → bytes, as uploaded. */
  files: Record<string, number>;
  totalBytes: number;
  /** Pages, services, domain and app files. */
  ownBytes: number;
  /** The FaceID stand-in, replaced by the vendor package in production. */
  standInBytes: number;
  /** Helpers the compiler injects (@babel/runtime). */
  helperBytes: number;
  wxmlChecked: number;
}

function listFiles(dir: string, ext: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'miniprogram_npm') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, ext, base));
    else if (entry.name.endsWith(ext)) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** Runs wcc over every .wxml (and .wxs) under the mini-program root; throws with wcc's message on an error. */
function checkWxml(miniprogramRoot: string): number {
  const wxmlList = listFiles(miniprogramRoot, '.wxml');
  const wxsList = listFiles(miniprogramRoot, '.wxs');
  wxmlCompiler.wxmlToJs(miniprogramRoot, { wxmlList, wxsList, maxBuffer: 64 * 1024 * 1024 });
  return wxmlList.length;
}

function readProjectConfig(projectPath: string): { miniprogramRoot: string; appid: string } {
  const config = JSON.parse(fs.readFileSync(path.join(projectPath, 'project.config.json'), 'utf8')) as {
    miniprogramRoot?: string;
    appid?: string;
  };
  return { miniprogramRoot: config.miniprogramRoot ?? '', appid: config.appid ?? 'touristappid' };
}

/**
 * The folder miniprogram-ci's compiler makes in the working directory (SummerCompilerFactory.ensureCacheDir: the
 * MD5 of `<projectPath>|summer`), left empty after every compile.
 */
function compilerCacheDir(projectPath: string): string {
  return path.resolve(createHash('md5').update(`${projectPath}|summer`).digest('hex'));
}

/** Removes that folder when the compiler left it empty (another compile of the same project may still use it). */
function removeCompilerCacheDir(projectPath: string): void {
  try {
    fs.rmdirSync(compilerCacheDir(projectPath));
  } catch {
    // not there, or in use by another compile
  }
}

/** Compiles the project at `projectPath` without network; rejects on any compile error. */
export async function buildMiniProgram(
  projectPath: string = REPO_ROOT,
  outDir?: string,
): Promise<BuildReport> {
  const { miniprogramRoot, appid } = readProjectConfig(projectPath);
  const wxmlChecked = checkWxml(path.join(projectPath, miniprogramRoot));

  const ci = loadCi();
  const project = new ci.Project({
    appid,
    type: 'miniProgram',
    projectPath,
    // Required by the constructor; nothing is uploaded, so nothing is signed.
    privateKey: 'offline-build',
    ignores: ['node_modules/**/*', '**/*.md', `${miniprogramRoot}tsconfig.json`],
  });
  // The default attr() asks WeChat's servers about the appid; the exported defaults keep the build offline.
  project.attr = async () => ci.DefaultProjectAttr;

  const compiled = await ci
    .getCompiledResult({
      project,
      version: '0.0.0',
      setting: { es6: true, minify: true, useCompilerPlugins: ['typescript'] } as never,
      onProgressUpdate: () => undefined,
    })
    .finally(() => removeCompilerCacheDir(projectPath));

  const files: Record<string, number> = {};
  for (const [name, content] of Object.entries(compiled)) {
    if (name === 'tsconfig.json' || name.endsWith('.md')) continue;
    files[name] = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    if (outDir) {
      const target = path.resolve(outDir, name);
      if (!target.startsWith(path.resolve(outDir) + path.sep))
        throw new Error(`compiled file outside the package: ${name}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
  const sum = (pick: (name: string) => boolean) =>
    Object.entries(files).reduce((total, [name, bytes]) => (pick(name) ? total + bytes : total), 0);
  const standInBytes = sum((name) => name.startsWith(STAND_IN_DIR));
  const helperBytes = sum((name) => name.startsWith(HELPER_DIR));
  const totalBytes = sum(() => true);
  return {
    files,
    totalBytes,
    ownBytes: totalBytes - standInBytes - helperBytes,
    standInBytes,
    helperBytes,
    wxmlChecked,
  };
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * Runs `fn` with the console held back: miniprogram-ci logs its own progress and harmless "[error]" lines, which
 * are printed only when the compile really fails.
 */
export async function withCompilerOutputHeld<T>(fn: () => Promise<T>): Promise<T> {
  const held: string[] = [];
  const saved = CONSOLE_METHODS.map((name) => [name, console[name].bind(console)] as const);
  for (const name of CONSOLE_METHODS)
    console[name] = (...args: unknown[]) => void held.push(args.map(String).join(' '));
  try {
    return await fn();
  } catch (error) {
    for (const [name, method] of saved) console[name] = method;
    for (const line of held) console.error(line);
    throw error;
  } finally {
    for (const [name, method] of saved) console[name] = method;
  }
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--project');
  const projectPath = at >= 0 && argv[at + 1] ? path.resolve(argv[at + 1]) : REPO_ROOT;
  const outAt = argv.indexOf('--out');
  const outDir = outAt >= 0 && argv[outAt + 1] ? path.resolve(argv[outAt + 1]) : undefined;
  const report = await buildMiniProgram(projectPath, outDir);
  if (outDir) console.log(`Compiled package written to ${outDir}`);
  console.log(`WXML checked with wcc: ${report.wxmlChecked} files`);
  console.log(`Compiled with miniprogram-ci: ${Object.keys(report.files).length} files`);
  console.log(
    `Main package: ${kb(report.totalBytes)} total ` +
      `(own code ${kb(report.ownBytes)}, FaceID stand-in ${kb(report.standInBytes)}, ` +
      `compiler helpers ${kb(report.helperBytes)}); limit ${kb(MAIN_PACKAGE_LIMIT)}`,
  );
  if (report.totalBytes > MAIN_PACKAGE_LIMIT) throw new Error('the main package is over the 2 MB limit');
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  // The compile is offline by design; miniprogram-ci would otherwise send telemetry to WeChat's servers.
  blockExternalNetwork();
  // miniprogram-ci leaves worker processes and sockets open: exit explicitly either way.
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`build:mp failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
