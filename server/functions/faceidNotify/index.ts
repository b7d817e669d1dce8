import { faceidNotify } from '../../app/notify';
import { cloudFunction } from '../../runtime';

/** Cloud function entry (HTTP access): FaceID's notify callback. */
export const main = cloudFunction('faceidNotify', faceidNotify, { httpAccess: true });
