/**
 * A Change is one line of a job's history as `poll` and `watch` report it. It is read from job_events
 * (the store appends one row per change, see transition.ts), never rebuilt by comparing rows in memory.
 */
import { shownMessage } from './display.js';
import type { ChildStatus, SubmitState } from './status.js';

export interface Change {
  at: string;
  kind: 'child' | 'parent';
  id: string;
  parent_id: string;
  service_slug: string | null;
  from: string | null;
  to: string;
  progress: number;
  remote_job_id: string | null;
  message: string | null;
  /** the child's submission news when its status stays (waiting-slot, unconfirmed, lost, …) */
  submit_state: string | null;
}

/** a job_events row with what it needs of its job (parent id, service) */
export interface EventWithJob {
  job_id: string;
  at: string;
  from_status: string | null;
  to_status: string;
  message: string | null;
  progress: number | null;
  remote_job_id: string | null;
  parent_job_id: string | null;
  service_slug: string | null;
  submit_state?: string | null;
}

export function changeFromEvent(event: EventWithJob): Change {
  const parent = event.parent_job_id === null;
  return {
    at: event.at,
    kind: parent ? 'parent' : 'child',
    id: event.job_id,
    parent_id: event.parent_job_id ?? event.job_id,
    service_slug: parent ? null : event.service_slug,
    from: event.from_status,
    to: event.to_status,
    progress: event.progress ?? 0,
    remote_job_id: parent ? null : event.remote_job_id,
    message: event.message,
    submit_state: parent ? null : (event.submit_state ?? null),
  };
}

/** a child as it is now, for the first lines of `watch`: no transition, only where it stands */
export function snapshot(child: {
  id: string;
  parent_job_id: string | null;
  service_slug: string | null;
  updated_at: string;
  status: ChildStatus;
  progress: number;
  remote_job_id: string | null;
  message: string | null;
  last_error: string | null;
  submit_state?: SubmitState | null;
}): Change {
  return {
    at: child.updated_at,
    kind: 'child',
    id: child.id,
    parent_id: child.parent_job_id ?? child.id,
    service_slug: child.service_slug,
    from: null,
    to: child.status,
    progress: child.progress,
    remote_job_id: child.remote_job_id,
    message: shownMessage(child),
    submit_state: child.submit_state ?? null,
  };
}
