/**
 * The screen of a step WeChat stopped: the camera or microphone said no to (去设置: wx.openSetting from the tap),
 * the privacy guide not agreed to (errno 104: the agree button, one tap), or not declared (errno 112: the
 * business's setup, so support). Its one next step fires `retry` once the person can go on; `back` leaves.
 */
import { copyFor, fill } from '../../i18n/index';
import type { AccessProblem } from '../../services/access';
import { answerPrivacyRequests, guideNameOf, openPrivacyGuide, privacySetting } from '../../services/privacy';

/** The agree button's id on this screen. */
const AGREE_BUTTON = 'access-agree';

Component({
  properties: {
    problem: { type: String, value: '' },
  },
  data: {
    t: copyFor('zh'),
    guideLink: '',
  },
  lifetimes: {
    attached() {
      const t = copyFor();
      this.setData({ t, guideLink: fill(t.access.guide, { guide: t.access.guideName }) });
      void privacySetting().then(({ contractName }) => {
        if (contractName)
          this.setData({ guideLink: fill(t.access.guide, { guide: guideNameOf(contractName) }) });
      });
    },
  },
  methods: {
    onAgree() {
      answerPrivacyRequests(true, AGREE_BUTTON);
      this.triggerEvent('retry', { problem: this.data.problem as AccessProblem });
    },
    onSettings() {
      // WeChat opens its settings only from a tap: called here, before anything is awaited.
      wx.openSetting({ complete: () => this.triggerEvent('retry', { problem: this.data.problem }) });
    },
    onGuide() {
      openPrivacyGuide();
    },
    onBack() {
      this.triggerEvent('back', {});
    },
  },
});
