/** The command line of `npm run bench`: how much it measures. */
import { parseArgs } from 'node:util';

/** How much the bench measures: each count from its option, else its BENCH_* variable, else the default. */
const COUNTS = {
  rounds: { variable: 'BENCH_ROUNDS', default: 300, min: 1, doc: 'timed latency rounds' },
  warmup: { variable: 'BENCH_WARMUP', default: 50, min: 0, doc: 'untimed warm-up rounds before them' },
  'cold-runs': {
    variable: 'BENCH_COLD_RUNS',
    default: 7,
    min: 1,
    doc: 'fresh processes per cold-start figure',
  },
  'production-rounds': {
    variable: 'BENCH_PRODUCTION_ROUNDS',
    default: 100,
    min: 1,
    doc: 'timed rounds on the production path',
  },
  'production-warmup': {
    variable: 'BENCH_PRODUCTION_WARMUP',
    default: 10,
    min: 0,
    doc: 'warm-up rounds on the production path',
  },
  flows: { variable: 'BENCH_FLOWS', default: 500, min: 1, doc: 'concurrent verifications of the load test' },
} as const;

type CountName = keyof typeof COUNTS;

/** How many rounds, runs and flows each part of the bench measures. */
export type BenchCounts = Record<CountName, number>;

export const USAGE = `usage: npm run bench [-- --<count> <n> ...]
${Object.entries(COUNTS)
  .map(([name, c]) => `  --${`${name} <n>`.padEnd(23)} ${c.doc} (default ${c.variable}, else ${c.default})`)
  .join('\n')}
  --help                    this text`;

/** A bad command line or variable: printed with the usage, exit code 2. */
export class BenchUsageError extends Error {}

/** The bench's counts from the command line and the BENCH_* variables; `help` for --help. */
export function parseBenchArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; counts: BenchCounts } {
  let values: Partial<Record<CountName, string>> & { help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.keys(COUNTS).map((name) => [name, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
    }) as { values: typeof values });
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  const counts = {} as BenchCounts;
  for (const [name, count] of Object.entries(COUNTS) as [CountName, (typeof COUNTS)[CountName]][]) {
    const [text, source] =
      values[name] !== undefined ? [values[name], `--${name}`] : [env[count.variable], count.variable];
    counts[name] = text === undefined ? count.default : Number(text);
    if (text !== undefined && (!/^\d+$/.test(text) || counts[name] < count.min))
      throw new BenchUsageError(
        `${source} needs a whole number from ${count.min}, not ${JSON.stringify(text)}`,
      );
  }
  return { help: false, counts };
}
