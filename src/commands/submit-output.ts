/**
 * What `submit` (and `retry`) print: the dry-run plan, the result (the seed's JSON shape, the child table
 * on a terminal, a parent id and tab-separated lines in a pipe), and what Ctrl-C did to each child.
 */
import type { Context } from '../context.js';
import type { InputRecord } from '../domain/inputs.js';
import type { SubmitOptions } from '../domain/submission.js';
import { EXIT } from '../errors.js';
import type { ChildPlan } from '../lifecycle/plan.js';
import type { JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';

export async function printPlan(context: Context, name: string, plans: ChildPlan[], options: SubmitOptions, inputs: InputRecord[]): Promise<number> {
  if (context.globals.json) {
    context.json({
      dry_run: true,
      parent_job_name: name,
      total_services: plans.length,
      options,
      inputs: inputs.map((input) => ({ path: input.path, size: input.size })),
      child_jobs: plans.map((plan) => ({ service_id: plan.service.id, service_name: plan.service.name, panel_id: plan.panelId, panel_name: plan.panelName, meta: plan.meta })),
    });
    return EXIT.ok;
  }
  const { renderTable } = await import('../output/table.js');
  const rows = plans.map((plan) => [String(plan.service.id), plan.service.slug, plan.service.type, `${plan.panelId} ${plan.panelName}`, options.build, options.population ?? '', options.phasing]);
  const columns = [
    { header: 'ID', shrink: 'never' as const },
    { header: 'SERVICE', shrink: 'never' as const },
    { header: 'PROTOCOL', shrink: 'never' as const, optional: true },
    { header: 'PANEL', shrink: 'end' as const, min: 8 },
    { header: 'BUILD', shrink: 'never' as const },
    { header: 'POPULATION', shrink: 'never' as const },
    { header: 'PHASING', shrink: 'never' as const, optional: true },
  ];
  context.out(renderTable(columns, rows, { tty: context.tty, style: context.style, width: context.width }));
  context.info(`dry run: "${name}" would go to ${plans.length} service${plans.length === 1 ? '' : 's'}; nothing was uploaded`);
  return EXIT.ok;
}

export async function printResult(context: Context, parent: JobRow, children: JobRow[], total: number): Promise<void> {
  const [{ childDetail }, { shortId }, { childTable }, { errorOf }, { displayWidth, truncateEnd, wrapProse }] = await Promise.all([
    import('../output/jobs.js'),
    import('../output/format.js'),
    import('../output/status.js'),
    import('../domain/display.js'),
    import('../output/width.js'),
  ]);
  const failed = children.filter((child) => child.status === 'failed').length;
  const waiting = children.filter((child) => !child.remote_job_id && child.status === 'queued');
  const unconfirmed = waiting.filter((child) => child.submit_state === 'unconfirmed').length;
  const parts: string[] = [];
  if (failed > 0) parts.push(`${failed} refused`);
  if (waiting.length > unconfirmed) parts.push(`${waiting.length - unconfirmed} waiting for a free slot`);
  if (unconfirmed > 0) parts.push(`${unconfirmed} unanswered (the next poll checks whether the upload arrived)`);
  const message = parts.length > 0 ? `${total - failed - waiting.length} of ${total} child jobs submitted, ${parts.join(', ')}` : `all ${total} child jobs submitted`;
  if (context.globals.json) {
    context.json({
      parent_job_id: parent.id,
      parent_job_name: parent.name,
      total_services: total,
      child_jobs: children.map((child) => ({
        id: child.id,
        service_id: child.service_id,
        service_name: child.service_name,
        panel_id: child.reference_panel_id,
        status: child.status,
        remote_job_id: child.remote_job_id,
        error: errorOf(child),
      })),
      status: parent.status,
      message,
    });
    return;
  }
  if (!context.tty) {
    context.out(parent.id);
    for (const child of children) context.info(`${child.service_slug}\t${child.status}\t${child.remote_job_id ?? ''}\t${childDetail(child, context.now())}`);
    context.info(message);
    return;
  }
  const { style, width } = context;
  // the name gives way, never what happened: on a narrow terminal it is shortened, and a long outcome wraps
  const head = `${style.green(style.symbols.completed)} ${style.bold(shortId(parent.id))} `;
  const tail = ` ${style.symbols.none} ${message}`;
  const room = Math.max(12, width - displayWidth(head) - displayWidth(tail));
  context.out(wrapProse(`${head}${truncateEnd(parent.name ?? '', room, style.symbols.ellipsis)}${tail}`, width));
  context.out(childTable(children, style, context.now(), true, width));
  context.out(style.dim(`parent ${parent.id}`));
  context.out(style.dim(`follow it with: fedimpute watch ${shortId(parent.id)}`));
}

/**
 * From the first Ctrl-C on, the children count as interrupted (interrupt.ts): marked in the store at once,
 * synchronously, so that a second Ctrl-C, which exits at once, leaves the same decision for poll and cancel.
 */
export async function onInterrupt(context: Context, store: Store, childIds: string[]): Promise<{ dispose(): void }> {
  const { markInterrupted } = await import('../lifecycle/interrupt.js');
  const stop = () => {
    markInterrupted(store, childIds);
    context.info('interrupted: stopping the uploads and canceling what was created (Ctrl-C again quits at once; the next poll or cancel finishes it)');
  };
  if (context.signal.aborted) stop();
  else context.signal.addEventListener('abort', stop, { once: true });
  return { dispose: () => context.signal.removeEventListener('abort', stop) };
}

/** after the aborted uploads returned: cancel what they left, one line per child, exit 130 */
export async function reportInterrupted(context: Context, store: Store, parentId: string, childIds: string[], sentWhole: ReadonlySet<string>): Promise<number> {
  const [{ settleInterrupted }, { tsvRow }, { shortId }] = await Promise.all([import('../lifecycle/interrupt.js'), import('../sanitize.js'), import('../output/format.js')]);
  const outcomes = await settleInterrupted(context, store, childIds, sentWhole);
  if (context.globals.json) {
    context.json({
      parent_job_id: parentId,
      interrupted: true,
      child_jobs: outcomes.map(({ child, result, message }) => ({ id: child.id, service_slug: child.service_slug, status: child.status, result, message })),
    });
  } else {
    const { style } = context;
    for (const { child, result, message } of outcomes) {
      if (!context.tty) context.out(tsvRow([child.service_slug ?? '', child.id, result, message]));
      else context.out(`${result === 'canceled' ? style.yellow(style.symbols.canceled) : style.yellow(style.symbols.attention)} ${child.service_slug}  ${message}`);
    }
  }
  if (outcomes.some((outcome) => outcome.result === 'pending-cleanup' || outcome.result === 'cancel-requested')) {
    context.info(`the next fedimpute poll (or fedimpute cancel ${shortId(parentId)}) finishes canceling; it never uploads anything more`);
  }
  return EXIT.interrupted;
}
