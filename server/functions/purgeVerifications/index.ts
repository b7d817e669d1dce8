import { purgeVerifications } from '../../app/records';
import { cloudFunction } from '../../runtime';

/** Cloud function entry (daily timer): deletes records older than FACEID_RETENTION_DAYS. */
export const main = cloudFunction('purgeVerifications', purgeVerifications);
