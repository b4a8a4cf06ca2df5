/**
 * The run list's quirks (pure), from protocols/wes.md:
 * - the reference server (workflow-service) lists under `workflows`, and lists runs in flight; so does a
 *   spec server whose list shows any unfinished run. On such a server a run missing from the list, that
 *   /status calls unfinished and that GET /runs/{id} 404s, is lost (the server forgot it: a restart with a
 *   fresh work dir) and is reported lost — no status of its own; the user retries or cancels it — rather
 *   than polled forever as running. The reference server also says
 *   RUNNING on /status for ids it does not know, hence the cross-check.
 * - the starter kit lists only finished runs: its list is not trusted for absence.
 * - a child's run is the one whose tags carry its ids.
 */
import type { RemoteJobState } from '../types.js';
import { parseTags } from './messages.js';
import type { RunStatus } from './schemas.js';
import { WES_TERMINAL } from './states.js';

export interface RunPage {
  runs: RunStatus[];
  /** the server lists runs in flight: a run it does not list may be unknown to it */
  showsInFlight: boolean;
  /** the next page's token, if any */
  next?: string;
}

export function readRunPage(list: { runs?: RunStatus[] | null; workflows?: RunStatus[] | null; next_page_token?: string | null }): RunPage {
  const runs = list.runs ?? list.workflows ?? [];
  const showsInFlight = Boolean(list.workflows && !list.runs) || runs.some((run) => Boolean(run.state) && !WES_TERMINAL.has(run.state!.toUpperCase()));
  return { runs, showsInFlight, ...(list.next_page_token ? { next: list.next_page_token } : {}) };
}

/** is a state from /status worth a GET /runs/{id} to confirm the server knows the run? */
export function needsCrossCheck(listsInFlight: boolean, rawState: string): boolean {
  return listsInFlight && !WES_TERMINAL.has(rawState);
}

/** a run the server no longer knows: lost (not a failure the service reported), with why we think so */
export function lostRun(name: string, remoteId: string, why: string): RemoteJobState {
  return { remoteId, status: null, lost: true, rawState: 'NOT_FOUND', message: `${name} no longer knows run ${remoteId} (${why})` };
}

/** do a run's tags name this child (and this parent, when they name one)? */
export function tagsNameChild(tags: unknown, childId: string, parentId: string): boolean {
  const record = parseTags(tags);
  return record?.fedimpute_child === childId && (record.fedimpute_parent === undefined || record.fedimpute_parent === parentId);
}
