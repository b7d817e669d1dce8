import { deleteVerification } from '../../app/records';
import { cloudFunction } from '../../runtime';

/** Cloud function entry: deletes one of the caller's verifications. */
export const main = cloudFunction('deleteVerification', deleteVerification);
