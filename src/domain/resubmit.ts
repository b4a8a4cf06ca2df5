/**
 * When an interrupted submission may be sent again (DESIGN §6: a crash leaves a state that poll repairs
 * without duplicate remote jobs). A process killed mid-upload leaves its lease behind; the server may still
 * be taking in what that process sent — the kernel flushes the dead client's socket, and the server stores
 * the file before the job shows in its list. A poll started at that instant finds no job and, sending the
 * input again, would make a second one. So an abandoned submission is only looked for (by job name or
 * tags) until a grace period after its lease's last renewal has passed; only then is it sent again.
 * A submission whose own process saw the request fail (a reset, a 5xx) has no such wait: that process
 * knows the request is over.
 */
import type { SubmitState } from './status.js';

/** how long after an abandoned upload's last sign of life the server may still make a job of it */
export const UPLOAD_GRACE_MS = 120_000;

/** what a child's submission looked like before a claim took it */
export interface HeldSubmission {
  /** 'submitting' whose owner is gone (abandoned), or 'unconfirmed' */
  submit_state: SubmitState | null;
  /**
   * 'submitting': when the lease runs out (its last renewal + the lease time); 'unconfirmed': the time
   * before which it must not be sent again (null: at once)
   */
  lease_until: string | null;
}

/** the time before which this interrupted submission must not be sent again, or null when it may be at once */
export function resendAfter(held: HeldSubmission, leaseMs: number, graceMs = UPLOAD_GRACE_MS): string | null {
  if (!held.lease_until) return null;
  if (held.submit_state === 'unconfirmed') return held.lease_until;
  if (held.submit_state !== 'submitting') return null;
  const lastRenewal = Date.parse(held.lease_until) - leaseMs;
  return Number.isNaN(lastRenewal) ? null : new Date(lastRenewal + graceMs).toISOString();
}

/** what a child waiting out the grace shows */
export function checkingMessage(until: string): string {
  return `checking whether the upload arrived: the submitting process stopped; sent again after ${until} if the service does not show the job by then`;
}
