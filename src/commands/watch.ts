/**
 * `fedimpute watch <parent>`: follow every child until all are terminal. On a TTY a live table with a
 * countdown; otherwise one line per change; with --json one JSON object per change. Exit codes:
 * 0 all completed, 3 settled with failures, 4 a rejected token, 8 --timeout, 130 Ctrl-C.
 */
import type { Context } from '../context.js';
import type { Change } from '../domain/change.js';
import { EXIT } from '../errors.js';
import type { RefreshResult, StuckChild } from '../lifecycle/refresh.js';
import type { LiveArea } from '../output/live.js';
import type { Store } from '../store/store.js';
import { text, type RawOptions, type Registration } from './options.js';

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
  program
    .command('watch')
    .description('follow a parent until every child has finished (live table on a terminal)')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--interval <duration>', 'time between polls, e.g. 30s, 2m', '30s')
    .option('--timeout <duration>', 'give up after this long (exit 8); the jobs keep running')
    .action(register(watchOptions, async () => runWatch));
};

const MAX_BACKOFF_MS = 5 * 60_000;

type View = typeof import('../output/status.js');

/** what the last refresh reported: shown under the live table, or as warnings */
interface Seen {
  problems: RefreshResult['problems'];
  stuck: StuckChild[];
}

export async function runWatch(options: WatchOptions, context: Context): Promise<number> {
  const [{ parseDuration }, { refreshParents }, { resolveParent }, { snapshot }, view] = await Promise.all([
    import('./duration.js'),
    import('../lifecycle/refresh.js'),
    import('../lifecycle/resolve.js'),
    import('../domain/change.js'),
    import('../output/status.js'),
  ]);
  const intervalMs = parseDuration(options.interval ?? '30s', '--interval');
  const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout, '--timeout');
  const store = await context.store();
  const parentId = resolveParent(store, options.parent).id;
  const started = context.now().getTime();
  const live = context.tty && !context.globals.json ? await (await import('../output/live.js')).createLiveArea(context.stdout) : undefined;
  const screen = { context, store, live, parentId, view };
  if (!live) for (const child of store.children(parentId)) emit(context, view, snapshot(child));
  let failures = 0;
  let seen: Seen = { problems: [], stuck: [] };
  const flagged = new Set<string>();

  for (;;) {
    if (context.signal.aborted) break;
    const result = await refreshParents(context, [parentId], { detailAfterMs: Math.max(2 * intervalMs, 60_000) });
    seen = { problems: result.problems, stuck: result.stuck };
    failures = seen.problems.length > 0 ? failures + 1 : 0;
    if (!live) {
      // changes of other parents' slot holders, refreshed on the way, are poll's business, not this watch's
      for (const change of result.changes) if (change.parent_id === parentId) emit(context, view, change);
      for (const problem of seen.problems) context.warn(`${problem.service}: ${problem.message}${problem.auth || problem.registry ? '' : ' (will retry)'}`);
      // a stuck child is said once per watch, not once per cycle
      for (const stuck of seen.stuck) if (!flagged.has(stuck.child_id) && flagged.add(stuck.child_id)) context.warn(view.stuckLine(stuck));
    }
    // a rejected token or a service gone from the registry does not heal by waiting: stop like poll does, the jobs keep running
    const blocked = seen.problems.some((problem) => problem.auth) ? EXIT.auth : seen.problems.some((problem) => problem.registry) ? EXIT.usage : undefined;
    if (blocked !== undefined) {
      draw(screen, seen, undefined);
      live?.done();
      return blocked;
    }
    const parent = store.get(parentId)!;
    if (parent.settled) {
      draw(screen, seen, undefined);
      live?.done();
      const { settledExitCode } = await import('./status.js');
      return settledExitCode(parent, store.children(parentId));
    }
    const elapsed = context.now().getTime() - started;
    if (timeoutMs !== undefined && elapsed >= timeoutMs) {
      draw(screen, seen, undefined);
      live?.done();
      context.info(`still running after ${options.timeout}; the jobs keep running (fedimpute watch ${parentId.slice(0, 8)} to follow again)`);
      return EXIT.pending;
    }
    // back off while services fail, up to five minutes between cycles
    let wait = failures > 0 ? Math.min(Math.max(intervalMs, 200) * 2 ** (failures - 1), MAX_BACKOFF_MS) : intervalMs;
    if (timeoutMs !== undefined) wait = Math.min(wait, Math.max(0, timeoutMs - elapsed));
    await countdown(screen, seen, wait);
  }
  live?.done();
  context.info('stopped watching; the jobs keep running');
  return EXIT.interrupted;
}

function emit(context: Context, view: View, change: Change): void {
  if (context.globals.json) context.stdout.write(`${JSON.stringify(change)}\n`);
  else context.out(view.changeLine(change));
}

interface Screen {
  context: Context;
  store: Store;
  live: LiveArea | undefined;
  parentId: string;
  view: View;
}

async function countdown(screen: Screen, seen: Seen, wait: number): Promise<void> {
  const { context, live } = screen;
  if (!live) return context.sleep(wait, context.signal);
  const until = context.now().getTime() + wait;
  for (;;) {
    const left = until - context.now().getTime();
    draw(screen, seen, left);
    if (left <= 0 || context.signal.aborted) return;
    await context.sleep(Math.min(1000, left), context.signal);
  }
}

/** one frame of the live table; synchronous, so that the last frame is drawn before the area is closed */
function draw({ context, store, live, parentId, view }: Screen, seen: Seen, nextPollMs: number | undefined): void {
  if (!live) return;
  const parent = store.get(parentId)!;
  const now = context.now();
  const { style } = context;
  const lines = [view.parentBlock(parent, style, now), view.childTable(store.children(parentId), style, now, true, context.stdout.columns)];
  for (const problem of seen.problems) lines.push(style.yellow(`⚠ ${problem.service}: ${problem.message}${problem.auth || problem.registry ? '' : ' (will retry)'}`));
  for (const stuck of seen.stuck) lines.push(style.yellow(`⚠ ${view.stuckLine(stuck)}`));
  lines.push(
    style.dim(
      nextPollMs === undefined
        ? parent.settled
          ? 'all children finished'
          : 'stopped watching · the jobs keep running'
        : `next poll in ${Math.ceil(nextPollMs / 1000)}s · Ctrl-C stops watching, jobs keep running`,
    ),
  );
  live.update(lines.join('\n'));
}
