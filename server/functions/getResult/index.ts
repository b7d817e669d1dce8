import { getResult } from '../../app/get-result';
import { cloudFunction } from '../../runtime';

/** Cloud function entry: the caller's verification result. */
export const main = cloudFunction('getResult', getResult);
