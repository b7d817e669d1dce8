import { cloudInitOptions } from './services/cloud-env';

App<IAppOption>({
  globalData: {},
  onLaunch() {
    wx.cloud.init(cloudInitOptions());
  },
});
