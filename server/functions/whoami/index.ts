import { whoami } from '../../app/whoami';
import { cloudFunction } from '../../runtime';

/** Cloud function entry: the caller's openid and upload folder. */
export const main = cloudFunction('whoami', whoami);
