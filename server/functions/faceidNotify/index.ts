import { faceidNotify } from '../../app/notify';
import type { CloudDatabase } from '../../store/cloudbase';
import { cloudFunction } from '../../runtime';

/** The CloudBase database through @cloudbase/node-sdk: HTTP access carries no WeChat context. */
function nodeSdkDatabase(): CloudDatabase {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tcb = require('@cloudbase/node-sdk') as {
    init(options: { env: unknown }): { database(): CloudDatabase };
    SYMBOL_CURRENT_ENV: unknown;
  };
  return tcb.init({ env: tcb.SYMBOL_CURRENT_ENV }).database();
}

/** Cloud function entry (HTTP access): FaceID's notify callback. */
export const main = cloudFunction('faceidNotify', faceidNotify, { cloudDatabase: nodeSdkDatabase });
