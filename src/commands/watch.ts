/**
 * `fedimpute watch <parent>`: follow every child until all are terminal. On a TTY a live table with a
 * countdown; otherwise one line per change; with --json one JSON object per change. Exit codes:
 * 0 all completed, 3 settled with failures, 4 a rejected token, 8 --timeout, 130 Ctrl-C.
 */
import type { Context } from '../context.js';
import type { Change } from '../domain/change.js';
import { EXIT } from '../errors.js';
import type { LostChild, RefreshResult, StuckChild } from '../lifecycle/refresh.js';
import { shownPath } from '../output/format.js';
import type { LiveArea } from '../output/live.js';
import { wrapText } from '../output/width.js';
import type { Store } from '../store/store.js';
import { examples, text, type RawOptions, type Registration } from './options.js';

export interface WatchOptions {
  /** parent id, unique prefix (≥4) or `last` */
  parent: string;
  /** time between polls, e.g. 30s (the default) */
  interval?: string;
  /** give up after this long (exit 8); the jobs keep running */
  timeout?: string;
}

export function watchOptions(raw: RawOptions, [parent]: string[]): WatchOptions {
  return { parent, interval: text(raw, 'interval'), timeout: text(raw, 'timeout') };
}

export const registerWatch: Registration = (program, register) => {
  const command = program
    .command('watch')
    .description('follow a parent until every child has finished (live table on a terminal)')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--interval <duration>', 'time between polls, e.g. 30s, 2m', '30s')
    .option('--timeout <duration>', 'give up after this long (exit 8); the jobs keep running');
  examples(command, [
    ['fedimpute watch last', 'the newest job, until every child has finished'],
    ['fedimpute watch 3f2a --interval 2m --timeout 6h', 'poll every two minutes, give up (exit 8) after six hours'],
    ['fedimpute watch last --json | jq .to', 'one JSON object per change, for a script'],
  ]);
  command.action(register(watchOptions, async () => runWatch));
};

const MAX_BACKOFF_MS = 5 * 60_000;

type View = typeof import('../output/status.js');

/** what the last refresh reported: shown under the live table, or as warnings */
interface Seen {
  problems: RefreshResult['problems'];
  stuck: StuckChild[];
  lost: LostChild[];
}

export async function runWatch(options: WatchOptions, context: Context): Promise<number> {
  const [{ parseDuration }, { refreshParents }, { resolveParent }, { snapshot }, { waitsForUser }, view, done] = await Promise.all([
    import('./duration.js'),
    import('../lifecycle/refresh.js'),
    import('../lifecycle/resolve.js'),
    import('../domain/change.js'),
    import('../domain/display.js'),
    import('../output/status.js'),
    import('../results/done.js'),
  ]);
  const intervalMs = parseDuration(options.interval ?? '30s', '--interval');
  const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout, '--timeout');
  const store = await context.store();
  const parentId = resolveParent(store, options.parent).id;
  const started = context.now().getTime();
  const live = context.tty && !context.globals.json ? (await import('../output/live.js')).createLiveArea(context.stdout, context.style.symbols.ellipsis) : undefined;
  const screen: Screen = { context, store, live, parentId, view, done };
  const name = store.get(parentId)!.name;
  if (!live) for (const child of store.children(parentId)) emit(context, view, snapshot(child), name);
  let failures = 0;
  let seen: Seen = { problems: [], stuck: [], lost: [] };
  const flagged = new Set<string>();
  // the next commands end the watch, unless it stops on something only the user can fix (a token, the registry)
  const finish = (code: number, footer: string, next = true) => {
    draw(screen, seen, footer, next);
    live?.done();
    if (next && !live && !context.globals.json) {
      const children = store.children(parentId);
      const width = context.stderrTty ? context.errorWidth : Infinity;
      for (const line of view.nextLines(store.get(parentId)!, children, context.errorStyle, width, done.resultsDone(store.jobs, children))) context.info(line);
    }
    return code;
  };

  for (;;) {
    if (context.signal.aborted) break;
    const result = await refreshParents(context, [parentId], { detailAfterMs: Math.max(2 * intervalMs, 60_000) });
    seen = { problems: result.problems, stuck: result.stuck, lost: result.lost };
    failures = seen.problems.length > 0 ? failures + 1 : 0;
    if (!live) {
      // changes of other parents' slot holders, refreshed on the way, are poll's business, not this watch's
      for (const change of result.changes) if (change.parent_id === parentId) emit(context, view, change, name);
      for (const problem of seen.problems) (problem.auth || problem.registry ? context.error : context.warn).call(context, problemLine(problem, name));
      // a stuck or lost child is said once per watch, not once per cycle
      for (const stuck of seen.stuck) if (!flagged.has(stuck.child_id) && flagged.add(stuck.child_id)) context.warn(view.stuckLine(stuck, name));
      for (const lost of seen.lost) if (!flagged.has(`lost:${lost.child_id}`) && flagged.add(`lost:${lost.child_id}`)) context.warn(view.lostLine(lost, name));
    }
    // a rejected token or a service gone from the registry does not heal by waiting: stop like poll does, the jobs keep running
    if (seen.problems.some((problem) => problem.auth)) return finish(EXIT.auth, 'stopped: a service rejected the token; the jobs keep running', false);
    if (seen.problems.some((problem) => problem.registry)) return finish(EXIT.usage, 'stopped: a service is no longer in the registry; the jobs keep running', false);
    const parent = store.get(parentId)!;
    const children = store.children(parentId);
    if (parent.settled || waitsForUser(children)) {
      const { settledExitCode } = await import('./status.js');
      return finish(settledExitCode(parent, children), parent.settled ? 'all children finished' : 'the rest needs you: a service lost a job');
    }
    const elapsed = context.now().getTime() - started;
    if (timeoutMs !== undefined && elapsed >= timeoutMs) {
      context.info(`still running after ${options.timeout}; the jobs keep running (fedimpute watch ${parentId.slice(0, 8)} to follow again)`);
      return finish(EXIT.pending, `still running after ${options.timeout}; the jobs keep running`);
    }
    // back off while services fail, up to five minutes between cycles
    let wait = failures > 0 ? Math.min(Math.max(intervalMs, 200) * 2 ** (failures - 1), MAX_BACKOFF_MS) : intervalMs;
    if (timeoutMs !== undefined) wait = Math.min(wait, Math.max(0, timeoutMs - elapsed));
    await countdown(screen, seen, wait);
  }
  draw(screen, seen, 'stopped watching; the jobs keep running', true);
  live?.done();
  context.info('stopped watching; the jobs keep running');
  return EXIT.interrupted;
}

