/** The consent's version moves with its words: the person agreed to a text, and the record keeps which one. */
import { createHash } from 'node:crypto';
import { CONSENT_VERSION } from '../../miniprogram/shared/consent';
import { en } from '../../miniprogram/i18n/en';
import { zh } from '../../miniprogram/i18n/zh';

/** The fingerprint of the consent and privacy-policy words each version was published with. */
const PUBLISHED: Readonly<Record<string, string>> = {
  '2026-12-02': '91eeb0ba4f325eaa5194cacb7769d8d7443fb729e299a492fe0d75f14ebfe63e',
};

const fingerprint = (tables: unknown): string =>
  createHash('sha256').update(JSON.stringify(tables)).digest('hex');

describe('consent version', () => {
  it('is the version whose words the consent screen and the privacy policy show, in every locale', () => {
    const words = fingerprint([zh.consent, zh.privacy, en.consent, en.privacy]);
    // A change of these words is a new consent: give CONSENT_VERSION a new date and record its fingerprint here.
    expect({ version: CONSENT_VERSION, words }).toEqual({
      version: CONSENT_VERSION,
      words: PUBLISHED[CONSENT_VERSION],
    });
  });

  it('notices a change of one word', () => {
    const changed = { ...zh.consent, purpose: `${zh.consent.purpose} ` };
    expect(fingerprint([changed, zh.privacy, en.consent, en.privacy])).not.toBe(PUBLISHED[CONSENT_VERSION]);
  });
});
