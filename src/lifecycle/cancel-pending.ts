/**
 * A cancel the user asked for while the child was being uploaded is sent as soon as the service accepts the
 * job. Until the service confirms it (canceled, requested, or the job already finished) the child keeps
 * submit_state 'cancel-pending' and every refresh sends it again: a transport error must not leave a job
 * the user canceled running on, holding one of their slots.
 */
import { RemoteError } from '../errors.js';
import type { ImputationAdapter } from '../adapters/types.js';
import type { JobRow } from '../store/rows.js';
import type { ChildChange, Store } from '../store/store.js';

/** Send the pending cancel of a child the service has accepted; undefined when it could not be sent (kept pending). */
export async function sendPendingCancel(store: Store, adapter: ImputationAdapter, child: JobRow): Promise<ChildChange | undefined> {
  let outcome;
  try {
    outcome = await adapter.cancel(child.remote_job_id!);
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    store.updateChild(child.id, { submit_state: 'cancel-pending', message: 'cancel requested; not confirmed by the service yet, sent again on the next refresh' });
    return undefined;
  }
  if (outcome.kind === 'canceled') return store.updateChild(child.id, { status: 'canceled', submit_state: 'submitted', message: 'canceled' });
  if (outcome.kind === 'requested') return store.updateChild(child.id, { submit_state: 'submitted', message: 'cancel requested' });
  return store.updateChild(child.id, { submit_state: 'submitted' });
}
