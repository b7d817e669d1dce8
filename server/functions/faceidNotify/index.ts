import { faceidNotify } from '../../app/notify';
import type { CloudDatabase } from '../../store/cloudbase';
import { nodeSdkDatabase, type NodeSdkDb } from '../../store/node-sdk';
import { cloudFunction } from '../../runtime';

/** The CloudBase database through @cloudbase/node-sdk: HTTP access carries no WeChat context. */
function currentEnvDatabase(): CloudDatabase {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tcb = require('@cloudbase/node-sdk') as {
    init(options: { env: unknown }): { database(): unknown };
    SYMBOL_CURRENT_ENV: unknown;
  };
  return nodeSdkDatabase(tcb.init({ env: tcb.SYMBOL_CURRENT_ENV }).database() as NodeSdkDb);
}

/** Cloud function entry (HTTP access): FaceID's notify callback. */
export const main = cloudFunction('faceidNotify', faceidNotify, { cloudDatabase: currentEnvDatabase });
