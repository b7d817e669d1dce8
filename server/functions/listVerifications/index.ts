import { listVerifications } from '../../app/records';
import { cloudFunction } from '../../runtime';

/** Cloud function entry: the caller's own verifications, newest first. */
export const main = cloudFunction('listVerifications', listVerifications);
