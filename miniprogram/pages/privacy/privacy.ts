import { CONSENT_VERSION } from '../../shared/consent';
import { copyFor, fill, setTitle, type Copy } from '../../i18n/index';
import { deploymentFacts } from '../../services/deployment';
import type { WhoAmIOk } from '../../shared/events';

interface Section {
  heading: string;
  body: string;
}

/**
 * The policy's sections: first who 我们 is (this deployment's operator and contact), then the rest with the
 * retention this deployment uses; while whoami cannot answer, sentences without them.
 */
function sections(t: Copy, facts: WhoAmIOk | undefined): Section[] {
  const { heading, body, unknown } = t.privacy.operator;
  const operator = { heading, body: facts ? fill(body, { ...facts.operator }) : unknown };
  return [
    operator,
    ...t.privacy.sections.map(({ heading, body }) => {
      if (body.includes('{processor}'))
        return { heading, body: t.privacy.processors[facts?.processor ?? 'unknown'] };
      if (!body.includes('{days}')) return { heading, body };
      return { heading, body: facts ? fill(body, { days: facts.retentionDays }) : t.privacy.keepUnknown };
    }),
  ];
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
        if (facts) this.setData({ sections: sections(t, facts) });
      });
    },
  },
});
