import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ROOT } from '../support/import-graph';

/** Where product code lives: what ships, stands in for the platform, builds, deploys or measures it. */
const PRODUCT = ['server', 'miniprogram', 'pipeline', 'ops', 'dev', 'bench'];
const NOT_SOURCE = new Set(['node_modules', 'miniprogram_npm', '.data', 'static']);
const TEXT = /\.(ts|js|json|wxml|wxss|html|md)$/;

function productFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return NOT_SOURCE.has(entry.name) ? [] : productFiles(path);
    return TEXT.test(entry.name) ? [relative(ROOT, path).split(sep).join('/')] : [];
  });
}

const files = PRODUCT.flatMap((dir) => productFiles(join(ROOT, dir)));
const lines = files.flatMap((file) =>
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .map((text, i) => ({ where: `${file}:${i + 1}`, text })),
);
const PROVIDERS_MD = readFileSync(join(ROOT, 'docs', 'providers.md'), 'utf8');
/** The anchors of docs/providers.md: its `<a id>`s and its headings' slugs, as GitHub renders them. */
const ANCHORS = new Set([
  ...[...PROVIDERS_MD.matchAll(/<a id="([\w-]+)"><\/a>/g)].map((m) => m[1]),
  ...[...PROVIDERS_MD.matchAll(/^#+ (.+)$/gm)].map((m) =>
    m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-'),
  ),
]);

describe("product code cites the vendor documents by docs/providers.md's anchors", () => {
  it('reads the product files and the anchors (the walk itself works)', () => {
    expect(files).toEqual(
      expect.arrayContaining(['server/providers/megvii-lite.ts', 'dev/sandbox/megvii-raw.ts']),
    );
    expect([...ANCHORS]).toEqual(
      expect.arrayContaining(['doc-megvii-lite', 'doc-fidlite', 'doc-megvii-raw']),
    );
  });

  it('never names a document by its seed number ("seed 000"…"seed 004")', () => {
    expect(lines.filter(({ text }) => /\bseeds? ?0\d\d\b/i.test(text)).map(({ where }) => where)).toEqual([]);
  });

  it('cites only anchors docs/providers.md declares', () => {
    const cited = lines.flatMap(({ where, text }) =>
      [...text.matchAll(/providers\.md#([\w-]+)/g)].map((m) => ({ where, anchor: m[1] })),
    );
    expect(cited.length).toBeGreaterThan(20);
    expect(cited.filter(({ anchor }) => !ANCHORS.has(anchor))).toEqual([]);
  });
});
