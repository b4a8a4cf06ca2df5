/**
 * The emulators' time. Their job timelines (queued → running → done, retention, token expiry, the starter
 * kit's warm-up, the WES workflow's start) read this clock instead of Date.now and setTimeout, so that a test
 * can give them a clock it moves on itself and reach a state by advancing time, never by sleeping and hoping.
 * `fedimpute sandbox`, the demo and the benchmarks use the wall clock (the default).
 */
export interface EmulatorClock {
  /** epoch milliseconds */
  now(): number;
  /** run `callback` once `ms` of this clock's time have passed; returns what cancels it */
  schedule(ms: number, callback: () => void): () => void;
}

export const wallClock: EmulatorClock = {
  now: () => Date.now(),
  schedule(ms, callback) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};
