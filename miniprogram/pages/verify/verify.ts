import { getBizToken } from '../../services/cloud';
import { clearFlow, currentFlow, replaceToken, SDK_CLIENT_MESSAGE } from '../../services/flow';

/** Fresh tokens asked for after tokenError before the page gives up; never more. */
const MAX_TOKEN_REFRESHES = 2;

type Phase = 'verifying' | 'refreshing' | 'failed' | 'finishing';

/** Pages already unloaded: an answer that arrives afterwards must not touch them or navigate. */
const unloaded = new WeakSet<object>();

interface FinishDetail {
  token?: string;
  status?: string;
}

Component({
  data: {
    token: '',
    phase: 'verifying' as Phase,
    error: '',
    canRetry: false,
    refreshes: 0,
  },
  methods: {
    onLoad() {
      const flow = currentFlow();
      if (!flow) {
        this.setData({ phase: 'failed', error: '没有进行中的认证，请返回重新开始。', canRetry: false });
        return;
      }
      this.setData({ token: flow.token, phase: 'verifying' });
    },
    onFinish(e: WechatMiniprogram.CustomEvent<FinishDetail>) {
      const flow = currentFlow();
      if (this.data.phase !== 'verifying' || !flow || unloaded.has(this)) return;
      if (e.detail.status === 'tokenError') {
        this.refresh();
        return;
      }
      this.setData({ phase: 'finishing' });
      wx.redirectTo({ url: `/pages/result/result?bizToken=${encodeURIComponent(flow.bizToken)}` });
    },
    async refresh() {
      const flow = currentFlow();
      if (!flow) return;
      if (this.data.refreshes >= MAX_TOKEN_REFRESHES) {
        this.setData({
          token: '',
          phase: 'failed',
          canRetry: false,
          error: '认证凭证多次失效，无法继续。请返回重新开始认证。',
        });
        return;
      }
      this.setData({ token: '', phase: 'refreshing', refreshes: this.data.refreshes + 1 });
      const res = await getBizToken(flow.input);
      if (unloaded.has(this)) return;
      if (!res.ok || res.client.kind !== 'component') {
        let message = res.ok ? '认证服务配置已变更，请返回重新开始认证。' : res.error.message;
        if (res.ok && res.client.kind === 'sdk') message = SDK_CLIENT_MESSAGE;
        const canRetry = !res.ok && res.error.retryable && this.data.refreshes < MAX_TOKEN_REFRESHES;
        this.setData({ phase: 'failed', error: message, canRetry });
        return;
      }
      replaceToken(res.bizToken, res.client.token, res.bizNo);
      this.setData({ token: res.client.token, phase: 'verifying' });
    },
    onRetry() {
      if (this.data.phase === 'failed' && this.data.canRetry) this.refresh();
    },
    onUnload() {
      unloaded.add(this);
      if (this.data.phase !== 'finishing') clearFlow();
    },
    onBack() {
      clearFlow();
      wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: '/pages/index/index' }) });
    },
  },
});
