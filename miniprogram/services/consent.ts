/** The consent text's version: stored with each verification so a record says what the person agreed to. */
export const CONSENT_VERSION = '2026-11-29';
