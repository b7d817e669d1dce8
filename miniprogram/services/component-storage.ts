/** Keeps the FaceID component's storage keys off the phone once its flow is over or the app was killed. */

import { FACEID_COMPONENT_STORAGE_KEYS } from './vendor-component';

/** Removes every key the component may have left (the person's name, ID number, ID-card photos). */
export function clearComponentStorage(): void {
  for (const key of FACEID_COMPONENT_STORAGE_KEYS) {
    try {
      wx.removeStorageSync(key);
    } catch {
      // A key that cannot be removed now is removed at the next launch.
    }
  }
}
