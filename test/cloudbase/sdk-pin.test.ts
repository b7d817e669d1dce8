import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const json = (path: string): Record<string, Record<string, string>> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>;
const pkg = json(join(ROOT, 'package.json'));
const functionFolders = readdirSync(join(ROOT, 'cloudfunctions'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Every version of a package the lockfile installs anywhere in the tree. */
function lockedVersions(name: string): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  return Object.entries(lock.packages)
    .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    .map(([, entry]) => entry.version ?? '');
}

const atLeast = (version: string, minimum: string): boolean => {
  const [a, b] = [version, minimum].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
};

describe('wx-server-sdk version', () => {
  const rootPin = pkg.devDependencies['wx-server-sdk'];

  it('is pinned exactly at the root, and the installed copy is that version', () => {
    expect(rootPin).toMatch(/^\d+\.\d+\.\d+$/);
    expect(json(join(ROOT, 'node_modules', 'wx-server-sdk', 'package.json')).version).toBe(rootPin);
  });

  it('is the copy inside every bundle, and no cloud function asks the cloud to install anything', () => {
    expect(functionFolders.length).toBeGreaterThanOrEqual(7);
    for (const name of functionFolders) {
      const manifest = json(join(ROOT, 'cloudfunctions', name, 'package.json'));
      expect({ name, dependencies: manifest.dependencies ?? {} }).toEqual({ name, dependencies: {} });
      const bundle = readFileSync(join(ROOT, 'cloudfunctions', name, 'index.js'), 'utf8');
      expect(bundle).toMatch(
        new RegExp(`name:\\s*"wx-server-sdk",\\s*version:\\s*"${rootPin.replace(/\./g, '\\.')}"`),
      );
    }
  });
});

describe('the packages under wx-server-sdk with published advisories', () => {
  it('lift axios (0.27.2 in the SDK: CVE-2025-27152, CVE-2025-58754 and later) to a fixed 0.x everywhere', () => {
    const lifted = pkg.overrides.axios;
    expect(lifted).toMatch(/^0\.\d+\.\d+$/);
    expect(atLeast(lifted, '0.31.1')).toBe(true);
    expect(lockedVersions('axios')).toEqual([lifted]);
    expect(json(join(ROOT, 'node_modules', 'axios', 'package.json')).version).toBe(lifted);
  });
});
