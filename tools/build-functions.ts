/** Bundles each cloud function from server/functions/<name> into cloudfunctions/<name>/index.js (CommonJS). */
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const SOURCES = join(ROOT, 'server', 'functions');
const TARGET = join(ROOT, 'cloudfunctions');

/** Packages the cloud provides or installs per function; never bundled. */
export const EXTERNAL_PACKAGES = ['wx-server-sdk'];

/** Names of the cloud functions (one folder each under server/functions). */
export function functionNames(): string[] {
  return readdirSync(SOURCES)
    .filter((name) => existsSync(join(SOURCES, name, 'index.ts')))
    .sort();
}

/** Builds every function; resolves with each bundle's size in bytes. */
export async function buildFunctions(): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const name of functionNames()) {
    const folder = join(TARGET, name);
    if (!existsSync(join(folder, 'package.json')))
      throw new Error(`cloudfunctions/${name}/package.json is missing`);
    const stray = readdirSync(folder).filter((f) => f.endsWith('.ts'));
    if (stray.length)
      throw new Error(`cloudfunctions/${name} must not contain TypeScript sources: ${stray.join(', ')}`);
    const outfile = join(folder, 'index.js');
    await build({
      entryPoints: [join(SOURCES, name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node16',
      format: 'cjs',
      external: EXTERNAL_PACKAGES,
      legalComments: 'none',
      logLevel: 'warning',
      banner: { js: `// Built by \`npm run build\` from server/functions/${name}. Do not edit.` },
    });
    sizes[name] = statSync(outfile).size;
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
