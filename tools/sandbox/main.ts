/** `npm run sandbox`: runs the FaceID sandbox until SIGINT or SIGTERM. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BANNER, DEFAULT_APPCODE, startSandbox } from './index';

const DEFAULT_PORT = 8787;

export const USAGE = `usage: npm run sandbox [-- --port <port>] [--appcode <code>]
  --port <port>     port on 127.0.0.1, 0 picks a free one (default SANDBOX_PORT, else ${DEFAULT_PORT})
  --appcode <code>  the APPCODE get_biz_token and get_result require (default SANDBOX_APPCODE, else ${DEFAULT_APPCODE})
  --help            this text`;

/** A bad command line or variable: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** The sandbox's port and APPCODE from the command line, then the variables; `help` for --help. */
export function parseSandboxArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; port: number; appcode: string } {
  let values: { port?: string; appcode?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        appcode: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };
  const [portText, portSource] =
    values.port !== undefined
      ? [values.port, '--port']
      : [env.SANDBOX_PORT ?? String(DEFAULT_PORT), 'SANDBOX_PORT'];
  if (!/^\d+$/.test(portText) || Number(portText) > 65535)
    throw new UsageError(`${portSource} must be a port number, not ${JSON.stringify(portText)}`);
  const appcode = values.appcode ?? (env.SANDBOX_APPCODE || DEFAULT_APPCODE);
  if (!appcode.trim()) throw new UsageError('--appcode must not be empty');
  return { help: false, port: Number(portText), appcode };
}

async function main(argv: string[]): Promise<void> {
  let args: ReturnType<typeof parseSandboxArgs>;
  try {
    args = parseSandboxArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`sandbox: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const sandbox = await startSandbox({ port: args.port, appcode: args.appcode });
  console.log(`${BANNER} listening on ${sandbox.url} — not the real FaceID; never send real personal data.`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${BANNER} stopping (${signal})`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`${BANNER} could not start: ${(error as Error).message}`);
    process.exit(1);
  });
}
