/**
 * `fedimpute poll`: one refresh of every unsettled parent, for cron. No colour or spinner; one line per
 * change and nothing when nothing changed. Safe to run concurrently with other polls and a watch:
 * every write is a short store transaction and submissions are claimed with a lease.
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import type { Registration } from './options.js';

/** poll takes no options of its own */
export type PollOptions = Record<string, never>;

export const registerPoll: Registration = (program, register) => {
  program
    .command('poll')
    .description('one refresh of every unfinished job, for cron: a line per change')
    .action(register((): PollOptions => ({}), async () => runPoll));
};

export async function runPoll(_options: PollOptions, context: Context): Promise<number> {
  const store = await context.store();
  const parents = store.jobs.unsettledParents();
  if (parents.length === 0) {
    if (context.globals.json) context.json({ parents: 0, changes: [], problems: [], stuck: [] });
    return EXIT.ok;
  }
  const [{ refreshParents }, { changeLine, stuckLine }] = await Promise.all([import('../lifecycle/refresh.js'), import('../output/status.js')]);
  const result = await refreshParents(context, parents.map((parent) => parent.id));
  if (context.globals.json) context.json({ parents: parents.length, changes: result.changes, problems: result.problems, stuck: result.stuck });
  else for (const change of result.changes) context.out(changeLine(change));
  for (const problem of result.problems) context.warn(`${problem.service}: ${problem.message}`);
  for (const stuck of result.stuck) context.warn(stuckLine(stuck));
  // transient trouble is retried by the next run; a rejected token or a service gone from the registry needs the user
  if (result.problems.some((problem) => problem.auth)) return EXIT.auth;
  return result.problems.some((problem) => problem.registry) ? EXIT.usage : EXIT.ok;
}
