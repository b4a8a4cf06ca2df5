/**
 * One refresh of a set of parents: per service ONE list request (statusMany), one detail request per
 * child whose state changed (or whose progress is stale), and submission of children that are still
 * waiting (per-user slot, interrupted submit). Transport errors are reported, never turned into job
 * failures: only a service saying so fails a child. What changed is read back from job_events.
 */
import type { Context } from '../context.js';
import { AuthError, ConfigError, RemoteError } from '../errors.js';
import type { ImputationAdapter } from '../adapters/types.js';
import type { Change } from '../domain/change.js';
import { patchFromReport, reportDiffers } from '../domain/remote.js';
import { childReference } from '../domain/display.js';
import { elapsedProgress } from '../domain/estimate.js';
import { isLost, TERMINAL } from '../domain/status.js';
import { stuckFlag } from '../domain/stuck.js';
import { serviceOfJob, ServiceGoneError } from '../registry/lookup.js';
import type { Service } from '../registry/types.js';
import type { JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';
import { sendPendingCancel } from './cancel-pending.js';
import { submitChild } from './submitter.js';

export type { Change };

export interface ServiceProblem {
  service: string;
  message: string;
  /** the service rejected the token: the user must act (exit 4) */
  auth: boolean;
  /** the service is no longer in the registry: the user must act (exit 2) */
  registry: boolean;
  /** the parents with children on that service that this refresh could not follow */
  parent_ids: string[];
}

/** a child its service has lost (Michigan -1, a run a WES server forgot): retry or cancel it */
export interface LostChild {
  service: string;
  child_id: string;
  /** how `--child` names it (domain/display.ts childReference) */
  child_ref: string;
  parent_id: string;
  remote_job_id: string | null;
  message: string | null;
}

/** a child longer in one state than its service's max_run_seconds (DESIGN §6) */
export interface StuckChild {
  service: string;
  child_id: string;
  /** how `--child` names it (domain/display.ts childReference) */
  child_ref: string;
  parent_id: string;
  status: string;
  since: string;
  for_ms: number;
  limit_ms: number;
}

export interface RefreshResult {
  changes: Change[];
  problems: ServiceProblem[];
  stuck: StuckChild[];
  lost: LostChild[];
  /** how many services were asked (a problem with each of them: none could be reached) */
  services: number;
}

export interface RefreshOptions {
  /** fetch details of a running child at least this often, for progress (ms) */
  detailAfterMs?: number;
}

export async function refreshParents(context: Context, parentIds: string[], options: RefreshOptions = {}): Promise<RefreshResult> {
  const store = await context.store();
  const registry = await context.registry();
  const mark = store.jobs.mark();
  const children = [...store.jobs.childrenOf(parentIds).values()].flat().filter((child) => !TERMINAL.has(child.status));
  const byService = new Map<number, JobRow[]>();
  for (const child of children) byService.set(child.service_id!, [...(byService.get(child.service_id!) ?? []), child]);
  // A child waiting for a slot needs fresh news of the jobs holding that service's slots, including other
  // parents' (`watch B` while only A's job holds the slot): they ride on the same one list request.
  for (const [serviceId, group] of byService) {
    if (group.every((child) => child.remote_job_id)) continue;
    const known = new Set(group.map((child) => child.id));
    group.push(...store.leases.slotHolders(serviceId).filter((child) => !known.has(child.id)));
  }

  const problems: ServiceProblem[] = [];
  await Promise.all(
    [...byService].map(async ([serviceId, group]) => {
      const label = group[0].service_slug ?? `service ${serviceId}`;
      try {
        const service = serviceOfJob(registry, group[0]);
        const adapter = await context.adapter(service);
        await refreshService(context, store, adapter, service, group, options);
      } catch (error) {
        if (!(error instanceof RemoteError || error instanceof AuthError || error instanceof ConfigError)) throw error;
        const parents = [...new Set(group.map((child) => child.parent_job_id!))].filter((id) => parentIds.includes(id));
        problems.push({ service: label, message: error.message, auth: error instanceof AuthError, registry: error instanceof ServiceGoneError, parent_ids: parents });
        context.debug(`${label}: ${error.message}`);
      }
    }),
  );
  const asked = new Set(parentIds);
  const mine = [...byService.values()].flat().filter((child) => asked.has(child.parent_job_id!));
  const stuck = stuckChildren(context, store, registry.services, mine);
  return { changes: store.jobs.changesSince(mark), problems, stuck, lost: lostChildren(store, mine), services: byService.size };
}

function lostChildren(store: Store, children: JobRow[]): LostChild[] {
  return children
    .map((before) => store.get(before.id)!)
    .filter(isLost)
    .map((child) => ({
      service: child.service_slug ?? String(child.service_id),
      child_id: child.id,
      child_ref: childReference(child, store.children(child.parent_job_id!)),
      parent_id: child.parent_job_id!,
      remote_job_id: child.remote_job_id,
      message: child.message,
    }));
}

async function refreshService(
  context: Context,
  store: Store,
  adapter: ImputationAdapter,
  service: Service,
  group: JobRow[],
  options: RefreshOptions,
): Promise<void> {
  // a cancel asked for during an upload, not confirmed by the service yet: sent again
  for (const child of group.filter((candidate) => candidate.remote_job_id && candidate.submit_state === 'cancel-pending')) {
    await sendPendingCancel(store, adapter, child);
  }
  const submitted = group.filter((child) => child.remote_job_id);
  if (submitted.length > 0) {
    const states = await adapter.statusMany(submitted.map((child) => child.remote_job_id!));
    store.jobs.markChecked(submitted.filter((child) => states.has(child.remote_job_id!)).map((child) => child.id));
    for (const child of submitted) {
      const state = states.get(child.remote_job_id!);
      if (!state) continue;
      const stale =
        child.status === 'running' && context.now().getTime() - Date.parse(child.updated_at) >= (options.detailAfterMs ?? 120_000);
      if (!reportDiffers(child, state) && !stale) continue;
      const detailed = await adapter.details(child.remote_job_id!, { progress: stale }).catch((error: unknown) => {
        if (error instanceof RemoteError) return state;
        throw error;
      });
      if (detailed.status === null && !detailed.lost) context.warn(`${service.slug}: job ${child.remote_job_id} is in state ${detailed.rawState}; keeping ${child.status}`);
      const report = detailed.progress === undefined && (detailed.status ?? child.status) === 'running' ? { ...detailed, progress: estimate(store, child) } : detailed;
      store.updateChild(child.id, patchFromReport(report, child));
    }
  }
  // children not accepted by the service yet: waiting for a slot, or interrupted mid-submit
  for (const child of group.filter((candidate) => !candidate.remote_job_id)) {
    await submitChild(store, adapter, child.id, { signal: context.signal });
  }
  store.jobs.markChecked(group.filter((child) => !child.remote_job_id).map((child) => child.id));
}

/** a running child whose service gives no progress signal: how far its time says it is (domain/estimate.ts) */
function estimate(store: Store, child: JobRow): number {
  const started = child.started_at ?? store.clock().toISOString();
  return elapsedProgress(store.clock().getTime() - Date.parse(started), store.jobs.typicalRunMs(child.service_id!));
}

/** the unfinished children on a service with a max_run_seconds that have been in one state too long */
function stuckChildren(context: Context, store: Store, services: readonly Service[], children: JobRow[]): StuckChild[] {
  const now = context.now();
  const since = store.jobs.statusSince(children.map((child) => child.id));
  const stuck: StuckChild[] = [];
  for (const before of children) {
    const child = store.get(before.id)!;
    const limit = services.find((service) => service.id === child.service_id)?.max_run_seconds;
    const flag = stuckFlag(child, since.get(child.id), limit, now);
    if (!flag) continue;
    stuck.push({
      service: child.service_slug ?? String(child.service_id),
      child_id: child.id,
      child_ref: childReference(child, store.children(child.parent_job_id!)),
      parent_id: child.parent_job_id!,
      status: child.status,
      since: since.get(child.id)!,
      for_ms: flag.forMs,
      limit_ms: flag.limitMs,
    });
  }
  return stuck;
}
