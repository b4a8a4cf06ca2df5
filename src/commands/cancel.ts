/**
 * `fedimpute cancel <parent> [--child id]`: cancel unfinished children remotely, in parallel. Children
 * not yet on a service are canceled locally; one being uploaded by another process is marked so that
 * process cancels it as soon as the service accepts it; a service whose cancel may be a no-op leaves
 * "cancel requested" and polling goes on.
 */
import type { Context } from '../context.js';
import { AuthError, EXIT, RemoteError } from '../errors.js';
import { serviceOfJob, ServiceGoneError } from '../registry/lookup.js';
import type { Service } from '../registry/types.js';
import type { JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';
import { isLost } from '../domain/status.js';
import { examples, text, type RawOptions, type Registration } from './options.js';

export interface CancelOptions {
  /** parent id, unique prefix (≥4) or `last` */
  parent: string;
  /** only this child (id prefix or service slug) */
  child?: string;
}

export function cancelOptions(raw: RawOptions, [parent]: string[]): CancelOptions {
  return { parent, child: text(raw, 'child') };
}

export const registerCancel: Registration = (program, register) => {
  const command = program
    .command('cancel')
    .description('cancel the unfinished children of a parent (a job the service lost is settled here)')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--child <id>', 'only this child (id prefix or service slug)');
  examples(command, [
    ['fedimpute cancel last', 'every unfinished child of the newest job'],
    ['fedimpute cancel 3f2a --child ilifu', 'only the child on ilifu'],
    ['fedimpute cancel 3f2a --json', 'what happened to each child, as JSON'],
  ]);
  command.action(register(cancelOptions, async () => runCancel));
};

/** `registry`: the child's service is no longer in the registry (an 'error', and exit 2) */
type Outcome = { child: JobRow; result: 'canceled' | 'requested' | 'already-finished' | 'error' | 'auth-error'; message: string; registry?: boolean };

export async function runCancel(options: CancelOptions, context: Context): Promise<number> {
  const [store, { resolveChild, resolveParent }, { TERMINAL }] = await Promise.all([
    context.store(),
    import('../lifecycle/resolve.js'),
    import('../domain/status.js'),
  ]);
  const parent = resolveParent(store, options.parent);
  const targets = (options.child ? [resolveChild(store, parent, options.child)] : store.children(parent.id)).filter(
    (child) => !TERMINAL.has(child.status),
  );
  if (targets.length === 0) {
    context.info(`nothing to cancel: every child of ${parent.id.slice(0, 8)} has finished`);
    if (context.globals.json) context.json({ parent_job_id: parent.id, children: [] });
    return EXIT.ok;
  }
  const registry = await context.registry();
  const outcomes = await Promise.all(targets.map((child) => cancelOne(context, store, () => serviceOfJob(registry, child), child)));
  const refreshed = store.get(parent.id)!;
  if (context.globals.json) {
    context.json({
      parent_job_id: parent.id,
      status: refreshed.status,
      children: outcomes.map(({ child, result, message }) => ({ id: child.id, service_slug: child.service_slug, result, message })),
    });
  } else {
    const { tsvRow } = await import('../sanitize.js');
    for (const { child, result, message } of outcomes) context.out(tsvRow([child.service_slug ?? '', child.id, result, message]));
  }
  if (outcomes.some((outcome) => outcome.result === 'auth-error')) return EXIT.auth;
  if (outcomes.some((outcome) => outcome.registry)) return EXIT.usage;
  return outcomes.some((outcome) => outcome.result === 'error') ? EXIT.runtime : EXIT.ok;
}

/** `service` throws ServiceGoneError when the child's service is no longer in the registry */
async function cancelOne(context: Context, store: Store, service: () => Service, child: JobRow): Promise<Outcome> {
  try {
    return await cancelChild(context, store, service, child);
  } catch (error) {
    if (error instanceof AuthError) return { child, result: 'auth-error', message: error.message };
    if (error instanceof RemoteError) return { child, result: 'error', message: error.message };
    if (error instanceof ServiceGoneError) return { child, result: 'error', message: error.message, registry: true };
    throw error;
  }
}

async function cancelChild(context: Context, store: Store, service: () => Service, child: JobRow): Promise<Outcome> {
  const now = context.now().toISOString();
  if (!child.remote_job_id) {
    const [{ currentOwner, ownerAlive, LEASE_MS }, { resendAfter }] = await Promise.all([import('../lifecycle/owner.js'), import('../domain/resubmit.js')]);
    const live = child.submit_state === 'submitting' && child.lease_owner && child.lease_owner !== currentOwner() && ownerAlive(child.lease_owner);
    if (live) {
      store.updateChild(child.id, { cancel_requested_at: now, message: 'cancel requested while uploading' });
      return { child, result: 'requested', message: 'being uploaded by another fedimpute process; it cancels the job as soon as the service accepts it' };
    }
    // An interrupted submission may have created the job after all (the POST's answer was lost, or the
    // process died after it): find it first, or it runs on unseen, holding one of the user's slots.
    const found = await findInterrupted(context, service, child);
    const hold = found ? null : resendAfter(child, LEASE_MS);
    if (hold && hold > now) {
      // a process died mid-upload moments ago: the service may still make a job of it, which poll then cancels
      store.updateChild(child.id, { cancel_requested_at: now, message: 'cancel requested; the interrupted upload may still arrive' });
      return { child, result: 'requested', message: `cancel requested; the interrupted upload may still arrive on ${child.service_slug}: poll cancels the job if it does, else marks the child canceled after ${hold}` };
    }
    if (!found) {
      store.updateChild(child.id, { status: 'canceled', cancel_requested_at: now, message: 'canceled before it was submitted' }, { reason: 'canceled locally' });
      return { child, result: 'canceled', message: 'canceled before it was submitted' };
    }
    child = store.updateChild(child.id, { remote_job_id: found, submit_state: 'submitted', lease_owner: null, message: 'found again on the service after an interrupted submission' }).after;
  }
  const remoteId = child.remote_job_id as string;
  if (isLost(child)) {
    // the service lost it: asking it to cancel is a courtesy (a dead Michigan job can be), the child is settled here
    await (await context.adapter(service())).cancel(remoteId).catch(() => undefined);
    store.updateChild(child.id, { status: 'canceled', cancel_requested_at: now, message: 'canceled here: the service had lost the job' }, { reason: 'canceled locally' });
    return { child, result: 'canceled', message: 'canceled here: the service had lost the job' };
  }
  const adapter = await context.adapter(service());
  const outcome = await adapter.cancel(remoteId);
  if (outcome.kind === 'canceled') {
    store.updateChild(child.id, { status: 'canceled', cancel_requested_at: now, submit_state: 'submitted', message: 'canceled' });
    return { child, result: 'canceled', message: 'canceled' };
  }
  if (outcome.kind === 'requested') {
    store.updateChild(child.id, { cancel_requested_at: now, submit_state: 'submitted', message: 'cancel requested' });
    return { child, result: 'requested', message: `cancel requested; ${adapter.service.slug} may finish the job anyway, polling goes on` };
  }
  const state = await adapter.details(remoteId);
  const { patchFromReport } = await import('../domain/remote.js');
  store.updateChild(child.id, { ...patchFromReport(state, child), submit_state: 'submitted' });
  return { child, result: 'already-finished', message: `already finished (${state.status ?? state.rawState})` };
}

/**
 * The remote job of an interrupted submission ('unconfirmed', or 'submitting' by a process now gone), if
 * any. A failure to look is not "none": the submission may have created a job, so the cancel fails.
 */
async function findInterrupted(context: Context, service: () => Service, child: JobRow): Promise<string | null> {
  if (child.submit_state !== 'unconfirmed' && child.submit_state !== 'submitting') return null;
  const adapter = await context.adapter(service());
  if (!adapter.capabilities.findByChild) return null;
  try {
    return await adapter.findByChild(child.id, child.parent_job_id!);
  } catch (error) {
    if (!(error instanceof AuthError || error instanceof RemoteError)) throw error;
    throw new RemoteError(error.service, `${error.message} (the interrupted submission may have created a job; try again)`);
  }
}
