import { resolve } from 'node:path';
import { FaceIdError } from '../../miniprogram/domain/errors';
import type { Env } from '../config';
import { CloudBaseStore, type CloudDatabase } from './cloudbase';
import type { VerificationStore } from './types';

/** How FACEID_STORE is read: `cloud` (default), `memory`, or `file:<path>`. */
export type StoreSpec = { kind: 'cloud' } | { kind: 'memory' } | { kind: 'file'; path: string };

/** Parses FACEID_STORE. */
export function storeSpecFromEnv(env: Env): StoreSpec {
  const raw = (env.FACEID_STORE ?? '').trim() || 'cloud';
  if (raw === 'cloud') return { kind: 'cloud' };
  if (raw === 'memory') return { kind: 'memory' };
  if (raw.startsWith('file:') && raw.length > 5) return { kind: 'file', path: resolve(raw.slice(5)) };
  throw new FaceIdError('CONFIG_INVALID', {
    param: 'FACEID_STORE',
    detail: 'FACEID_STORE must be cloud, memory or file:<path>',
  });
}

/** The store FACEID_STORE names; only `cloud` remains. */
export function openStore(spec: StoreSpec, cloudDatabase: () => CloudDatabase): VerificationStore {
  if (spec.kind !== 'cloud') {
    throw new FaceIdError('CONFIG_INVALID', { param: 'FACEID_STORE', detail: 'only the CloudBase store remains' });
  }
  return new CloudBaseStore(cloudDatabase());
}
