/**
 * Who may submit a child, and how many of a service's per-user slots our children hold. A lease is taken
 * in a transaction: pending / waiting-slot / unconfirmed children are free, a 'submitting' one only when
 * its owner is gone (lease expired or process dead). lease_until is when a 'submitting' lease runs out;
 * on an 'unconfirmed' child it is the time before which it must not be sent again (domain/resubmit.ts).
 */
import type { HeldSubmission } from '../domain/resubmit.js';
import { TERMINAL } from '../domain/status.js';
import type { Jobs } from './jobs.js';
import type { JobRow, SubmitState } from './rows.js';
import type { Statements } from './statements.js';

export class Leases {
  constructor(
    private readonly statements: Statements,
    private readonly jobs: Jobs,
    private readonly clock: () => Date,
  ) {}

  /**
   * Take the right to submit a child. Returns whether it was taken, the state it had ('unconfirmed' for an
   * abandoned upload too) and, for the resubmission rule, its submission as it was before the claim.
   */
  claim(id: string, owner: string, leaseMs: number, ownerAlive: (owner: string) => boolean): { claimed: boolean; previous: SubmitState | null; held: HeldSubmission } {
    return this.statements.db
      .transaction(() => {
        const row = this.jobs.get(id);
        const held: HeldSubmission = { submit_state: row?.submit_state ?? null, lease_until: row?.lease_until ?? null };
        if (!row || row.remote_job_id || TERMINAL.has(row.status)) return { claimed: false, previous: row?.submit_state ?? null, held };
        const previous = row.submit_state;
        const now = this.clock();
        const free = previous === 'pending' || previous === 'waiting-slot' || previous === 'unconfirmed' || previous === null;
        const abandoned =
          previous === 'submitting' && (!row.lease_owner || !ownerAlive(row.lease_owner) || (row.lease_until ?? '') < now.toISOString());
        if (!free && !abandoned) return { claimed: false, previous, held };
        this.statements
          .get(`UPDATE jobs SET submit_state = 'submitting', lease_owner = ?, lease_until = ?, updated_at = ? WHERE id = ?`)
          .run(owner, new Date(now.getTime() + leaseMs).toISOString(), now.toISOString(), id);
        return { claimed: true, previous: abandoned ? 'unconfirmed' : previous, held };
      })
      .immediate();
  }

  renew(id: string, owner: string, leaseMs: number): void {
    const until = new Date(this.clock().getTime() + leaseMs).toISOString();
    this.statements.get(`UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND submit_state = 'submitting'`).run(until, id, owner);
  }

  /**
   * children of ours holding a slot on a service: accepted remotely and not finished, or being uploaded.
   * A job the service lost (a dead Michigan job) is in no queue of the server's, so it holds none.
   */
  activeRemoteJobs(serviceId: number, exceptId: string): number {
    const row = this.statements
      .get(
        `SELECT COUNT(*) AS count FROM jobs WHERE service_id = ? AND id != ? AND parent_job_id IS NOT NULL
           AND status IN ('queued', 'running') AND (remote_job_id IS NOT NULL OR submit_state = 'submitting')
           AND coalesce(submit_state, '') != 'lost'`,
      )
      .get(serviceId, exceptId) as { count: number };
    return row.count;
  }

  /** the unfinished children (of any parent) that hold one of this service's slots, with their remote ids */
  slotHolders(serviceId: number): JobRow[] {
    return this.statements
      .get(
        `SELECT * FROM jobs WHERE service_id = ? AND parent_job_id IS NOT NULL AND status IN ('queued', 'running')
           AND remote_job_id IS NOT NULL ORDER BY created_at, rowid`,
      )
      .all(serviceId) as JobRow[];
  }
}
