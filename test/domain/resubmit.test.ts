/** The resubmission rule of an interrupted submission (domain/resubmit.ts), on hand-checked times. */
import { describe, expect, test } from 'vitest';
import { resendAfter, UPLOAD_GRACE_MS } from '../../src/domain/resubmit.js';

const LEASE = 60_000;
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

describe('resendAfter', () => {
  test('an abandoned upload: its lease ran to last renewal + lease time; it waits until last renewal + grace', () => {
    // renewed at 10 s, so its lease ran until 70 s; sent again from 10 s + 120 s
    expect(resendAfter({ submit_state: 'submitting', lease_until: at(70_000) }, LEASE)).toBe(at(10_000 + UPLOAD_GRACE_MS));
    expect(resendAfter({ submit_state: 'submitting', lease_until: at(70_000) }, LEASE, 30_000)).toBe(at(40_000));
  });

  test('an unconfirmed submission keeps the hold an earlier look left, or none (its own process saw the request end)', () => {
    expect(resendAfter({ submit_state: 'unconfirmed', lease_until: at(130_000) }, LEASE)).toBe(at(130_000));
    expect(resendAfter({ submit_state: 'unconfirmed', lease_until: null }, LEASE)).toBeNull();
  });

  test('nothing else waits: pending, waiting for a slot, a lease without a time', () => {
    expect(resendAfter({ submit_state: 'pending', lease_until: at(70_000) }, LEASE)).toBeNull();
    expect(resendAfter({ submit_state: 'waiting-slot', lease_until: at(70_000) }, LEASE)).toBeNull();
    expect(resendAfter({ submit_state: 'submitting', lease_until: null }, LEASE)).toBeNull();
    expect(resendAfter({ submit_state: 'submitting', lease_until: 'garbage' }, LEASE)).toBeNull();
  });
});
