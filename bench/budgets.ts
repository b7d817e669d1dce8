/** The benchmark's targets. Sizes are deterministic and checked by `npm run bench:check` in CI; times are not. */
export const BUDGETS = {
  /** getBizToken through exports.main over the bare upstream POST, medians. */
  getBizTokenRatio: 1.05,
  /** getResult of a stored final result over the bare upstream GET, medians. */
  getResultRatio: 0.2,
  bundleBytes: 150 * 1024,
  coldRequireMs: 30,
  ownPackageBytes: 150 * 1024,
  lostRecords: 0,
} as const;

/** PASS when `value` is within `limit`, otherwise MISS. */
export function verdict(value: number, limit: number): 'PASS' | 'MISS' {
  return value <= limit ? 'PASS' : 'MISS';
}
