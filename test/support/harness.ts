/** Runs the bundled cloud functions against the sandbox, with the embedded store and a local cloud. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, resetEmbeddedStores } from '../../server/store';
import type { VerificationStore } from '../../server/store/types';
import { createLocalCloud, type LocalCloud } from '../../tools/local-cloud/sdk';
import { startSandbox } from '../../tools/sandbox';
import { startRecordingUpstream, type RecordingUpstream } from './recording-upstream';

export const TEST_APPCODE = 'test-appcode-0123456789abcdef';

export interface Harness {
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  upstream: RecordingUpstream;
  cloud: LocalCloud;
  env: Record<string, string>;
  store(): VerificationStore;
  call<T = Record<string, unknown>>(name: string, event: unknown, openid?: string | null): Promise<T>;
  close(): Promise<void>;
}

/** Starts the sandbox, a recording proxy in front of it, and a local cloud; sets the functions' variables. */
export async function startHarness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, appcode: TEST_APPCODE, quiet: true });
  const upstream = await startRecordingUpstream(sandbox.url);
  const cloud = createLocalCloud({ filesDir: mkdtempSync(join(tmpdir(), 'faceid-files-')) });
  cloud.install();
  const env: Record<string, string> = {
    FACEID_PROVIDER: 'fidlite',
    FACEID_APPCODE: TEST_APPCODE,
    FACEID_BASE_URL: upstream.url,
    FACEID_NOTIFY_URL: 'http://127.0.0.1:9/notify',
    FACEID_RETURN_URL: 'https://example.invalid/return',
    FACEID_STORE: 'memory',
    FACEID_TIMEOUT_MS: '3000',
    FACEID_RATE_LIMIT: '1000/600',
    ...extraEnv,
  };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  resetEmbeddedStores();
  return {
    sandbox,
    upstream,
    cloud,
    env,
    store: () =>
      openStore({ kind: 'memory' }, () => {
        throw new Error('no cloud database in tests');
      }),
    call: (name, event, openid = 'o-user-1') => cloud.invoke(name, event, openid) as never,
    async close() {
      cloud.uninstall();
      for (const key of Object.keys(env)) delete process.env[key];
      Object.assign(process.env, saved);
      await upstream.close();
      await sandbox.close();
    },
  };
}
