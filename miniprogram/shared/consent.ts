/**
 * The consent text's version, declared once for the page and the functions: the page sends it with getBizToken,
 * which refuses any other (CONSENT_REQUIRED), and the record keeps it with the time the server accepted it.
 */
export const CONSENT_VERSION = '2026-12-02';
