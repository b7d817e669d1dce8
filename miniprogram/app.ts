import { clearComponentStorage } from './services/component-storage';

App<IAppOption>({
  globalData: {},
  onLaunch() {
    clearComponentStorage();
    const env = this.globalData.cloudEnv;
    wx.cloud.init(env ? { env, traceUser: true } : { traceUser: true });
  },
});
