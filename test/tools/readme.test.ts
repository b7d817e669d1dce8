import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_RATE_LIMIT, USAGE } from '../../dev/start';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const FIRST_SCREEN = README.slice(0, README.indexOf('\n## '));

describe("README's first screen", () => {
  it('opens with the two commands of a fresh machine', () => {
    const block = /```bash\n([\s\S]*?)```/.exec(FIRST_SCREEN)?.[1] ?? '';
    expect(block.split('\n')[0]).toMatch(/^bash \.ci\/start\b/);
    expect(block.split('\n')[1]).toMatch(/^bash \.ci\/run\b/);
  });

  it('names every package .ci/run installs with apt', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    const packages = [...ci.matchAll(/apt-get install -y ([^\n]+)/g)].flatMap((m) =>
      m[1].trim().split(/\s+/),
    );
    expect(packages.length).toBeGreaterThan(0);
    expect(FIRST_SCREEN).toContain('apt-get');
    for (const pkg of packages) expect(FIRST_SCREEN).toContain(`\`${pkg}\``);
  });

  it("lists npm start's options exactly as its usage has them, with the local rate limit", () => {
    const table = [...FIRST_SCREEN.matchAll(/^\| `(--[a-z-]+)[^`]*` +\|/gm)].map((m) => m[1]).sort();
    const usage = [...USAGE.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]).filter((o) => o !== '--help');
    expect(table).toEqual(usage.sort());
    expect(FIRST_SCREEN).toMatch(
      new RegExp(`\\| — +\\| \`FACEID_RATE_LIMIT\` +\\| \`${LOCAL_RATE_LIMIT}\` +\\|`),
    );
  });

  it('names only sandbox controls the sandbox has', () => {
    const control = readFileSync(join(ROOT, 'dev', 'sandbox', 'control.ts'), 'utf8');
    const routes = new Set([...control.matchAll(/add\('[A-Z]+', '(\/[a-z]+)\/?'/g)].map((m) => m[1]));
    const named = [...FIRST_SCREEN.matchAll(/`(?:[A-Z/]+ )?(\/[a-z]+)[^`]*`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThanOrEqual(6);
    for (const route of named) expect(routes).toContain(route);
  });
});

describe('the docs', () => {
  it('cite docs/providers.md, never files outside the repository', () => {
    const docs = [
      'README.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const citing = docs.filter((doc) =>
      /shared\/(reference|seeds)\//.test(readFileSync(join(ROOT, doc), 'utf8')),
    );
    expect(citing).toEqual([]);
  });
});
