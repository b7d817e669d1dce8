/** The benchmark's targets. Sizes are deterministic and checked by `npm run bench:check` in CI; times are not. */
export const BUDGETS = {
  /** getBizToken through exports.main over the bare upstream POST, medians, on the production path. */
  getBizTokenRatio: 1.35,
  /** getResult of a stored final result over the bare upstream GET, medians, on the production path. */
  getResultRatio: 0.2,
  /**
   * Database requests of one getBizToken on average: guarded insert ‖ rate-limit increment, then the token's update
   * (3); the first request of a rate-limit window adds one (creating the counter).
   */
  getBizTokenRequests: 3.1,
  /** Database requests of one getResult of a stored result. */
  getResultRequests: 1,
  /** A whole bundle (wx-server-sdk and its packages included): the deploy API takes code up to 1.5 MB. */
  bundleBytes: 1.5 * 1024 * 1024,
  /** This project's own code in a bundle. */
  ownBundleBytes: 150 * 1024,
  coldRequireMs: 30,
  ownPackageBytes: 150 * 1024,
  lostRecords: 0,
} as const;

/** PASS when `value` is within `limit`, otherwise MISS. */
export function verdict(value: number, limit: number): 'PASS' | 'MISS' {
  return value <= limit ? 'PASS' : 'MISS';
}
