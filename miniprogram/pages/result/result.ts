import { getResult } from '../../services/cloud';
import { clearFlow, currentFlow } from '../../services/flow';
import { presentResult, type ResultView } from './present';

Component({
  data: {
    bizToken: '',
    loading: true,
    error: '',
    view: null as ResultView | null,
    restartMode: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const bizToken = query.bizToken ? decodeURIComponent(query.bizToken) : '';
      const mode = currentFlow()?.input.mode ?? '';
      clearFlow();
      this.setData({ bizToken, restartMode: mode === 'liveness' ? '' : mode });
      this.load();
    },
    async load() {
      if (!this.data.bizToken) {
        this.setData({ loading: false, error: '缺少认证凭证，无法查询结果。' });
        return;
      }
      this.setData({ loading: true, error: '' });
      const res = await getResult(this.data.bizToken);
      if (!res.ok) {
        this.setData({ loading: false, error: res.error.message });
        return;
      }
      this.setData({ loading: false, view: presentResult(res) });
    },
    onRetry() {
      if (!this.data.loading) this.load();
    },
    onRestart() {
      const mode = this.data.restartMode;
      wx.reLaunch({ url: mode ? `/pages/index/index?mode=${mode}` : '/pages/index/index' });
    },
    onDone() {
      wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
