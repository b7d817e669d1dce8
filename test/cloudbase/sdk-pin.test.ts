import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const json = (path: string): Record<string, Record<string, string>> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>;

describe('wx-server-sdk version', () => {
  const rootPin = json(join(ROOT, 'package.json')).devDependencies['wx-server-sdk'];

  it('is pinned exactly at the root, and the installed copy is that version', () => {
    expect(rootPin).toMatch(/^\d+\.\d+\.\d+$/);
    expect(json(join(ROOT, 'node_modules', 'wx-server-sdk', 'package.json')).version).toBe(rootPin);
  });

  it('is the same pin in every cloud function, the only dependency the cloud installs', () => {
    const folders = readdirSync(join(ROOT, 'cloudfunctions'), { withFileTypes: true }).filter((d) =>
      d.isDirectory(),
    );
    expect(folders.length).toBeGreaterThanOrEqual(7);
    for (const folder of folders) {
      const manifest = json(join(ROOT, 'cloudfunctions', folder.name, 'package.json'));
      expect({ name: folder.name, dependencies: manifest.dependencies }).toEqual({
        name: folder.name,
        dependencies: { 'wx-server-sdk': rootPin },
      });
    }
  });
});
