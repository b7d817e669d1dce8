import { cloudInitOptions } from './services/cloud-env';
import { clearComponentStorage } from './services/component-storage';

App<IAppOption>({
  globalData: {},
  onLaunch() {
    clearComponentStorage();
    wx.cloud.init(cloudInitOptions());
  },
});
