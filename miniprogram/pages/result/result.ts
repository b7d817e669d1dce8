import type { GetBizTokenEvent, VerificationMode } from '../../shared/events';
import { VERIFICATION_MODES } from '../../shared/events';
import { copyFor, errorText, fill, formatClock, setTitle } from '../../i18n/index';
import { getResult } from '../../services/cloud';
import { bizTokenFor, clearDraft, clearFlow, currentFlow, lastH5BizToken } from '../../services/flow';
import { startVerification } from '../../services/start';
import { callSupport, needsSupport, SUPPORT_CONFIG } from '../../services/support';
import { presentResult, type ResultAction, type ResultContext, type ResultView } from './present';

/** A query value as given, or decoded once when it was URL-encoded (pages pass it encoded, web-view may not). */
function queryValue(value: string | undefined): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The details of the verification just run, per page: a retry sends them again (memory only, never page data). */
const retryInputs = new WeakMap<object, GetBizTokenEvent>();

/** The timer that enables 再试一次 again once the rate limit's retryAt has passed, per page. */
const unblockTimers = new WeakMap<object, ReturnType<typeof setTimeout>>();
const MAX_TIMER_DELAY = 2 ** 31 - 1;

type ActionEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { action?: ResultAction }
>;

Component({
  data: {
    t: copyFor('zh'),
    bizToken: '',
    loading: true,
    error: '',
    /** The error was NOT_FOUND: there is nothing to ask again for. */
    errorNotFound: false,
    errorContact: false,
    view: null as ResultView | null,
    mode: '' as VerificationMode | '',
    fromRecords: false,
    fromH5: false,
    starting: false,
    actionError: '',
    /** 再试一次 is refused by the rate limit until then (epoch ms); 0 when not. */
    blockedUntil: 0,
    blockedLabel: '',
    supportPhone: '',
    callLabel: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = copyFor();
      setTitle(t.nav.result);
      const bizNo = queryValue(query.bizNo);
      let bizToken = queryValue(query.bizToken);
      if (!bizToken && bizNo) bizToken = bizTokenFor(bizNo) ?? '';
      else if (!bizToken && query.from === 'h5') bizToken = lastH5BizToken() ?? '';
      const flow = currentFlow();
      if (flow?.input && flow.bizToken === bizToken) retryInputs.set(this, flow.input);
      const queried = query.mode as VerificationMode | undefined;
      const mode = flow?.bizToken === bizToken ? flow.mode : queried;
      clearFlow();
      this.setData({
        t,
        bizToken,
        mode: mode && VERIFICATION_MODES.includes(mode) ? mode : '',
        fromRecords: query.from === 'records',
        fromH5: query.from === 'h5' || Boolean(bizNo),
        supportPhone: SUPPORT_CONFIG.phone,
        callLabel: fill(t.support.call, { phone: SUPPORT_CONFIG.phone }),
      });
      void this.load();
    },
    async load() {
      const t = this.data.t;
      if (!this.data.bizToken) {
        this.setData({ loading: false, error: t.result.noToken });
        return;
      }
      this.setData({ loading: true, error: '' });
      const res = await getResult(this.data.bizToken);
      if (!res.ok) {
        this.setData({
          loading: false,
          error: res.error.code === 'NOT_FOUND' ? t.result.notFound : errorText(t, res.error),
          errorNotFound: res.error.code === 'NOT_FOUND',
          errorContact: needsSupport(res.error.code),
        });
        return;
      }
      if (res.outcome === 'passed' && !this.data.fromRecords) clearDraft();
      const ctx: ResultContext = {
        mode: this.data.mode || undefined,
        canRestartDirectly: retryInputs.has(this),
        fromRecords: this.data.fromRecords,
        fromH5: this.data.fromH5,
      };
      this.setData({ loading: false, view: presentResult(res, t, ctx) });
    },
    onReload() {
      if (!this.data.loading) void this.load();
    },
    onAction(e: ActionEvent) {
      const action = e.currentTarget.dataset.action;
      if (!action || this.data.starting || this.data.blockedUntil > 0) return;
      if (action === 'retry' || action === 'retake') void this.startAgain();
      else if (action === 'refresh') void this.load();
      else if (action === 'backToRecords')
        wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: '/pages/records/records' }) });
      else if (action === 'done') void wx.reLaunch({ url: '/pages/index/index' });
      else {
        const mode = this.data.mode;
        void wx.reLaunch({ url: mode ? `/pages/index/index?mode=${mode}` : '/pages/index/index' });
      }
    },
    async startAgain() {
      const input = retryInputs.get(this);
      if (!input) {
        void wx.reLaunch({ url: '/pages/index/index' });
        return;
      }
      const t = this.data.t;
      this.setData({ starting: true, actionError: '' });
      const started = await startVerification(input);
      if (started.ok) {
        wx.redirectTo({ url: started.page, complete: () => this.setData({ starting: false }) });
        return;
      }
      let actionError = t.entry.sdkOnly;
      if ('facial' in started) {
        actionError = started.facial === 'update' ? t.access.upgrade.detail : t.wechatVerify.deviceDetail;
      } else if (!('sdkOnly' in started)) {
        const { error } = started;
        if (error.code === 'RATE_LIMITED' && error.retryAt && error.retryAt > Date.now()) {
          this.blockUntil(error.retryAt);
        }
        actionError =
          error.code === 'RATE_LIMITED'
            ? error.retryAt
              ? fill(t.entry.rateLimited, { time: formatClock(error.retryAt) })
              : t.entry.rateLimitedSoon
            : errorText(t, error);
      }
      this.setData({ starting: false, actionError });
    },
    /** Disables 再试一次 until the rate limit's retryAt, saying when, and enables it again then. */
    blockUntil(retryAt: number) {
      const previous = unblockTimers.get(this);
      if (previous !== undefined) clearTimeout(previous);
      const delay = Math.max(0, retryAt - Date.now()) + 500;
      // setTimeout fires at once for delays past 2^31 - 1 ms: a limit that far off stays until the page closes.
      if (delay <= MAX_TIMER_DELAY) {
        unblockTimers.set(
          this,
          setTimeout(() => this.setData({ blockedUntil: 0, blockedLabel: '', actionError: '' }), delay),
        );
      }
      this.setData({
        blockedUntil: retryAt,
        blockedLabel: fill(this.data.t.result.retryAt, { time: formatClock(retryAt) }),
      });
    },
    onUnload() {
      const timer = unblockTimers.get(this);
      if (timer !== undefined) clearTimeout(timer);
    },
    onNewVerification() {
      void wx.reLaunch({ url: '/pages/index/index' });
    },
    onCall() {
      callSupport();
    },
    onRecords() {
      void wx.redirectTo({ url: '/pages/records/records' });
    },
    onHome() {
      void wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
