/** Row shapes of the store, as SQLite returns them. */
import type { ChildStatus } from '../adapters/types.js';

/** submission bookkeeping of a child (crash safety, per-user slots) */
export type SubmitState =
  /** recorded, no attempt yet */
  | 'pending'
  /** a live process holds the lease and is uploading */
  | 'submitting'
  /** the service gave us a remote id */
  | 'submitted'
  /** the service gave us a remote id, and a cancel asked for during the upload is not confirmed yet */
  | 'cancel-pending'
  /** the per-user job limit was reached; poll/watch submit it when a slot frees */
  | 'waiting-slot'
  /** the POST got no usable answer: find it again on the service before resubmitting */
  | 'unconfirmed'
  /** the service refused it (child failed) */
  | 'rejected';

export interface JobRow {
  id: string;
  parent_job_id: string | null;
  name: string | null;
  description: string | null;
  service_id: number | null;
  service_slug: string | null;
  service_name: string | null;
  service_type: string | null;
  reference_panel_id: number | null;
  panel_name: string | null;
  remote_job_id: string | null;
  status: ChildStatus;
  remote_state: string | null;
  progress: number;
  queue_position: number | null;
  step: string | null;
  message: string | null;
  last_error: string | null;
  settled: number;
  /** JSON: StoredInput[] */
  input_files: string | null;
  /** JSON: SubmitOptions */
  options: string | null;
  result_password: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  submit_state: SubmitState | null;
  attempt: number;
  cancel_requested_at: string | null;
  results_expire_at: string | null;
  lease_until: string | null;
  lease_owner: string | null;
}

export interface StoredInput {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

export interface EventRow {
  id: number;
  job_id: string;
  at: string;
  from_status: string | null;
  to_status: string;
  message: string | null;
}

export interface DownloadRow {
  job_id: string;
  name: string;
  path: string;
  size: number;
  sha256: string;
  completed_at: string;
}

export interface AttemptRow {
  job_id: string;
  attempt: number;
  remote_job_id: string | null;
  status: string;
  message: string | null;
  submitted_at: string | null;
  ended_at: string | null;
}
