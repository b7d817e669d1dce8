import { clearFlow, currentFlow } from '../../services/flow';

Component({
  data: {
    url: '',
    error: '',
  },
  methods: {
    onLoad() {
      const url = currentFlow()?.url;
      if (!url) {
        this.setData({ error: '没有进行中的认证，请返回重新开始。' });
        return;
      }
      this.setData({ url });
    },
    onWebError() {
      this.setData({
        url: '',
        error: '认证页面无法打开。请检查网络后返回重新开始；如仍无法打开，请联系客服。',
      });
    },
    onUnload() {
      clearFlow();
    },
    onBack() {
      clearFlow();
      wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: '/pages/index/index' }) });
    },
  },
});
