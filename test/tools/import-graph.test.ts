import { exportImporters, importCycles, readModules } from '../support/import-graph';

/** The code that ships or runs the product, whose imports and exports are held to the rules below. */
const PRODUCT = ['server', 'miniprogram', 'pipeline', 'ops', 'dev', 'bench'];
/** Everything that may import it (the tests count as importers). */
const modules = readModules([...PRODUCT, 'test', 'typings']);
const importers = exportImporters(modules);

/** Exports that something outside the repository's imports takes, by file pattern and name, each with why. */
const ENTRY_EXPORTS: readonly { file: RegExp; name: string; why: string }[] = [
  {
    file: /^server\/functions\/[A-Za-z]+\/index\.ts$/,
    name: 'main',
    why: 'CloudBase calls a cloud function’s exports.main (the bundle is built from this entry)',
  },
];

/** server/ exports only tests import, each with why the test cannot reach it through the product instead. */
const TEST_READ_SERVER_EXPORTS: Readonly<Record<string, string>> = {
  'server/config.ts#VARIABLES': "the variables' table README's Configuration section is checked against",
  'server/config.ts#Variable': 'the type of one row of that table',
};

const isEntry = (key: string): boolean => {
  const [file, name] = key.split('#');
  return ENTRY_EXPORTS.some((entry) => entry.file.test(file) && entry.name === name);
};

describe('the import graph of server/, miniprogram/, pipeline/, ops/, dev/ and bench/', () => {
  it('is read from the sources (the walk finds known imports and exports)', () => {
    const entry = modules.get('server/functions/getBizToken/index.ts');
    expect(entry?.imports.map((i) => i.target)).toEqual(
      expect.arrayContaining(['server/runtime.ts', 'server/app/get-biz-token.ts']),
    );
    expect(entry?.exports.has('main')).toBe(true);
    expect(importers.get('server/runtime.ts#cloudFunction')?.size).toBeGreaterThan(5);
  });

  it('has no import cycle (type-only imports included): a module never needs itself to load or to type-check', () => {
    const product = new Map(
      [...modules].filter(([file]) => PRODUCT.some((dir) => file.startsWith(`${dir}/`))),
    );
    expect(importCycles(product)).toEqual([]);
  });

  it('has no export that nothing imports (entry points excepted); each is listed as file#name', () => {
    const unused = [...importers]
      .filter(
        ([key, by]) => PRODUCT.some((dir) => key.startsWith(`${dir}/`)) && by.size === 0 && !isEntry(key),
      )
      .map(([key]) => key);
    expect(unused).toEqual([]);
  });

  it('has no server/ export that only tests import: test-only code lives under test/', () => {
    const testOnly = [...importers]
      .filter(
        ([key, by]) =>
          key.startsWith('server/') &&
          by.size > 0 &&
          [...by].every((file) => file.startsWith('test/')) &&
          !(key in TEST_READ_SERVER_EXPORTS),
      )
      .map(([key, by]) => `${key} ← ${[...by].sort().join(', ')}`);
    expect(testOnly).toEqual([]);
  });

  it('keeps its exceptions true: each entry export exists, each test-read export is still read by tests only', () => {
    for (const entry of ENTRY_EXPORTS)
      expect([...importers.keys()].some((key) => isEntry(key) && entry.file.test(key.split('#')[0]))).toBe(
        true,
      );
    for (const key of Object.keys(TEST_READ_SERVER_EXPORTS)) {
      const by = importers.get(key);
      expect({ key, testsOnly: by !== undefined && [...by].every((f) => f.startsWith('test/')) }).toEqual({
        key,
        testsOnly: true,
      });
    }
  });
});
