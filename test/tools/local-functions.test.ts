import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readManifest } from '../../pipeline/functions-manifest';
import { createLocalFunctions, type LocalFunctions } from '../../dev/local-cloud/functions';

const ROOT = resolve(__dirname, '..', '..');
const base = readManifest();

/** A folder inside the repository (node_modules is one level up) with one bundle per given source. */
function functionsFolder(bundles: Record<string, string>): string {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const folder = mkdtempSync(join(ROOT, 'tmp', 'local-functions-'));
  for (const [name, code] of Object.entries(bundles)) {
    mkdirSync(join(folder, name));
    writeFileSync(join(folder, name, 'index.js'), code);
  }
  return folder;
}

describe('a bundle run by the local cloud', () => {
  let folder: string;
  let functions: LocalFunctions;
  beforeAll(() => {
    folder = functionsFolder({
      needsSdk: "exports.main = async () => require('wx-server-sdk').DYNAMIC_CURRENT_ENV ? 'sdk' : 'sdk';",
      builtinsOnly:
        "exports.main = async () => require('node:crypto').createHash('sha256').update('a').digest('hex').length;",
    });
    const declare = (name: string) => ({ ...base.functions[0], name, triggers: undefined, path: undefined });
    functions = createLocalFunctions({
      cloudEnv: {},
      env: {},
      functionsDir: folder,
      manifest: { ...base, functions: [declare('needsSdk'), declare('builtinsOnly')] },
      offline: true,
    });
  });
  afterAll(async () => {
    await functions.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('cannot take a package from node_modules, which the cloud does not have beside it', async () => {
    await expect(functions.invoke('needsSdk', {}, 'o-user-1')).rejects.toMatchObject({
      errCode: -504002,
      errMsg: expect.stringContaining("Cannot find module 'wx-server-sdk'") as unknown,
    });
  });

  it("still loads Node.js's own modules", async () => {
    await expect(functions.invoke('builtinsOnly', {}, 'o-user-1')).resolves.toBe(64);
  });
});

describe('a function past its concurrency limit', () => {
  let folder: string;
  let functions: LocalFunctions;
  beforeAll(() => {
    folder = functionsFolder({
      slow: 'exports.main = (event) => new Promise((done) => setTimeout(() => done(event.n), 500));',
    });
    functions = createLocalFunctions({
      cloudEnv: {},
      env: {},
      functionsDir: folder,
      manifest: {
        ...base,
        functions: [{ ...base.functions[0], name: 'slow', triggers: undefined, path: undefined }],
      },
      offline: true,
      instances: 1,
      concurrencyLimit: 2,
    });
  });
  afterAll(async () => {
    await functions.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('answers the call over the limit at once with the platform failure, while the others run, and takes the next', async () => {
    const settled: string[] = [];
    const call = (n: number) =>
      functions.invoke('slow', { n }, 'o-user-1').then(
        (answer) => settled.push(`done ${String(answer)}`),
        (error: { errCode: number; errMsg: string }) => settled.push(`${error.errCode} ${error.errMsg}`),
      );
    await Promise.all([call(1), call(2), call(3)]);
    expect(settled).toEqual([
      '-504002 functions execute fail: ResourceLimitReached: slow is running 2 invocations, its concurrency limit',
      'done 1',
      'done 2',
    ]);
    await expect(functions.invoke('slow', { n: 4 }, 'o-user-1')).resolves.toBe(4);
  });
});
