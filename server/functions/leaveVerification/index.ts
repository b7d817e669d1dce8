import { leaveVerification } from '../../app/leave';
import { cloudFunction } from '../../runtime';

/** Cloud function entry: the person left the verify step; their record is marked left (未完成). */
export const main = cloudFunction('leaveVerification', leaveVerification);
