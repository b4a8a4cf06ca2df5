/**
 * `fedimpute poll`: one refresh of every unsettled parent, for cron. No colour or spinner; one line per
 * change and nothing when nothing changed. Safe to run concurrently with other polls and a watch:
 * every write is a short store transaction and submissions are claimed with a lease.
 *
 * The cron contract (README "cron"): every line names its parent (short id and name) and its service;
 * --quiet hides nothing but informational lines, never a warning or an error; exit 4 when a service
 * rejected the token (the line names it), 1 when no service could be reached at all, 0 otherwise.
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import type { RefreshResult } from '../lifecycle/refresh.js';
import type { Store } from '../store/store.js';
import { examples, type Registration } from './options.js';

/** poll takes no options of its own */
export type PollOptions = Record<string, never>;

export const registerPoll: Registration = (program, register) => {
  const command = program.command('poll').description('one refresh of every unfinished job, for cron: a line per change');
  examples(command, [
    ['fedimpute poll', 'refresh every unfinished job once; a line per change'],
    ['fedimpute poll --quiet >> ~/fedimpute-poll.log 2>&1', 'from cron: changes, warnings and errors only (exit 4: a token was rejected)'],
    ['fedimpute poll --json', 'the changes, problems, stuck and lost children as one JSON document'],
  ]);
  command.action(register((): PollOptions => ({}), async () => runPoll));
};

export async function runPoll(_options: PollOptions, context: Context): Promise<number> {
  const store = await context.store();
  const parents = store.jobs.unsettledParents();
  if (parents.length === 0) {
    await sweepOldStore(context, store);
    if (context.globals.json) context.json({ parents: 0, changes: [], problems: [], stuck: [], lost: [] });
    context.info('nothing to poll: every job has finished');
    return EXIT.ok;
  }
  const [{ refreshParents }, view, { shortId }] = await Promise.all([import('../lifecycle/refresh.js'), import('../output/status.js'), import('../output/format.js')]);
  const result = await refreshParents(context, parents.map((parent) => parent.id));
  const names = new Map(parents.map((parent) => [parent.id, parent.name]));
  const named = (id: string) => `${shortId(id)} ${names.get(id) ?? ''}`.trim();
  if (context.globals.json) {
    context.json({ parents: parents.length, changes: result.changes, problems: result.problems, stuck: result.stuck, lost: result.lost });
  } else {
    for (const change of result.changes) context.out(view.changeLine(change, names.get(change.parent_id) ?? null));
  }
  for (const problem of result.problems) {
    const line = `${problem.service}: ${problem.message} [${problem.parent_ids.map(named).join(', ')}]`;
    // a rejected token or a service gone from the registry needs the user: an error; the rest heals by itself
    if (problem.auth || problem.registry) context.error(line);
    else context.warn(`${line} (the next poll tries again)`);
  }
  for (const stuck of result.stuck) context.warn(view.stuckLine(stuck, names.get(stuck.parent_id)));
  for (const lost of result.lost) context.warn(view.lostLine(lost, names.get(lost.parent_id)));
  if (result.changes.length === 0 && result.problems.length === 0) context.info(`nothing changed (${parents.length} unfinished job${parents.length === 1 ? '' : 's'})`);
  return pollExitCode(result);
}

/**
 * An idle poll resolves no token, yet it is what cron runs after an upgrade: a store an older fedimpute wrote
 * and no command has swept yet is swept of echoed tokens here (Context.sweepTokens, once the registry's tokens
 * are loaded for it). Once a token is swept, idle polls stay as light as before; a registry that cannot be
 * loaded is left to the commands that need it.
 */
async function sweepOldStore(context: Context, store: Store): Promise<void> {
  if (!store.awaitsSweep()) return;
  try {
    await context.registry();
  } catch (error) {
    context.debug(`the job store was not swept of echoed tokens: ${(error as Error).message}`);
  }
}

/**
 * 4 a token was rejected (it needs the user) · 2 a service is gone from the registry · 1 no service could be
 * reached at all · 0 otherwise (transient trouble is retried by the next run)
 */
export function pollExitCode(result: RefreshResult): number {
  if (result.problems.some((problem) => problem.auth)) return EXIT.auth;
  if (result.problems.some((problem) => problem.registry)) return EXIT.usage;
  if (result.services > 0 && result.problems.length >= result.services) return EXIT.runtime;
  return EXIT.ok;
}
