import { copyFor, errorText, setTitle } from '../../i18n/index';
import { getResult } from '../../services/cloud';
import { facialSupport, openCameraSettings, requestFacialVerify } from '../../services/facial';
import { clearFlow, currentFlow, WECHAT_VERIFY_PAGE } from '../../services/flow';
import { startVerification } from '../../services/start';
import { WECHAT_PERMISSION_MESSAGES } from '../../shared/result-codes';

/**
 * `checking` the device, `verifying` in WeChat's own face check, `reading` the result, `update` (base library
 * too old), `device` (this phone cannot), `permission` (camera or microphone denied: one step, WeChat's settings),
 * `failed`.
 */
type Phase = 'checking' | 'verifying' | 'reading' | 'update' | 'device' | 'permission' | 'failed';

/** Pages already unloaded: an answer that arrives afterwards must not touch them or navigate. */
const unloaded = new WeakSet<object>();

Component({
  data: {
    t: copyFor('zh'),
    phase: 'checking' as Phase,
    error: '',
    canRetry: false,
  },
  methods: {
    onLoad() {
      const t = copyFor();
      setTitle(t.nav.verify);
      this.setData({ t });
      if (!currentFlow()) {
        this.setData({ phase: 'failed', error: t.wechatVerify.noFlow, canRetry: false });
        return;
      }
      void this.run();
    },
    /** Checks the device, runs WeChat's face check with the flow's verify_id, then reads the result. */
    async run() {
      this.setData({ phase: 'checking', error: '' });
      const support = await facialSupport();
      const flow = currentFlow();
      if (unloaded.has(this) || !flow) return;
      if (support !== 'ok') {
        this.setData({ phase: support });
        return;
      }
      this.setData({ phase: 'verifying' });
      await requestFacialVerify(flow.token);
      if (unloaded.has(this)) return;
      await this.read();
    },
    async read() {
      const flow = currentFlow();
      if (!flow) return;
      const t = this.data.t;
      this.setData({ phase: 'reading' });
      const res = await getResult(flow.bizToken);
      if (unloaded.has(this)) return;
      if (!res.ok) {
        this.setData({
          phase: 'failed',
          error: errorText(t, res.error),
          canRetry: res.error.retryable,
        });
        return;
      }
      if (WECHAT_PERMISSION_MESSAGES.has(res.resultMessage)) {
        this.setData({ phase: 'permission', error: '' });
        return;
      }
      if (res.resultMessage === 'DEVICE_UNSUPPORTED') {
        this.setData({ phase: 'device' });
        return;
      }
      this.setData({ phase: 'reading' });
      void wx.redirectTo({ url: `/pages/result/result?bizToken=${encodeURIComponent(flow.bizToken)}` });
    },
    /** The one next step after a denied camera or microphone: WeChat's settings (from this tap), then a new check. */
    async onOpenSetting() {
      if (this.data.phase !== 'permission') return;
      const allowed = await openCameraSettings();
      const flow = currentFlow();
      if (unloaded.has(this) || !flow) return;
      const t = this.data.t;
      if (!allowed) {
        this.setData({ error: t.wechatVerify.stillDenied });
        return;
      }
      // The verify_id was used by the check that was refused the camera: a new one for the same details.
      if (!flow.input) {
        this.setData({ phase: 'failed', error: t.verify.resumeEnded, canRetry: false });
        return;
      }
      this.setData({ phase: 'checking', error: '' });
      const started = await startVerification(flow.input);
      if (unloaded.has(this)) return;
      if (!started.ok && 'facial' in started) {
        this.setData({ phase: started.facial });
        return;
      }
      if (!started.ok || started.page !== WECHAT_VERIFY_PAGE) {
        const error = 'error' in started ? errorText(t, started.error) : t.verify.changed;
        this.setData({ phase: 'failed', error, canRetry: false });
        return;
      }
      await this.run();
    },
    onRetry() {
      if (this.data.phase === 'failed' && this.data.canRetry) void this.read();
    },
    onUnload() {
      unloaded.add(this);
      if (this.data.phase !== 'reading') clearFlow();
    },
    onBack() {
      clearFlow();
      void wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
