import { getResult } from '../../services/cloud';
import { bizTokenFor, clearFlow, currentFlow, lastH5BizToken } from '../../services/flow';
import { presentResult, type ResultView } from './present';

/** A query value as given, or decoded once when it was URL-encoded (pages pass it encoded, web-view may not). */
function queryValue(value: string | undefined): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

Component({
  data: {
    bizToken: '',
    loading: true,
    error: '',
    view: null as ResultView | null,
    restartMode: '',
    fromRecords: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const bizNo = queryValue(query.bizNo);
      let bizToken = queryValue(query.bizToken);
      if (!bizToken && bizNo) bizToken = bizTokenFor(bizNo) ?? '';
      else if (!bizToken && query.from === 'h5') bizToken = lastH5BizToken() ?? '';
      const mode = currentFlow()?.input.mode ?? '';
      clearFlow();
      this.setData({
        bizToken,
        restartMode: mode === 'liveness' ? '' : mode,
        fromRecords: query.from === 'records',
      });
      this.load();
    },
    async load() {
      if (!this.data.bizToken) {
        this.setData({ loading: false, error: '缺少认证凭证，无法查询结果。请在“我的认证记录”中查看。' });
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
      if (this.data.fromRecords)
        wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: '/pages/index/index' }) });
      else wx.reLaunch({ url: '/pages/index/index' });
    },
    onRecords() {
      wx.redirectTo({ url: '/pages/records/records' });
    },
  },
});
