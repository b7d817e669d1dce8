/**
 * `npm run bench:check`: the deterministic size budgets (each bundle whole and its own code, own code in the main
 * package); exit 1 on a miss.
 */
import { parseArgs } from 'node:util';
import { BUDGETS, verdict } from './budgets';
import { bundleSizes } from './cold';
import { measurePackage } from './package-size';
import { kb } from './stats';
import { blockExternalNetwork } from '../pipeline/offline';

// The benchmark measures loopback only; miniprogram-ci's compile would otherwise phone WeChat's servers.
blockExternalNetwork();

async function main(): Promise<number> {
  const lines: [string, number, number][] = (await bundleSizes()).flatMap(({ name, bytes, ownBytes }) => [
    [`cloudfunctions/${name}/index.js`, bytes, BUDGETS.bundleBytes] as [string, number, number],
    [`cloudfunctions/${name}/index.js, own code`, ownBytes, BUDGETS.ownBundleBytes] as [
      string,
      number,
      number,
    ],
  ]);
  const pkg = await measurePackage();
  lines.push(['main package, own code', pkg.ownBytes, BUDGETS.ownPackageBytes]);
  let misses = 0;
  for (const [what, bytes, limit] of lines) {
    const v = verdict(bytes, limit);
    if (v === 'MISS') misses++;
    console.log(`${v}  ${what}  ${kb(bytes)} (budget ${kb(limit)})`);
  }
  return misses ? 1 : 0;
}

const USAGE = `usage: npm run bench:check
  checks each cloud function bundle (whole, and its own code) and the main package's own code against their size
  budgets (exit 1 on a miss)
  --help  this text`;

/** `help` for --help; the usage error's message for anything else on the command line. */
function parseCheckArgs(argv: string[]): { help: boolean } | { error: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { help: { type: 'boolean', short: 'h' } },
    });
    return { help: values.help === true };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const parsed = parseCheckArgs(process.argv.slice(2));
if ('error' in parsed) {
  console.error(`bench:check: ${parsed.error}\n${USAGE}`);
  process.exit(2);
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
// build-mp's compiler leaves handles open; exit explicitly.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench:check failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
