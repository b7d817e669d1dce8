/** `npm run sandbox`: runs the FaceID sandbox until SIGINT or SIGTERM. */
import { resolve } from 'node:path';
import { UsageError, commandLine, parseOptions, portFrom } from '../../pipeline/cli';
import { BANNER, DEFAULT_APPCODE, startSandbox } from './index';

const DEFAULT_PORT = 8787;

const USAGE = `usage: npm run sandbox [-- --port <port>] [--appcode <code>]
  --port <port>     port on 127.0.0.1, 0 picks a free one (default SANDBOX_PORT, else ${DEFAULT_PORT})
  --appcode <code>  the APPCODE get_biz_token and get_result require (default SANDBOX_APPCODE, else ${DEFAULT_APPCODE})
  --help            this text`;

/** The sandbox's port and APPCODE from the command line, then the variables; `help` for --help. */
export function parseSandboxArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; port: number; appcode: string } {
  const values = parseOptions(argv, { port: { type: 'string' }, appcode: { type: 'string' } });
  if (values.help) return { help: true };
  const port = portFrom(values.port, 'SANDBOX_PORT', env, DEFAULT_PORT);
  const appcode = values.appcode ?? (env.SANDBOX_APPCODE || DEFAULT_APPCODE);
  if (!appcode.trim()) throw new UsageError('--appcode must not be empty');
  return { help: false, port, appcode };
}

async function main(argv: string[]): Promise<void> {
  const args = commandLine('sandbox', USAGE, () => parseSandboxArgs(argv, process.env));
  if (!args) return;
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
