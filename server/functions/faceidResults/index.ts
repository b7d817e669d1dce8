import { faceidResults } from '../../app/results';
import { cloudFunction } from '../../runtime';

/** Cloud function entry (HTTP access): the query API for the business's backend. */
export const main = cloudFunction('faceidResults', faceidResults);
