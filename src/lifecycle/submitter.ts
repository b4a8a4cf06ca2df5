/**
 * Submitting one child, safely: claim the lease in the store, find an interrupted attempt again on the
 * service before resubmitting (and, for an upload whose process died, keep looking without resubmitting
 * until the grace of domain/resubmit.ts has passed), respect the per-user job limit, and record the
 * outcome. Used by `submit`, `poll`/`watch` (waiting and interrupted children) and `retry`.
 */
import { basename } from 'node:path';
import { AuthError, EnvironmentError, RemoteError } from '../errors.js';
import { storeFault } from '../faults.js';
import type { ImputationAdapter } from '../adapters/types.js';
import type { InputRecord } from '../domain/inputs.js';
import { checkingMessage, resendAfter } from '../domain/resubmit.js';
import { inputsOf, optionsOf } from '../store/columns.js';
import type { JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';
import { sendPendingCancel } from './cancel-pending.js';
import { LEASE_MS, currentOwner, ownerAlive } from './owner.js';

export type ChildSubmitResult =
  | { kind: 'submitted'; remoteId: string }
  | { kind: 'found'; remoteId: string }
  | { kind: 'waiting-slot'; message: string }
  | { kind: 'rejected'; message: string }
  | { kind: 'canceled' }
  /** the POST got no usable answer; the next poll looks for it on the service or resubmits */
  | { kind: 'unconfirmed'; message: string }
  /** another live process is submitting it, or it needs nothing */
  | { kind: 'skipped' };

export interface SubmitChildOptions {
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

export async function submitChild(
  store: Store,
  adapter: ImputationAdapter,
  childId: string,
  options: SubmitChildOptions = {},
): Promise<ChildSubmitResult> {
  const owner = currentOwner();
  const claim = store.leases.claim(childId, owner, LEASE_MS, ownerAlive);
  if (!claim.claimed) return { kind: 'skipped' };
  const child = store.get(childId)!;
  // looked up before honouring a cancel: an interrupted attempt that did create the job must be canceled
  // remotely (recordSubmitted does), not forgotten while it runs on holding a slot
  if (claim.previous === 'unconfirmed' && adapter.capabilities.findByChild) {
    const hold = resendAfter(claim.held, LEASE_MS);
    const remoteId = await adapter.findByChild(child.id, child.parent_job_id!).catch(() => undefined);
    if (remoteId === undefined) {
      // cannot tell whether it exists: try again later rather than risk a duplicate
      store.updateChild(childId, { submit_state: 'unconfirmed', lease_owner: null, lease_until: hold });
      return { kind: 'unconfirmed', message: 'could not look the job up on the service' };
    }
    if (remoteId) return recordSubmitted(store, adapter, child, remoteId, 'found');
    if (hold && hold > store.clock().toISOString()) {
      // the server may still be taking in the dead process's upload: look again on the next refresh. One the
      // user interrupted is never sent again: if no job shows by then, it is canceled
      const message = child.cancel_requested_at
        ? `interrupted: checking whether the upload arrived; canceled after ${hold} if the service does not show the job by then`
        : checkingMessage(hold);
      store.updateChild(childId, { submit_state: 'unconfirmed', lease_owner: null, lease_until: hold, message });
      return { kind: 'unconfirmed', message };
    }
  }
  if (child.cancel_requested_at) {
    store.updateChild(childId, { status: 'canceled', submit_state: 'pending', lease_owner: null, message: 'canceled before it was submitted' });
    return { kind: 'canceled' };
  }
  const limit = adapter.service.max_parallel_jobs;
  if (limit !== undefined && activeJobs(store, child) >= limit) {
    const message = `waiting for a free slot (${limit} jobs at once on ${adapter.service.slug})`;
    store.updateChild(childId, { submit_state: 'waiting-slot', lease_owner: null, message });
    return { kind: 'waiting-slot', message };
  }

  return upload(store, adapter, child, owner, options);
}

/** the submission itself, the lease renewed while it lasts; what the service said, recorded */
async function upload(store: Store, adapter: ImputationAdapter, child: JobRow, owner: string, options: SubmitChildOptions): Promise<ChildSubmitResult> {
  const childId = child.id;
  // decoded before anything is sent: a damaged store is a clear error, not an upload of unknown options
  const request = {
    parentId: child.parent_job_id!,
    childId,
    jobName: jobName(store, child),
    files: inputFiles(child),
    panelId: child.reference_panel_id!,
    ...optionsOf(child),
    password: child.result_password ?? undefined,
    signal: options.signal,
    onProgress: options.onProgress,
  };
  const heartbeat = setInterval(() => store.leases.renew(childId, owner, LEASE_MS), LEASE_MS / 3);
  heartbeat.unref();
  try {
    const outcome = await adapter.submit(request);
    if (outcome.kind === 'submitted') return recordSubmitted(store, adapter, child, outcome.remoteId, 'submitted');
    if (outcome.kind === 'no-slot') {
      store.updateChild(childId, { submit_state: 'waiting-slot', lease_owner: null, message: `waiting for a free slot: ${outcome.message}` });
      return { kind: 'waiting-slot', message: outcome.message };
    }
    store.updateChild(childId, { status: 'failed', submit_state: 'rejected', lease_owner: null, last_error: outcome.message, message: outcome.message });
    return { kind: 'rejected', message: outcome.message };
  } catch (error) {
    if (error instanceof AuthError) {
      store.updateChild(childId, { submit_state: 'pending', lease_owner: null, last_error: error.message });
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    // this process saw the request end: the next refresh may look for the job and send it again at once
    store.updateChild(childId, { submit_state: 'unconfirmed', lease_owner: null, lease_until: null, last_error: message });
    if (!(error instanceof RemoteError) && !options.signal?.aborted) throw error;
    return { kind: 'unconfirmed', message };
  } finally {
    clearInterval(heartbeat);
  }
}

async function recordSubmitted(
  store: Store,
  adapter: ImputationAdapter,
  child: JobRow,
  remoteId: string,
  kind: 'submitted' | 'found',
): Promise<ChildSubmitResult> {
  let change;
  try {
    change = store.updateChild(child.id, {
      remote_job_id: remoteId,
      submit_state: 'submitted',
      submitted_at: store.clock().toISOString(),
      lease_owner: null,
      last_error: null,
      message: kind === 'found' ? 'found again on the service after an interrupted submission' : 'submitted',
    });
  } catch (error) {
    throw unrecorded(error, store, adapter, remoteId);
  }
  // a cancel that arrived while we were uploading: sent now, and again by each refresh until confirmed
  if (change.after.cancel_requested_at) {
    store.updateChild(child.id, { submit_state: 'cancel-pending' });
    await sendPendingCancel(store, adapter, change.after).catch(() => undefined);
  }
  return { kind, remoteId };
}

/**
 * The service accepted the job but the store could not say so (locked, full, read-only). The child stays
 * "submitting" under this process's lease, which ends with it: the next `poll` looks the job up by its name on
 * the service and records it. Submitting again by hand would make a duplicate.
 */
function unrecorded(error: unknown, store: Store, adapter: ImputationAdapter, remoteId: string): Error {
  const fault = storeFault(error, store.db.name);
  if (!fault) return error as Error;
  const service = adapter.service.slug;
  return new EnvironmentError(
    `${service} accepted job ${remoteId}, but the job store could not record it: ${fault.message}`,
    { hint: `do not submit again: once the store is writable, \`fedimpute poll\` finds job ${remoteId} on ${service} and records it`, cause: error },
  );
}

/** this service's jobs of ours that hold one of the server's per-user slots */
function activeJobs(store: Store, child: JobRow): number {
  return store.leases.activeRemoteJobs(child.service_id!, child.id);
}

export function jobName(store: Store, child: JobRow): string {
  const parent = store.get(child.parent_job_id!);
  return `${parent?.name ?? 'fedimpute'} [${child.id}]`;
}

/** the inputs as sent: a record without a name (an older store) is sent under its file's name */
export function inputFiles(child: JobRow): InputRecord[] {
  return inputsOf(child).map((input) => ({ ...input, name: input.name || basename(input.path) }));
}
