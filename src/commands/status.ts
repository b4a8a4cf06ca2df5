/** `fedimpute status <parent> [--refresh] [--exit-status]`: the parent and its children from the store. */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import { parentJson } from '../output/jobs.js';
import { childTable, parentBlock } from '../output/status.js';
import type { JobRow } from '../store/rows.js';

export interface StatusOptions {
  refresh?: boolean;
  exitStatus?: boolean;
}

export async function runStatus(options: StatusOptions, context: Context, [reference]: string[]): Promise<number> {
  const store = await context.store();
  let parent = store.resolveParent(reference);
  if (options.refresh && !parent.settled) {
    const { refreshParents } = await import('../lifecycle/refresh.js');
    const result = await refreshParents(context, [parent.id]);
    for (const problem of result.problems) context.warn(`${problem.service}: ${problem.message}`);
    parent = store.get(parent.id)!;
  }
  const children = store.children(parent.id);
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

