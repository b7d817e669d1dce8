/**
 * The popup a privacy-scoped call waits on (wx.onNeedPrivacyAuthorization) while the person has not agreed to
 * the privacy guide: agree (WeChat's agreePrivacyAuthorization button, so one tap agrees) or not.
 */
import { copyFor, fill } from '../../i18n/index';
import {
  answerPrivacyRequests,
  openPrivacyGuide,
  presentPrivacyRequests,
  PRIVACY_AGREE_BUTTON,
  guideNameOf,
  privacySetting,
} from '../../services/privacy';

const stops = new WeakMap<object, () => void>();

Component({
  data: {
    t: copyFor('zh'),
    asking: false,
    agreeId: PRIVACY_AGREE_BUTTON,
    guideLink: '',
  },
  lifetimes: {
    attached() {
      const t = copyFor();
      this.setData({ t, guideLink: fill(t.access.guide, { guide: t.access.guideName }) });
      stops.set(
        this,
        presentPrivacyRequests((asking) => {
          this.setData({ asking });
          if (asking)
            void privacySetting().then(({ contractName }) => {
              if (contractName)
                this.setData({ guideLink: fill(t.access.guide, { guide: guideNameOf(contractName) }) });
            });
        }),
      );
    },
    detached() {
      stops.get(this)?.();
      stops.delete(this);
    },
  },
  methods: {
    onAgree() {
      answerPrivacyRequests(true, PRIVACY_AGREE_BUTTON);
    },
    onDisagree() {
      answerPrivacyRequests(false);
    },
    onGuide() {
      openPrivacyGuide();
    },
  },
});
