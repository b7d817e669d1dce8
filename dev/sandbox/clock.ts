/** The sandbox's clock: real time plus an offset that tests move, so token expiry needs no waiting. */

export interface SandboxClock {
  /** Milliseconds since the Unix epoch on the sandbox's clock. */
  now(): number;
  /** Moves the clock forward (or back, with a negative value). */
  advance(ms: number): void;
  /** Puts the clock at this instant; it keeps running from there. */
  set(ms: number): void;
}

function checkMs(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a finite number of milliseconds`);
}

/** A clock that starts at `start` (default: the real time) and runs with real time. */
export function createClock(start?: number): SandboxClock {
  let offset = 0;
  if (start !== undefined) {
    checkMs(start, 'now');
    offset = start - Date.now();
  }
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      checkMs(ms, 'advance');
      offset += ms;
    },
    set(ms) {
      checkMs(ms, 'now');
      offset = ms - Date.now();
    },
  };
}
