/** `fedimpute status <parent> [--refresh] [--exit-status]`: the parent and its children from the store. */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import type { JobRow } from '../store/rows.js';
import { waitsForUser } from '../domain/display.js';
import { examples, flag, type RawOptions, type Registration } from './options.js';

export interface StatusOptions {
  /** parent id, unique prefix (≥4) or `last` */
  parent: string;
  /**
   * poll the services once first: true (--refresh), false (--no-refresh), or undefined: on a terminal when
   * what the store holds is older than the poll interval
   */
  refresh?: boolean;
  exitStatus?: boolean;
}

export function statusOptions(raw: RawOptions, [parent]: string[]): StatusOptions {
  // commander gives --no-refresh as refresh: false; the fast path as noRefresh: true
  const refresh = raw.refresh === false || raw.noRefresh === true ? false : raw.refresh === true ? true : undefined;
  return { parent, refresh, exitStatus: flag(raw, 'exitStatus') };
}

export const registerStatus: Registration = (program, register) => {
  const command = program
    .command('status')
    .description('the parent and its children from the store (refreshed first on a terminal when older than 30s)')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--refresh', 'poll the services once first')
    .option('--no-refresh', 'show what the store holds, however old')
    .option('--exit-status', 'exit 0 all completed, 3 settled with failures, 8 still pending');
  examples(command, [
    ['fedimpute status last', 'the newest job (refreshed on a terminal when stale)'],
    ['fedimpute status 3f2a --no-refresh', 'what the store holds, without asking the services'],
    ['fedimpute status last --json --refresh', 'one JSON document, fresh, for a script'],
  ]);
  command.action(register(statusOptions, async () => runStatus));
};

/** the stored state is refreshed when older than this (watch's default interval) */
export const STALE_MS = 30_000;

export async function runStatus(options: StatusOptions, context: Context): Promise<number> {
  // read only, unless a refresh writes: the store's write side is not loaded for a plain status
  const reader = await context.reader();
  const [{ resolveParent }] = await Promise.all([import('../lifecycle/resolve.js')]);
  let parent = resolveParent(reader, options.parent);
  let asOf = parent.settled ? null : reader.checkedAt(parent.id);
  const stale = asOf !== null && context.now().getTime() - Date.parse(asOf) > STALE_MS;
  const refresh = options.refresh ?? (context.tty && !context.globals.json && stale);
  let jobs = reader;
  if (refresh && !parent.settled) {
    const [store, { refreshParents }, { stuckLine, lostLine }] = await Promise.all([context.store(), import('../lifecycle/refresh.js'), import('../output/status.js')]);
    jobs = store.jobs;
    const result = await refreshParents(context, [parent.id]);
    for (const problem of result.problems) context.warn(`${problem.service}: ${problem.message}`);
    for (const stuck of result.stuck) context.warn(stuckLine(stuck));
    for (const lost of result.lost) context.warn(lostLine(lost));
    parent = jobs.get(parent.id)!;
    asOf = parent.settled ? null : jobs.checkedAt(parent.id);
  }
  const children = jobs.children(parent.id);
  if (context.globals.json) {
    const { parentJson } = await import('../output/jobs.js');
    context.json(parentJson(parent, children));
  } else if (context.tty) {
    const [{ childTable, childNotes, nextLines, parentBlock }, { resultsDone }, { shownPath }] = await Promise.all([import('../output/status.js'), import('../results/done.js'), import('../output/format.js')]);
    const { style, width } = context;
    const done = resultsDone(jobs, children, (path) => shownPath(path, context.cwd));
    context.out(parentBlock(parent, children, style, context.now(), { width, asOf }));
    context.out(childTable(children, style, context.now(), true, width));
    for (const line of [...childNotes(children, style, width), ...nextLines(parent, children, style, width, done)]) context.out(line);
  } else {
    const [{ childTable }, { tsvRow }] = await Promise.all([import('../output/status.js'), import('../sanitize.js')]);
    context.out(tsvRow(['parent', parent.id, parent.name ?? '', parent.status, String(parent.progress), parent.settled ? 'settled' : 'unsettled', parent.created_at, parent.started_at ?? '', parent.completed_at ?? '', parent.message ?? '', asOf ?? '']));
    if (children.length > 0) context.out(childTable(children, context.style, context.now(), false).replace(/^/gm, 'child\t'));
    if (!context.globals.json) {
      const [{ nextLines }, { resultsDone }] = await Promise.all([import('../output/status.js'), import('../results/done.js')]);
      // a hint on a terminal's stderr is wrapped to it; in a log it stays whole, like every other line
      const width = context.stderrTty ? context.errorWidth : Infinity;
      for (const line of nextLines(parent, children, context.errorStyle, width, resultsDone(jobs, children))) context.info(line);
    }
  }
  return options.exitStatus ? settledExitCode(parent, children) : EXIT.ok;
}

/** 0 all completed · 3 settled with failed or canceled children (or waiting on the user: lost) · 8 still pending */
export function settledExitCode(parent: JobRow, children: JobRow[]): number {
  if (!parent.settled) return waitsForUser(children) ? EXIT.jobFailed : EXIT.pending;
  return children.every((child) => child.status === 'completed') ? EXIT.ok : EXIT.jobFailed;
}
