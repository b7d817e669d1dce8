import { resolve } from 'node:path';
import { FaceIdError } from '../../miniprogram/domain/errors';
import type { Env } from '../config';
import { CloudBaseStore, type CloudDatabase } from './cloudbase';
import { EmbeddedStore } from './embedded';
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

// Every bundled cloud function loaded into one process (the local host, the tests) shares one embedded store per
// location, as functions in the cloud share one database.
const SHARED_KEY = Symbol.for('faceid.embeddedStores');
type Registry = Map<string, EmbeddedStore>;
const registry = ((globalThis as Record<symbol, unknown>)[SHARED_KEY] ??= new Map()) as Registry;

/** The store FACEID_STORE names; `cloud` needs the SDK's database. */
export function openStore(spec: StoreSpec, cloudDatabase: () => CloudDatabase): VerificationStore {
  if (spec.kind === 'cloud') return new CloudBaseStore(cloudDatabase());
  const key = spec.kind === 'memory' ? 'memory:' : `file:${spec.path}`;
  let store = registry.get(key);
  if (!store) {
    store = new EmbeddedStore(spec.kind === 'file' ? spec.path : undefined);
    registry.set(key, store);
  }
  return store;
}

/** Forgets every embedded store of this process (tests). */
export function resetEmbeddedStores(): void {
  registry.clear();
}
