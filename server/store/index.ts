import { CloudBaseStore, type CloudDatabase } from './cloudbase';
import type { VerificationStore } from './types';

/** The verification store over a CloudBase database (wx-server-sdk's `database()`). */
export function openStore(database: CloudDatabase): VerificationStore {
  return new CloudBaseStore(database);
}
