import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
/** Folders that hold no source of ours (installed, generated or local data). */
const NOT_SOURCE = new Set(['node_modules', 'miniprogram_npm', '.git', '.data', 'coverage', 'dist', 'tmp']);

/** Every .ts file of the repository, relative to its root with `/` separators. */
function sourceFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return NOT_SOURCE.has(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path).split(sep).join('/')] : [];
  });
}

interface Project {
  /** The project's folder, relative to the root (`dev/preview/client`). */
  dir: string;
  options: ts.CompilerOptions;
  /** The files its include/exclude select, relative to the root. */
  files: string[];
}

function readProject(configPath: string): Project {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  return {
    dir: relative(ROOT, dirname(configPath)).split(sep).join('/'),
    options: parsed.options,
    files: parsed.fileNames.map((f) => relative(ROOT, f).split(sep).join('/')),
  };
}

const solution = readProject(join(ROOT, 'tsconfig.json'));
const references = ts.getParsedCommandLineOfConfigFile(
  join(ROOT, 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  },
)!.projectReferences!;
const projects = references.map((ref) => readProject(ts.resolveProjectReferencePath(ref)));
const byDir = new Map(projects.map((p) => [p.dir, p]));
const all = sourceFiles();

/** The project of the nearest folder holding a tsconfig.json (the one tsc, editors and ESLint pick for a file). */
function nearestProject(file: string): Project | undefined {
  for (let dir = dirname(file); dir !== '.'; dir = dirname(dir)) {
    const project = byDir.get(dir);
    if (project) return project;
  }
  return undefined;
}

/** The declaration files a project's program loads (its libraries and @types). */
function loadedLibraries(dir: string): string[] {
  const project = byDir.get(dir)!;
  const program = ts.createProgram(
    project.files.map((f) => join(ROOT, f)),
    project.options,
  );
  return program.getSourceFiles().map((s) => relative(ROOT, s.fileName).split(sep).join('/'));
}

describe('every TypeScript file is type-checked with the types of the place it runs', () => {
  it('the root tsconfig.json is a solution of projects and checks no file itself', () => {
    expect(solution.files).toEqual([]);
    expect(projects.map((p) => p.dir).sort()).toEqual(
      [
        'bench',
        'dev/wx',
        'miniprogram',
        'server',
        'test',
        'test/e2e',
        'test/miniprogram',
        'pipeline',
        'ops',
        'dev',
        'dev/preview/client',
      ].sort(),
    );
  });

  it('finds the repository’s sources (the walk itself works)', () => {
    expect(all).toEqual(
      expect.arrayContaining(['server/runtime.ts', 'dev/preview/client/main.ts', 'bench/run.ts']),
    );
    expect(all.some((f) => f.startsWith('node_modules/'))).toBe(false);
  });

  it('puts every .ts file in the project of its nearest folder (or, outside them, in some project), so `npm run typecheck` checks it', () => {
    const orphans = all.filter((file) => {
      const home = nearestProject(file);
      return home ? !home.files.includes(file) : !projects.some((p) => p.files.includes(file));
    });
    expect(orphans).toEqual([]);
  });

  it('checks the shared folder a second time as the cloud functions see it (Node, no mini-program API)', () => {
    const domain = all.filter((f) => f.startsWith('miniprogram/shared/'));
    expect(domain.length).toBeGreaterThan(0);
    expect(domain.filter((f) => !byDir.get('server')!.files.includes(f))).toEqual([]);
  });

  it('keeps the browser client out of the dev project and the dev tools out of the browser client', () => {
    expect(byDir.get('dev')!.files.filter((f) => f.startsWith('dev/preview/client/'))).toEqual([]);
    expect(byDir.get('dev/preview/client')!.files.every((f) => f.startsWith('dev/preview/client/'))).toBe(
      true,
    );
  });

  it('gives the cloud functions Node types and no DOM', () => {
    const libs = loadedLibraries('server');
    expect(libs.some((f) => f.includes('@types/node/'))).toBe(true);
    expect(libs.filter((f) => /lib\.dom|miniprogram-api-typings|@types\/jest/.test(f))).toEqual([]);
  });

  it('gives the mini-program the WeChat API types and no Node or DOM', () => {
    const libs = loadedLibraries('miniprogram');
    expect(libs.some((f) => f.includes('miniprogram-api-typings/'))).toBe(true);
    expect(libs.filter((f) => /lib\.dom|@types\/node\//.test(f))).toEqual([]);
  });

  it('gives the one fake wx (dev/wx) neither DOM, Node, jest nor the WeChat typings: its hosts supply those', () => {
    const libs = loadedLibraries('dev/wx');
    expect(libs.some((f) => f.startsWith('dev/wx/'))).toBe(true);
    expect(libs.filter((f) => /lib\.dom|@types\/|miniprogram-api-typings/.test(f))).toEqual([]);
  });

  it.each(['pipeline', 'ops', 'dev'])('gives %s Node types and no DOM', (dir) => {
    const libs = loadedLibraries(dir);
    expect(libs.some((f) => f.includes('@types/node/'))).toBe(true);
    expect(libs.filter((f) => /lib\.dom|miniprogram-api-typings/.test(f))).toEqual([]);
  });
});
