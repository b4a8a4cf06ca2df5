/**
 * `fedimpute retry <parent> [--child id]`: resubmit failed, canceled or lost children with the same inputs
 * and options. The inputs must still be the files that were submitted (same sha256); the previous attempt
 * stays in job_attempts and the parent is re-aggregated.
 */
import type { Context } from '../context.js';
import type { InputRecord } from '../domain/inputs.js';
import { EXIT, InputError, UsageError } from '../errors.js';
import { isLost } from '../domain/status.js';
import { count, examples, positiveInteger, text, type RawOptions, type Registration } from './options.js';

export interface RetryOptions {
  /** parent id, unique prefix (≥4) or `last` */
  parent: string;
  /** only this child (id prefix or service slug) */
  child?: string;
  /** uploads at once (default 4) */
  concurrency?: number;
}

export function retryOptions(raw: RawOptions, [parent]: string[]): RetryOptions {
  return { parent, child: text(raw, 'child'), concurrency: count(raw, 'concurrency') };
}

export const registerRetry: Registration = (program, register) => {
  const command = program
    .command('retry')
    .description('resubmit failed, canceled or lost children with the same inputs and options')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--child <id>', 'only this child (id prefix or service slug)')
    .addOption(program.createOption('--concurrency <n>', 'uploads at once').default(4).argParser(positiveInteger('--concurrency')));
  examples(command, [
    ['fedimpute retry last', 'every failed, canceled or lost child of the newest job'],
    ['fedimpute retry 3f2a --child h3africa', 'only the child on h3africa'],
    ['fedimpute retry 3f2a --json', 'the new attempts as JSON'],
  ]);
  command.addHelpText('after', '\nCtrl-C stops as in submit: uploads aborted, created jobs canceled (exit 130).\n');
  command.action(register(retryOptions, async () => runRetry));
};

export async function runRetry(options: RetryOptions, context: Context): Promise<number> {
  const [store, { resolveChild, resolveParent }, { serviceOfJob }, { inputsOf }, { shownMessage, errorOf }, { tsvRow }] = await Promise.all([
    context.store(),
    import('../lifecycle/resolve.js'),
    import('../registry/lookup.js'),
    import('../store/columns.js'),
    import('../domain/display.js'),
    import('../sanitize.js'),
  ]);
  const parent = resolveParent(store, options.parent);
  const candidates = options.child ? [resolveChild(store, parent, options.child)] : store.children(parent.id);
  // a job the service lost is retried like a failed one: waiting does not bring it back
  const targets = candidates.filter((child) => child.status === 'failed' || child.status === 'canceled' || isLost(child));
  if (options.child && targets.length === 0) {
    throw new UsageError(`child ${candidates[0].id.slice(0, 8)} (${candidates[0].service_slug}) is ${candidates[0].status}; only failed, canceled or lost children can be retried`, {
      hint: `follow it with: fedimpute watch ${parent.id.slice(0, 8)}`,
    });
  }
  if (targets.length === 0) throw new UsageError(`nothing to retry: job ${parent.id.slice(0, 8)} has no failed, canceled or lost children`);

  const registry = await context.registry();
  const services = targets.map((child) => serviceOfJob(registry, child));
  const inputs = inputsOf(parent);
  if (inputs.some((input) => !input.sha256)) {
    // the submit that recorded them was interrupted before its hash finished: record it now
    const { hashInputs } = await import('../lifecycle/inputs.js');
    context.warn('the inputs were never hashed (the submit was interrupted); recording their sha256 now, so this retry cannot prove they are unchanged');
    store.jobs.setInputs(parent.id, JSON.stringify(await hashInputs(inputs)));
  } else await verifyInputs(inputs);
  const [{ checkServices }, { uploadChildren }, { generatePassword }, { capabilitiesOf }] = await Promise.all([
    import('../lifecycle/validate.js'),
    import('../lifecycle/upload.js'),
    import('../domain/password.js'),
    import('../adapters/capabilities.js'),
  ]);
  await checkServices(context, services);

  for (const [index, child] of targets.entries()) {
    // a lost job might be brought back by the service's administrator: cancel it first, if it can be
    if (isLost(child)) await (await context.adapter(services[index])).cancel(child.remote_job_id!).catch(() => undefined);
    store.jobs.reopenForRetry(child.id);
    // a new job, a new password: the old one was sent with the failed attempt
    if (capabilitiesOf(services[index]).resultPassword) store.updateChild(child.id, { result_password: generatePassword() });
  }
  const childIds = targets.map((child) => child.id);
  const { onInterrupt, reportInterrupted } = await import('./submit-output.js');
  const interrupt = await onInterrupt(context, store, childIds);
  const outcome = await uploadChildren(context, store, parent.id, options.concurrency ?? 4);
  interrupt.dispose();
  if (context.signal.aborted) return reportInterrupted(context, store, parent.id, childIds, outcome.sentWhole);
  const retried = targets.map((child) => store.get(child.id)!);
  if (context.globals.json) {
    context.json({
      parent_job_id: parent.id,
      status: store.get(parent.id)!.status,
      child_jobs: retried.map((child) => ({ id: child.id, service_slug: child.service_slug, attempt: child.attempt, status: child.status, remote_job_id: child.remote_job_id, error: errorOf(child) })),
    });
  } else {
    for (const child of retried) {
      context.out(tsvRow([child.service_slug ?? '', child.id, `attempt ${child.attempt}`, child.status, child.remote_job_id ?? '', shownMessage(child) ?? '']));
    }
  }
  if (outcome.authError) throw outcome.authError;
  return retried.some((child) => child.status === 'failed') ? EXIT.jobFailed : EXIT.ok;
}

async function verifyInputs(inputs: InputRecord[]): Promise<void> {
  const { sha256File } = await import('../lifecycle/hash.js');
  for (const input of inputs) {
    let hash: string;
    try {
      hash = await sha256File(input.path);
    } catch {
      throw new InputError(`input ${input.path} is gone; retry needs the file that was submitted`, { hint: 'restore it, or submit a new job' });
    }
    if (hash !== input.sha256) {
      throw new InputError(`input ${input.path} changed since it was submitted (sha256 differs)`, { hint: 'retry resubmits the same data; submit the new file as a new job' });
    }
  }
}
