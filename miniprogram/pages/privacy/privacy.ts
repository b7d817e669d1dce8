import { CONSENT_VERSION } from '../../shared/consent';
import { copyFor, fill, setTitle, type Copy } from '../../i18n/index';
import { deploymentFacts } from '../../services/deployment';

interface Section {
  heading: string;
  body: string;
}

/** The policy's sections, with the retention this deployment uses (or a sentence without a number). */
function sections(t: Copy, days: number | undefined): Section[] {
  return t.privacy.sections.map(({ heading, body }) => {
    if (!body.includes('{days}')) return { heading, body };
    return { heading, body: days === undefined ? t.privacy.keepUnknown : fill(body, { days }) };
  });
}

Component({
  data: {
    t: copyFor('zh'),
    sections: [] as Section[],
    version: '',
  },
  methods: {
    onLoad() {
      const t = copyFor();
      setTitle(t.nav.privacy);
      this.setData({
        t,
        sections: sections(t, undefined),
        version: fill(t.privacy.version, { version: CONSENT_VERSION }),
      });
      void deploymentFacts().then((facts) => {
        if (facts) this.setData({ sections: sections(t, facts.retentionDays) });
      });
    },
  },
});
