/**
 * One refresh of a set of parents: per service ONE list request (statusMany), one detail request per
 * child whose state changed (or whose progress is stale), and submission of children that are still
 * waiting (per-user slot, interrupted submit). Transport errors are reported, never turned into job
 * failures: only a service saying so fails a child.
 */
import type { Context } from '../context.js';
import { AuthError, ConfigError, RemoteError } from '../errors.js';
import { TERMINAL, type ImputationAdapter, type RemoteJobState } from '../adapters/types.js';
import type { Service } from '../registry/types.js';
import type { JobRow } from '../store/rows.js';
import type { ChildChange, ChildPatch, Store } from '../store/store.js';
import { sendPendingCancel } from './cancel-pending.js';
import { submitChild } from './submitter.js';

export interface Change {
  at: string;
  kind: 'child' | 'parent';
  id: string;
  parent_id: string;
  service_slug: string | null;
  from: string | null;
  to: string;
  progress: number;
  remote_job_id: string | null;
  message: string | null;
}

export interface ServiceProblem {
  service: string;
  message: string;
  auth: boolean;
}

export interface RefreshResult {
  changes: Change[];
  problems: ServiceProblem[];
}

export interface RefreshOptions {
  /** fetch details of a running child at least this often, for progress (ms) */
  detailAfterMs?: number;
}

export async function refreshParents(context: Context, parentIds: string[], options: RefreshOptions = {}): Promise<RefreshResult> {
  const store = await context.store();
  const registry = await context.registry();
  const children = [...store.childrenOf(parentIds).values()].flat().filter((child) => !TERMINAL.has(child.status));
  const byService = new Map<number, JobRow[]>();
  for (const child of children) byService.set(child.service_id!, [...(byService.get(child.service_id!) ?? []), child]);
  // A child waiting for a slot needs fresh news of the jobs holding that service's slots, including other
  // parents' (`watch B` while only A's job holds the slot): they ride on the same one list request.
  for (const [serviceId, group] of byService) {
    if (group.every((child) => child.remote_job_id)) continue;
    const known = new Set(group.map((child) => child.id));
    group.push(...store.slotHolders(serviceId).filter((child) => !known.has(child.id)));
  }

  const result: RefreshResult = { changes: [], problems: [] };
  await Promise.all(
    [...byService].map(async ([serviceId, group]) => {
      const service = registry.services.find((candidate) => candidate.id === serviceId);
      const label = service?.slug ?? `service ${serviceId}`;
      try {
        if (!service) throw new ConfigError(`service ${serviceId} (${group[0].service_slug}) is no longer in the registry ${registry.file}`);
        const adapter = await context.adapter(service);
        await refreshService(context, store, adapter, service, group, options, result);
      } catch (error) {
        if (!(error instanceof RemoteError || error instanceof AuthError || error instanceof ConfigError)) throw error;
        result.problems.push({ service: label, message: error.message, auth: error instanceof AuthError });
        context.debug(`${label}: ${error.message}`);
      }
    }),
  );
  return result;
}

