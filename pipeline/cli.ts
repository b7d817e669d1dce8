/** What every command-line tool here shares: usage errors (exit 2), --help (exit 0) and port arguments. */
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A bad command line or variable: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** `parseArgs` in strict mode with `--help`/`-h`, its complaints turned into UsageError. */
export function parseOptions<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A port from `--port`, else the variable `variable`, else `fallback`; the error names where it came from. */
export function portFrom(
  option: string | undefined,
  variable: string,
  env: NodeJS.ProcessEnv,
  fallback: number,
): number {
  const [text, source] =
    option !== undefined ? [option, '--port'] : [env[variable] ?? String(fallback), variable];
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new UsageError(`${source} must be a port number, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** Parses the command line; on a usage error prints it with the usage and sets exit code 2, on --help prints the usage. */
export function commandLine<A extends { help: boolean }>(
  name: string,
  usage: string,
  parse: () => A,
): (A & { help: false }) | undefined {
  let args: A;
  try {
    args = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${name}: ${error.message}\n${usage}`);
    process.exitCode = 2;
    return undefined;
  }
  if (args.help) {
    console.log(usage);
    return undefined;
  }
  return args as A & { help: false };
}

/** The folder `npm start` and the records CLI keep local data in: `--data-dir`, else DATA_DIR, else `.data`. */
export function dataDirFrom(option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option !== undefined && !option.trim()) throw new UsageError('--data-dir must name a folder');
  return resolve(option ?? (env.DATA_DIR?.trim() || join(__dirname, '..', '.data')));
}

/** Where the CloudBase stand-in keeps its data inside the data folder. */
export const standInDataDir = (dataDir: string): string => join(dataDir, 'cloudbase');