function problemLine(problem: RefreshResult['problems'][number], name: string | null): string {
  return `${problem.service}: ${problem.message}${problem.auth || problem.registry ? '' : ' (will retry)'}${problem.parent_ids[0] ? ` [${problem.parent_ids[0].slice(0, 8)} ${name ?? ''}]`.trimEnd() : ''}`;
}

function emit(context: Context, view: View, change: Change, name: string | null): void {
  if (context.globals.json) context.stdout.write(`${JSON.stringify(change)}\n`);
  else context.out(view.changeLine(change, name));
}

interface Screen {
  context: Context;
  store: Store;
  live: LiveArea | undefined;
  parentId: string;
  view: View;
  /** results/done.ts: what has been done with the results, for the last frame's next steps */
  done: typeof import('../results/done.js');
}

async function countdown(screen: Screen, seen: Seen, wait: number): Promise<void> {
  const { context, live } = screen;
  if (!live) return context.sleep(wait, context.signal);
  const until = context.now().getTime() + wait;
  for (;;) {
    const left = until - context.now().getTime();
    draw(screen, seen, `next poll in ${Math.ceil(Math.max(0, left) / 1000)}s ${context.style.symbols.dot} Ctrl-C stops watching, the jobs keep running`);
    if (left <= 0 || context.signal.aborted) return;
    await context.sleep(Math.min(1000, left), context.signal);
  }
}

/** one frame of the live table; synchronous, so that the last frame is drawn before the area is closed */
function draw({ context, store, live, parentId, view, done }: Screen, seen: Seen, footer: string, final = false): void {
  if (!live) return;
  const parent = store.get(parentId)!;
  const children = store.children(parentId);
  const now = context.now();
  const { style, width } = context;
  const lines = [
    view.parentBlock(parent, children, style, now, { width, asOf: store.jobs.checkedAt(parentId) }),
    view.childTable(children, style, now, true, width),
    ...view.childNotes(children, style, width),
  ];
  const warn = (text: string) => lines.push(...wrapText(text, width - 2, '  ').map((line, index) => style.yellow(index === 0 ? `${style.symbols.warning} ${line}` : line)));
  for (const problem of seen.problems) warn(`${problem.service}: ${problem.message}${problem.auth || problem.registry ? '' : ' (will retry)'}`);
  for (const stuck of seen.stuck) warn(view.stuckLine(stuck));
  lines.push(style.dim(footer));
  if (final) lines.push(...view.nextLines(parent, children, style, width, done.resultsDone(store.jobs, children, (path) => shownPath(path, context.cwd))));
  live.update(lines.join('\n'));
}
