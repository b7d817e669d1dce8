/** `npm run sandbox`: runs the FaceID sandbox until SIGINT or SIGTERM. */
import { BANNER, DEFAULT_APPCODE, startSandbox } from './index';

async function main(): Promise<void> {
  const portText = process.env.SANDBOX_PORT ?? '8787';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    console.error(`SANDBOX_PORT must be a port number, not ${JSON.stringify(portText)}`);
    process.exit(2);
  }
  const sandbox = await startSandbox({ port, appcode: process.env.SANDBOX_APPCODE || DEFAULT_APPCODE });
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

main().catch((error: unknown) => {
  console.error(`${BANNER} could not start: ${(error as Error).message}`);
  process.exit(1);
});
