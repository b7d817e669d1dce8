/** `npm run bench:check`: the deterministic size budgets (bundles, own code in the main package); exit 1 on a miss. */
import { BUDGETS, verdict } from './budgets';
import { bundleSizes } from './cold';
import { measurePackage } from './package-size';
import { kb } from './stats';
import { blockExternalNetwork } from '../tools/offline';

// The benchmark measures loopback only; miniprogram-ci's compile would otherwise phone WeChat's servers.
blockExternalNetwork();

async function main(): Promise<number> {
  const lines: [string, number, number][] = bundleSizes().map(({ name, bytes }) => [
    `cloudfunctions/${name}/index.js`,
    bytes,
    BUDGETS.bundleBytes,
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

// build-mp's compiler leaves handles open; exit explicitly.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench:check failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
