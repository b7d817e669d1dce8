/**
 * Bundles each cloud function from server/functions/<name> into cloudfunctions/<name>/index.js (CommonJS) for the
 * Node.js version its runtime declares (cloudbaserc.json), and writes its config.json from that declaration.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { declarationOf, devtoolsConfigOf, nodeVersionOf, readManifest } from './functions-manifest';
import { nodeVersionGuard } from './node-version-guard';

const ROOT = resolve(__dirname, '..');
const SOURCES = join(ROOT, 'server', 'functions');
const TARGET = join(ROOT, 'cloudfunctions');

/** Packages the cloud provides or installs per function; never bundled. */
export const EXTERNAL_PACKAGES = ['wx-server-sdk'];

/**
 * Writes a file only when its content changes, through a rename, so a process reading it (a test, the local host)
 * never sees it half written.
 */
function writeIfChanged(path: string, content: Uint8Array | string): void {
  const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
  if (existsSync(path) && readFileSync(path).equals(bytes)) return;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

/** Names of the cloud functions (one folder each under server/functions). */
export function functionNames(): string[] {
  return readdirSync(SOURCES)
    .filter((name) => existsSync(join(SOURCES, name, 'index.ts')))
    .sort();
}

/**
 * The functions read their declared time-outs from cloudbaserc.json; a bundle carries only those (names and
 * seconds), never the rest of the manifest.
 */
const declaredTimeoutsOnly: Plugin = {
  name: 'declared-time-outs-only',
  setup(plugins) {
    plugins.onLoad({ filter: /[\\/]cloudbaserc\.json$/ }, ({ path }) => ({
      loader: 'json',
      contents: JSON.stringify({
        functions: readManifest(path).functions.map(({ name, timeout }) => ({ name, timeout })),
      }),
    }));
  },
};

/** Builds every function; resolves with each bundle's size in bytes. */
export async function buildFunctions(): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  const manifest = readManifest();
  for (const name of functionNames()) {
    const declaration = declarationOf(name, manifest);
    const node = nodeVersionOf(declaration.runtime);
    const folder = join(TARGET, name);
    if (!existsSync(join(folder, 'package.json')))
      throw new Error(`cloudfunctions/${name}/package.json is missing`);
    const stray = readdirSync(folder).filter((f) => f.endsWith('.ts'));
    if (stray.length)
      throw new Error(`cloudfunctions/${name} must not contain TypeScript sources: ${stray.join(', ')}`);
    const outfile = join(folder, 'index.js');
    const { outputFiles } = await build({
      write: false,
      entryPoints: [join(SOURCES, name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: `node${node}`,
      format: 'cjs',
      external: EXTERNAL_PACKAGES,
      legalComments: 'none',
      logLevel: 'warning',
      plugins: [declaredTimeoutsOnly],
      banner: {
        js: `// Built by \`npm run build\` from server/functions/${name}. Do not edit.\n'use strict';\n${nodeVersionGuard(name, node)}`,
      },
    });
    writeIfChanged(outfile, outputFiles[0].contents);
    writeIfChanged(
      join(folder, 'config.json'),
      `${JSON.stringify(devtoolsConfigOf(declaration), null, 2)}\n`,
    );
    sizes[name] = outputFiles[0].contents.byteLength;
  }
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  buildFunctions().then(
    (sizes) => {
      for (const [name, size] of Object.entries(sizes))
        console.log(`cloudfunctions/${name}/index.js  ${(size / 1024).toFixed(1)} KB`);
    },
    (err: Error) => {
      console.error(`build failed: ${err.message}`);
      process.exit(1);
    },
  );
}
