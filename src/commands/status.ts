/** `fedimpute status <parent> [--refresh] [--exit-status]`: the parent and its children from the store. */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import type { JobRow } from '../store/rows.js';
import { flag, type RawOptions, type Registration } from './options.js';

export interface StatusOptions {
  /** parent id, unique prefix (≥4) or `last` */
  parent: string;
  refresh?: boolean;
  exitStatus?: boolean;
}

export function statusOptions(raw: RawOptions, [parent]: string[]): StatusOptions {
  return { parent, refresh: flag(raw, 'refresh'), exitStatus: flag(raw, 'exitStatus') };
}

export const registerStatus: Registration = (program, register) => {
  program
    .command('status')
    .description('the parent and its children from the store')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--refresh', 'poll the services once first')
    .option('--exit-status', 'exit 0 all completed, 3 settled with failures, 8 still pending')
    .action(register(statusOptions, async () => runStatus));
};

export async function runStatus(options: StatusOptions, context: Context): Promise<number> {
  // read only, unless a refresh writes: the store's write side is not loaded for a plain status
  const [jobs, { resolveParent }, { parentJson }, { childTable, parentBlock, stuckLine }] = await Promise.all([
    options.refresh ? context.store().then((store) => store.jobs) : context.reader(),
    import('../lifecycle/resolve.js'),
    import('../output/jobs.js'),
    import('../output/status.js'),
  ]);
  let parent = resolveParent(jobs, options.parent);
  if (options.refresh && !parent.settled) {
    const { refreshParents } = await import('../lifecycle/refresh.js');
    const result = await refreshParents(context, [parent.id]);
    for (const problem of result.problems) context.warn(`${problem.service}: ${problem.message}`);
    for (const stuck of result.stuck) context.warn(stuckLine(stuck));
    parent = jobs.get(parent.id)!;
  }
  const children = jobs.children(parent.id);
  if (context.globals.json) context.json(parentJson(parent, children));
  else if (context.tty) {
    context.out(parentBlock(parent, context.style, context.now()));
    context.out(childTable(children, context.style, context.now(), true, context.stdout.columns));
  } else {
    context.out(['parent', parent.id, parent.name ?? '', parent.status, String(parent.progress), parent.settled ? 'settled' : 'unsettled', parent.created_at, parent.started_at ?? '', parent.completed_at ?? '', parent.message ?? ''].join('\t'));
    if (children.length > 0) context.out(childTable(children, context.style, context.now(), false).replace(/^/gm, 'child\t'));
  }
  return options.exitStatus ? settledExitCode(parent, children) : EXIT.ok;
}

/** 0 all completed · 3 settled with failed or canceled children · 8 still pending */
export function settledExitCode(parent: JobRow, children: JobRow[]): number {
  if (!parent.settled) return EXIT.pending;
  return children.every((child) => child.status === 'completed') ? EXIT.ok : EXIT.jobFailed;
}
