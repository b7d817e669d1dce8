import { copyFor, errorText, setTitle } from '../../i18n/index';
import { ensureAccess, FACE_CHECK_SCOPES, type AccessProblem } from '../../services/access';
import { getBizToken, leaveVerification } from '../../services/cloud';
import { clearComponentStorage } from '../../services/component-storage';
import { clearFlow, currentFlow, replaceToken } from '../../services/flow';
import { withLocale } from '../../services/start';

/** Fresh tokens asked for after tokenError before the page gives up; never more. */
const MAX_TOKEN_REFRESHES = 2;

type Phase = 'checking' | 'access' | 'verifying' | 'refreshing' | 'failed' | 'finishing';

/** Pages already unloaded: an answer that arrives afterwards must not touch them or navigate. */
const unloaded = new WeakSet<object>();

interface FinishDetail {
  token?: string;
  status?: string;
}

Component({
  data: {
    t: copyFor('zh'),
    /** The token of the component mounted now; '' while none is. */
    token: '',
    phase: 'verifying' as Phase,
    error: '',
    canRetry: false,
    refreshes: 0,
    /** Why the camera or microphone cannot be used yet (phase `access`); '' otherwise. */
    access: '' as AccessProblem | '',
  },
  methods: {
    onLoad() {
      const t = copyFor();
      setTitle(t.nav.verify);
      const flow = currentFlow();
      if (!flow) {
        this.setData({ t, phase: 'failed', error: t.verify.noFlow, canRetry: false });
        return;
      }
      this.setData({ t, phase: 'checking' });
      void this.checkAccess();
    },
    /** The camera and microphone before the component starts filming: granted mounts it, else the screen. */
    async checkAccess() {
      const access = await ensureAccess(FACE_CHECK_SCOPES);
      const flow = currentFlow();
      if (unloaded.has(this) || this.data.phase !== 'checking' || !flow) return;
      if (!access.ok) {
        this.setData({ phase: 'access', access: access.problem });
        return;
      }
      if (flow.expiresAt !== undefined && Date.now() >= flow.expiresAt) {
        // The token died (by the server's expiresAt) before the component could use it, e.g. on the settings screen.
        this.setData({ access: '' });
        void this.refresh();
        return;
      }
      this.setData({ token: flow.token, phase: 'verifying', access: '' });
      this.askBeforeLeaving(true);
    },
    /** Back from the settings or the agreement: the same verification continues. */
    onAccessRetry() {
      if (this.data.phase !== 'access') return;
      this.setData({ phase: 'checking' });
      void this.checkAccess();
    },
    /** While the component runs, WeChat's back arrow (and Android's back key) asks before leaving the flow. */
    askBeforeLeaving(ask: boolean) {
      if (ask) wx.enableAlertBeforeUnload({ message: this.data.t.verify.leaveConfirm });
      else wx.disableAlertBeforeUnload();
    },
    onFinish(e: WechatMiniprogram.CustomEvent<FinishDetail>) {
      const flow = currentFlow();
      if (this.data.phase !== 'verifying' || !flow || unloaded.has(this)) return;
      // The component keeps one handler for the whole app: a late answer of a flow already left arrives here.
      if (!e.detail || e.detail.token !== this.data.token) return;
      if (e.detail.status === 'tokenError') {
        void this.refresh();
        return;
      }
      this.setData({ phase: 'finishing' });
      this.askBeforeLeaving(false);
      void wx.redirectTo({ url: `/pages/result/result?bizToken=${encodeURIComponent(flow.bizToken)}` });
    },
    async refresh() {
      const flow = currentFlow();
      if (!flow) return;
      const t = this.data.t;
      this.askBeforeLeaving(false);
      if (!flow.input) {
        // A resumed flow keeps no input to ask for another token with: the person starts again.
        this.setData({ token: '', phase: 'failed', canRetry: false, error: t.verify.resumeEnded });
        return;
      }
      if (this.data.refreshes >= MAX_TOKEN_REFRESHES) {
        this.setData({ token: '', phase: 'failed', canRetry: false, error: t.verify.tooMany });
        return;
      }
      this.setData({ token: '', phase: 'refreshing', refreshes: this.data.refreshes + 1 });
      const res = await getBizToken(withLocale(flow.input));
      if (unloaded.has(this)) return;
      if (!res.ok && res.error.code === 'CONSENT_REQUIRED') {
        // What the person agreed to is no longer current: the entry page shows the consent again.
        clearFlow();
        void wx.reLaunch({ url: '/pages/index/index?consent=required' });
        return;
      }
      if (!res.ok || res.client.kind !== 'component') {
        const message = res.ok ? t.verify.changed : errorText(t, res.error);
        const canRetry = !res.ok && res.error.retryable && this.data.refreshes < MAX_TOKEN_REFRESHES;
        this.setData({ phase: 'failed', error: message, canRetry });
        return;
      }
      replaceToken(res.bizToken, res.client.token, res.bizNo, res.expiresAt);
      this.setData({ token: res.client.token, phase: 'verifying' });
      this.askBeforeLeaving(true);
    },
    onRetry() {
      if (this.data.phase === 'failed' && this.data.canRetry) void this.refresh();
    },
    onUnload() {
      unloaded.add(this);
      clearComponentStorage();
      const flow = currentFlow();
      // Left mid-flow (back arrow, the page closed): the record says 未完成, resumable while the token lives.
      if (this.data.phase === 'verifying' && this.data.token && flow) void leaveVerification(flow.bizToken);
      if (this.data.phase !== 'finishing') clearFlow();
    },
    onBack() {
      clearFlow();
      wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: '/pages/index/index' }) });
    },
  },
});
