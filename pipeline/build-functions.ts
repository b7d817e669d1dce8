/**
 * Bundles each cloud function from server/functions/<name> into cloudfunctions/<name>/index.js (CommonJS) for the
 * Node.js version its runtime declares (cloudbaserc.json), with wx-server-sdk and everything it needs as the
 * lockfile installed them (no remote npm install: the deployed code is the tested code), and writes its config.json
 * from that declaration.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import { declarationOf, devtoolsConfigOf, nodeVersionOf, readManifest } from './functions-manifest';
import { nodeVersionGuard } from './node-version-guard';

const ROOT = resolve(__dirname, '..');
const SOURCES = join(ROOT, 'server', 'functions');
const TARGET = join(ROOT, 'cloudfunctions');

/** A bundle's size in bytes, and how much of it is this project's own code (the rest: npm packages). */
interface BundleSize {
  bytes: number;
  ownBytes: number;
}

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

/** Bytes of the output that come from this project's files rather than from node_modules. */
function ownBytesOf(metafile: Metafile): number {
  const [output] = Object.values(metafile.outputs);
  return Object.entries(output.inputs)
    .filter(([input]) => !input.split(/[\\/]/).includes('node_modules'))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
}

/** Throws unless every module the bundle still requires at run time is one of Node.js's own. */
function checkSelfContained(name: string, metafile: Metafile): void {
  const [output] = Object.values(metafile.outputs);
  const outside = output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path);
  if (outside.length)
    throw new Error(`cloudfunctions/${name}/index.js would require ${outside.join(', ')} from node_modules`);
}

/** Builds every function; resolves with each bundle's size. */
export async function buildFunctions(): Promise<Record<string, BundleSize>> {
  const sizes: Record<string, BundleSize> = {};
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
    const { outputFiles, metafile } = await build({
      write: false,
      entryPoints: [join(SOURCES, name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: `node${node}`,
      format: 'cjs',
      // The bundle carries wx-server-sdk and its dependencies: minified, it stays under the deploy API's 1.5 MB.
      minify: true,
      metafile: true,
      legalComments: 'none',
      logLevel: 'warning',
      plugins: [declaredTimeoutsOnly],
      banner: {
        js: `// Built by \`npm run build\` from server/functions/${name}. Do not edit.\n'use strict';\n${nodeVersionGuard(name, node)}`,
      },
    });
    checkSelfContained(name, metafile);
    writeIfChanged(outfile, outputFiles[0].contents);
    writeIfChanged(
      join(folder, 'config.json'),
      `${JSON.stringify(devtoolsConfigOf(declaration), null, 2)}\n`,
    );
    sizes[name] = { bytes: outputFiles[0].contents.byteLength, ownBytes: ownBytesOf(metafile) };
  }
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  buildFunctions().then(
    (sizes) => {
      for (const [name, { bytes, ownBytes }] of Object.entries(sizes))
        console.log(
          `cloudfunctions/${name}/index.js  ${(bytes / 1024).toFixed(1)} KB (own code ${(ownBytes / 1024).toFixed(1)} KB)`,
        );
    },
    (err: Error) => {
      console.error(`build failed: ${err.message}`);
      process.exit(1);
    },
  );
}
