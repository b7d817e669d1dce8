import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const DOUBLES = ['tools/sandbox', 'tools/cloudbase'];
const TESTED = ['server', 'miniprogram'];

/** Every module a source file names: static and dynamic imports, re-exports, require calls. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((ref) => ref.fileName);
}

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.[cm]?[jt]s$/.test(name))
    .map((name) => join(ROOT, folder, name));
}

describe('the test doubles share no code with what they stand in for', () => {
  it.each(DOUBLES)('%s imports nothing from server/ or miniprogram/', (folder) => {
    const files = sourcesUnder(folder);
    expect(files.length).toBeGreaterThan(2);
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(ROOT, resolve(dirname(file), spec)))
        .filter((target) => TESTED.some((dir) => target === dir || target.startsWith(`${dir}/`)))
        .map((target) => `${relative(ROOT, file)} → ${target}`),
    );
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
