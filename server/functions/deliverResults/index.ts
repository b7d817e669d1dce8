import { deliverResults } from '../../app/deliver';
import { cloudFunction } from '../../runtime';

/** Cloud function entry (timer, every minute): re-pulls unannounced results, sends the webhook deliveries due. */
export const main = cloudFunction('deliverResults', deliverResults);
