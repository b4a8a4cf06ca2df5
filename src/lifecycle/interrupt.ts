/**
 * Ctrl-C during `submit` or `retry` means stop (DESIGN §6): for genotypes under a consent that limits where
 * they go, an upload the user interrupted must not happen later behind their back.
 *
 * - At once, in the signal handler (synchronously, so that a second Ctrl-C that exits at once leaves the
 *   same store): every unfinished child is marked as asked to cancel; one never uploaded is canceled
 *   ("interrupted before upload"). From then on a `poll` or `cancel` cancels what is left, never submits
 *   or completes it (submitter.ts honours cancel_requested_at, remote.ts turns "completed" into canceled).
 * - Then, once the aborted uploads have returned: jobs the services created are canceled remotely, an
 *   upload cut before its last byte is canceled (a server cannot have made a job of half a request), one
 *   that was sent whole is looked up by its tag first. Each child gets one line saying what happened.
 *
 * A crash or SIGKILL is no decision of the user's: it leaves what `poll` repairs (submitter.ts).
 */
import { AuthError, RemoteError } from '../errors.js';
import type { Context } from '../context.js';
import { TERMINAL } from '../domain/status.js';
import type { JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';

export interface InterruptOutcome {
  child: JobRow;
  /** what the child is now: canceled, or still to be canceled by the next poll */
  result: 'canceled' | 'cancel-requested' | 'pending-cleanup' | 'finished';
  message: string;
}

/** Mark the children as interrupted: synchronous, run from the abort listener. */
export function markInterrupted(store: Store, childIds: readonly string[]): void {
  const now = store.clock().toISOString();
  for (const id of childIds) {
    const child = store.get(id);
    if (!child || TERMINAL.has(child.status)) continue;
    if (child.remote_job_id) {
      store.updateChild(id, { cancel_requested_at: now, submit_state: 'cancel-pending', message: 'interrupted: cancel requested' });
    } else if (child.submit_state === 'submitting' || child.submit_state === 'unconfirmed') {
      // its upload is being aborted; settleInterrupted (or the next poll) decides whether a job exists
      store.updateChild(id, { cancel_requested_at: now });
    } else {
      store.updateChild(id, { status: 'canceled', cancel_requested_at: now, lease_owner: null, message: 'interrupted before upload' }, { reason: 'interrupted' });
    }
  }
}

/**
 * Cancel what the interrupted uploads left: `sentWhole` holds the children whose request body went out
 * completely before the abort (a job may exist for them).
 */
export async function settleInterrupted(context: Context, store: Store, childIds: readonly string[], sentWhole: ReadonlySet<string>): Promise<InterruptOutcome[]> {
  const registry = await context.registry();
  return Promise.all(
    childIds.map(async (id) => {
      let child = store.get(id)!;
      if (TERMINAL.has(child.status)) return finished(child);
      const service = registry.services.find((candidate) => candidate.id === child.service_id);
      try {
        if (!child.remote_job_id) {
          if (!sentWhole.has(id) || !service) {
            child = store.updateChild(id, { status: 'canceled', submit_state: 'pending', lease_owner: null, message: 'interrupted during upload' }, { reason: 'interrupted' }).after;
            return finished(child);
          }
          const adapter = await context.adapter(service);
          const remoteId = adapter.capabilities.findByChild ? await adapter.findByChild(child.id, child.parent_job_id!) : null;
          if (!remoteId) {
            const message = 'interrupted after the upload; the next poll checks whether it arrived and cancels it';
            store.updateChild(id, { message });
            return { child, result: 'pending-cleanup' as const, message };
          }
          child = store.updateChild(id, { remote_job_id: remoteId, submit_state: 'cancel-pending', lease_owner: null }).after;
        }
        if (!service) throw new RemoteError(String(child.service_id), `service ${child.service_id} is no longer in the registry`);
        return await cancelRemote(context, store, child, service);
      } catch (error) {
        if (!(error instanceof RemoteError || error instanceof AuthError)) throw error;
        const message = `interrupted; the cancel could not be sent (${error.message}); the next poll or cancel sends it again`;
        store.updateChild(id, { message });
        return { child: store.get(id)!, result: 'pending-cleanup' as const, message };
      }
    }),
  );
}

async function cancelRemote(context: Context, store: Store, child: JobRow, service: Parameters<Context['adapter']>[0]): Promise<InterruptOutcome> {
  const adapter = await context.adapter(service);
  const outcome = await adapter.cancel(child.remote_job_id!);
  if (outcome.kind === 'canceled') {
    const after = store.updateChild(child.id, { status: 'canceled', submit_state: 'submitted', message: 'interrupted: canceled on the service' }).after;
    return { child: after, result: 'canceled', message: `canceled on the service (job ${child.remote_job_id})` };
  }
  if (outcome.kind === 'requested') {
    const after = store.updateChild(child.id, { submit_state: 'submitted', message: 'interrupted: cancel requested' }).after;
    return { child: after, result: 'cancel-requested', message: `cancel requested on the service (job ${child.remote_job_id}); the next poll confirms it` };
  }
  const { patchFromReport } = await import('../domain/remote.js');
  const after = store.updateChild(child.id, { ...patchFromReport(await adapter.details(child.remote_job_id!), child), submit_state: 'submitted' }).after;
  return finished(after);
}

function finished(child: JobRow): InterruptOutcome {
  const message = child.status === 'canceled' ? (child.message ?? 'canceled') : `already ${child.status} on the service`;
  return { child, result: child.status === 'canceled' ? 'canceled' : 'finished', message };
}