async function refreshService(
  context: Context,
  store: Store,
  adapter: ImputationAdapter,
  service: Service,
  group: JobRow[],
  options: RefreshOptions,
  result: RefreshResult,
): Promise<void> {
  for (const child of group.filter((candidate) => candidate.remote_job_id && candidate.submit_state === 'cancel-pending')) {
    const change = await sendPendingCancel(store, adapter, child);
    if (change) record(result, change, context);
  }
  const submitted = group.filter((child) => child.remote_job_id);
  if (submitted.length > 0) {
    const states = await adapter.statusMany(submitted.map((child) => child.remote_job_id!));
    for (const child of submitted) {
      const state = states.get(child.remote_job_id!);
      if (!state) continue;
      const stale =
        child.status === 'running' && context.now().getTime() - Date.parse(child.updated_at) >= (options.detailAfterMs ?? 120_000);
      if (!changed(child, state) && !stale) continue;
      const detailed = await adapter.details(child.remote_job_id!, { progress: stale }).catch((error: unknown) => {
        if (error instanceof RemoteError) return state;
        throw error;
      });
      if (detailed.status === null) context.warn(`${service.slug}: job ${child.remote_job_id} is in state ${detailed.rawState}; keeping ${child.status}`);
      record(result, store.updateChild(child.id, patchFrom(detailed, child)), context);
    }
  }
  // children not accepted by the service yet: waiting for a slot, or interrupted mid-submit
  for (const child of group.filter((candidate) => !candidate.remote_job_id)) {
    const before = store.get(child.id)!;
    const outcome = await submitChild(store, adapter, child.id, { signal: context.signal });
    if (outcome.kind === 'skipped') continue;
    const after = store.get(child.id)!;
    const parent = store.get(child.parent_job_id!)!;
    record(result, { before, after, parentBefore: parent, parentAfter: parent }, context, outcome.kind === 'submitted' || outcome.kind === 'found');
  }
}

function changed(child: JobRow, state: RemoteJobState): boolean {
  return (
    state.rawState !== child.remote_state ||
    (state.status !== null && state.status !== child.status) ||
    (state.queuePosition ?? null) !== child.queue_position
  );
}

export function patchFrom(remote: RemoteJobState, child: JobRow): ChildPatch {
  // A retired or deleted job (Michigan 7/10, or a 404 for a job we submitted) maps to 'completed' so that a
  // child that did complete keeps its status. A child we never saw complete must not become 'completed'
  // (parent 100 %, watch exit 0, nothing to download): its results are gone whatever happened, so it failed.
  const state: RemoteJobState =
    remote.retired && remote.status === 'completed' && child.status !== 'completed'
      ? { ...remote, status: 'failed', progress: undefined, hint: `${remote.hint ?? 'the server deleted the job'} before it was seen to finish` }
      : remote;
  const patch: ChildPatch = { remote_state: state.rawState };
  if (state.status !== null) patch.status = state.status;
  if (state.progress !== undefined) patch.progress = state.progress;
  patch.queue_position = state.queuePosition ?? null;
  if (state.step !== undefined) patch.step = state.step;
  const message = state.hint ? `${state.message ?? ''}${state.message ? ' — ' : ''}${state.hint}` : state.message;
  // a new state without a message of its own must not keep the old one ("submitted" on a finished run)
  if (message !== undefined) patch.message = message;
  else if (state.status !== null && state.status !== child.status) patch.message = null;
  if (state.status === 'failed') patch.last_error = message ?? child.last_error ?? `the service reports state ${state.rawState}`;
  if (state.resultsExpireAt) patch.results_expire_at = state.resultsExpireAt;
  if (state.status === 'completed') patch.progress = 100;
  return patch;
}

function record(result: RefreshResult, change: ChildChange, context: Context, submitted = false): void {
  const at = context.now().toISOString();
  const { before, after, parentBefore, parentAfter } = change;
  if (before.status !== after.status || submitted || before.submit_state !== after.submit_state) {
    result.changes.push({
      at,
      kind: 'child',
      id: after.id,
      parent_id: after.parent_job_id!,
      service_slug: after.service_slug,
      from: before.status,
      to: after.status,
      progress: after.progress,
      remote_job_id: after.remote_job_id,
      message: after.status === 'failed' ? after.last_error : after.message,
    });
  }
  if (parentBefore.status !== parentAfter.status || parentBefore.settled !== parentAfter.settled) {
    result.changes.push({
      at,
      kind: 'parent',
      id: parentAfter.id,
      parent_id: parentAfter.id,
      service_slug: null,
      from: parentBefore.status,
      to: parentAfter.status,
      progress: parentAfter.progress,
      remote_job_id: null,
      message: parentAfter.message,
    });
  }
}
