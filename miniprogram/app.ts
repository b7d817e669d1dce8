App<IAppOption>({
  globalData: {},
  onLaunch() {
    const env = this.globalData.cloudEnv;
    wx.cloud.init(env ? { env, traceUser: true } : { traceUser: true });
  },
});
