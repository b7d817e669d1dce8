import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
/** Each stand-in and the code that talks to the service it stands in for. */
const DOUBLES: [string, string[]][] = [
  ['dev/sandbox', ['server', 'miniprogram']],
  ['dev/cloudbase', ['server', 'miniprogram', 'ops']],
  ['dev/tencent-cloud-api', ['pipeline/deploy', 'server']],
];
/** What ships or runs against production: the cloud functions, the mini-program, the build/deliver/deploy pipeline. */
const SHIPPED = ['server', 'miniprogram', 'pipeline'];
const STAND_INS = ['dev'];

/** Every module a source file names: static and dynamic imports, re-exports, require calls. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((ref) => ref.fileName);
}

/** The repository paths a folder's sources import, as `file → target`, for targets under one of `dirs`. */
function importsInto(folder: string, dirs: string[]): string[] {
  return sourcesUnder(folder).flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(ROOT, resolve(dirname(file), spec)))
      .filter((target) => dirs.some((dir) => target === dir || target.startsWith(`${dir}/`)))
      .map((target) => `${relative(ROOT, file)} → ${target}`),
  );
}

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.[cm]?[jt]s$/.test(name))
    .map((name) => join(ROOT, folder, name));
}

describe('the test doubles share no code with what they stand in for', () => {
  it.each(DOUBLES)('%s imports nothing from %j', (folder, tested) => {
    expect(sourcesUnder(folder).length).toBeGreaterThan(0);
    const offending = importsInto(folder, tested);
    expect(offending).toEqual([]);
  });

  it('the check sees a server import when one is written', () => {
    const probe = ts.preProcessFile(
      "import { x } from '../../server/providers/megvii-sign';\nconst y = await import('../../server/config');",
      true,
      true,
    );
    expect(probe.importedFiles.map((ref) => ref.fileName)).toEqual([
      '../../server/providers/megvii-sign',
      '../../server/config',
    ]);
  });
});

describe('what ships never leans on a stand-in', () => {
  it.each(SHIPPED)('%s/ imports nothing from dev/', (folder) => {
    expect(sourcesUnder(folder).length).toBeGreaterThan(2);
    expect(importsInto(folder, STAND_INS)).toEqual([]);
  });

  it('the check sees a stand-in import when one is written', () => {
    const file = join(ROOT, 'pipeline', 'deploy', 'probe.ts');
    const spec = ts.preProcessFile("import { startCloudBase } from '../../dev/cloudbase';", true, true)
      .importedFiles[0].fileName;
    expect(relative(ROOT, resolve(dirname(file), spec))).toBe('dev/cloudbase');
  });
});
