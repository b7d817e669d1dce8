import { preparePhoto } from '../../app/prepare-photo';
import { cloudFunction } from '../../runtime';

/** Cloud function entry: registers a reference photo and names where to upload it. */
export const main = cloudFunction('preparePhoto', preparePhoto);
