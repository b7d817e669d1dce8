import { cloudInitOptions } from './services/cloud-env';
import { clearComponentStorage } from './services/component-storage';
import { listenForPrivacyRequests } from './services/privacy';

App<IAppOption>({
  globalData: {},
  onLaunch() {
    clearComponentStorage();
    listenForPrivacyRequests();
    wx.cloud.init(cloudInitOptions());
  },
});
