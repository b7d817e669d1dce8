import { getBizToken } from '../../app/get-biz-token';
import { cloudFunction } from '../../runtime';

/** Cloud function entry: issues a FaceID token for the caller. */
export const main = cloudFunction('getBizToken', getBizToken);
