/**
 * `fedimpute poll`: one refresh of every unsettled parent, for cron. No colour or spinner; one line per
 * change and nothing when nothing changed. Safe to run concurrently with other polls and a watch:
 * every write is a short store transaction and submissions are claimed with a lease.
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import { refreshParents } from '../lifecycle/refresh.js';
import { changeLine } from '../output/status.js';

export async function runPoll(_options: unknown, context: Context): Promise<number> {
  const store = await context.store();
  const parents = store.unsettledParents();
  if (parents.length === 0) {
    if (context.globals.json) context.json({ parents: 0, changes: [], problems: [] });
    return EXIT.ok;
  }
  const result = await refreshParents(context, parents.map((parent) => parent.id));
  if (context.globals.json) context.json({ parents: parents.length, changes: result.changes, problems: result.problems });
  else for (const change of result.changes) context.out(changeLine(change));
  for (const problem of result.problems) context.warn(`${problem.service}: ${problem.message}`);
  // transient trouble is retried by the next run; a rejected token needs the user
  return result.problems.some((problem) => problem.auth) ? EXIT.auth : EXIT.ok;
}
