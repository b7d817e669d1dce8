import { copyFor, setTitle } from '../../i18n/index';
import { clearFlow, currentFlow } from '../../services/flow';
import { SUPPORT_CONFIG } from '../../services/support';

Component({
  data: {
    t: copyFor('zh'),
    url: '',
    error: '',
    /** Showing the configured privacy policy rather than a FaceID H5 flow. */
    doc: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = copyFor();
      if (query.doc === 'privacy' && /^https:\/\//.test(SUPPORT_CONFIG.privacyPolicy)) {
        setTitle(t.nav.privacy);
        this.setData({ t, doc: true, url: SUPPORT_CONFIG.privacyPolicy });
        return;
      }
      setTitle(t.nav.verify);
      const url = currentFlow()?.url;
      if (!url) {
        this.setData({ t, error: t.webview.noFlow });
        return;
      }
      this.setData({ t, url });
    },
    onWebError() {
      this.setData({ url: '', error: this.data.t.webview.loadFailed });
    },
    onUnload() {
      if (!this.data.doc) clearFlow();
    },
    onBack() {
      if (!this.data.doc) clearFlow();
      wx.navigateBack({ delta: 1, fail: () => wx.reLaunch({ url: '/pages/index/index' }) });
    },
  },
});
