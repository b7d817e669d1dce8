import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  allowScripts: Record<string, boolean>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};

/** The names of the locked packages that have an install script (the root project's own scripts aside). */
const withInstallScripts = [
  ...new Set(
    Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  ),
].sort();

describe('the install-script policy', () => {
  it('is enforced: npm refuses another Node.js and any install script allowScripts does not cover', () => {
    const npmrc = readFileSync(join(ROOT, '.npmrc'), 'utf8').split('\n');
    expect(npmrc).toEqual(expect.arrayContaining(['engine-strict=true', 'strict-allow-scripts=true']));
  });

  it('decides on every locked package with an install script, and on nothing else', () => {
    expect(Object.keys(pkg.allowScripts).sort()).toEqual(withInstallScripts);
  });

  it('runs only the script the build needs (esbuild checking its platform binary)', () => {
    expect(Object.entries(pkg.allowScripts).filter(([, allowed]) => allowed)).toEqual([['esbuild', true]]);
  });
});

describe('the declared dependencies', () => {
  it('include, at exact versions, the packages the tools require that came only through others', () => {
    expect(pkg.devDependencies['miniprogram-compiler']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies['miniprogram-exparser']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('form a tree npm ls accepts', async () => {
    await expect(
      run('npm', ['ls', '--all'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }),
    ).resolves.toBeDefined();
  }, 120_000);
});
