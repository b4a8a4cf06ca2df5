/**
 * One interface for every imputation protocol, written from the caller's side (lifecycle, download,
 * services check). Expected remote outcomes are values; only the unexpected throws (RemoteError,
 * AuthError). A network error is never a job failure.
 */
import type { RemoteReport } from '../domain/remote.js';
import type { Build, Service } from '../registry/types.js';
import type { StreamedBody } from './http-body.js';

/** What a service says about one remote job: what decides the child's state (domain), and when it ran. */
export interface RemoteJobState extends RemoteReport {
  remoteId: string;
  startedAt?: string;
  endedAt?: string;
}

export interface InputFile {
  path: string;
  /** name sent to the service (ends in .vcf.gz) */
  name: string;
  size: number;
}

export interface SubmitRequest {
  parentId: string;
  childId: string;
  /** Michigan job-name; carries the child id so an interrupted submit can be found again */
  jobName: string;
  files: InputFile[];
  panelId: number;
  build: Build;
  phasing: 'eagle' | 'beagle' | 'no_phasing';
  population?: string;
  r2Filter?: string;
  mode: 'imputation' | 'qc-only';
  /** Michigan result zip password (generated per child) */
  password?: string;
  aesEncryption?: boolean;
  meta?: boolean;
  signal?: AbortSignal;
  /** bytes of the request body sent so far */
  onProgress?: (sent: number, total: number) => void;
}

export type SubmitOutcome =
  | { kind: 'submitted'; remoteId: string }
  /** the per-user job limit is reached: keep the child queued locally and try again later */
  | { kind: 'no-slot'; message: string }
  /** the service refused this submission; only this child fails */
  | { kind: 'rejected'; message: string };

export type CancelOutcome =
  | { kind: 'canceled' }
  /** the server accepted the request but may ignore it (WES reference server, starter kit) */
  | { kind: 'requested' }
  | { kind: 'already-finished' };

export interface RemoteOutput {
  /** relative file name to store under, may contain '/' (statistics/snps-excluded.txt) */
  name: string;
  /** http(s) URL to GET, or file:// path, or another scheme we only list */
  url: string;
  scheme: 'http' | 'file' | 'other';
  size?: number;
  /** Michigan: downloads left (-1 unlimited) */
  downloadsLeft?: number;
  /** output group, e.g. Michigan "output", "qcreport", "statistics" */
  group?: string;
  /** a Michigan chr_N.zip that needs the child's password */
  encrypted?: boolean;
}

export interface ServiceCheck {
  reachable: boolean;
  latencyMs?: number;
  protocol: string;
  /** server/app version, e.g. "imputationserver2 2.0.12" or "WES 1.1.0" */
  version?: string;
  username?: string;
  tokenValid?: boolean;
  tokenExpiresAt?: string;
  /**
   * the server answered but cannot serve now (maintenance, an error or garbage instead of the expected
   * answer): a runtime problem (exit 1), not a registry mistake
   */
  unavailable?: boolean;
  problems: string[];
}

export interface RemotePanel {
  /** key to paste into the registry (Michigan remote_id) */
  remoteId: string;
  name: string;
  populations: { id: string; name: string }[];
  build?: Build;
}

/**
 * What a protocol can and cannot do, as data: callers ask these instead of testing the service's type
 * (capabilitiesOf in adapters/capabilities.ts gives them for a service without building its adapter).
 */
export interface AdapterCapabilities {
  /** the protocol's name as users know it ('Michigan API', 'GA4GH WES') */
  protocol: string;
  /** one request lists every job of ours */
  listJobs: boolean;
  /** cancel may be a no-op on this server: "requested", and polling goes on */
  cancelMayBeNoop: boolean;
  /** a remote job can be found again by its job name or tags (crash recovery) */
  findByChild: boolean;
  /** results come as zips encrypted with a password fedimpute generates per child and keeps */
  resultPassword: boolean;
  /** the server counts every GET of a result file: one attempt per file, never retried */
  countedDownloads: boolean;
  /** output URLs on the service's own origin need its token (never sent to another origin) */
  sameOriginOutputAuth: boolean;
  /** the most samples one job may hold (the pre-flight check's limit) */
  maxSamples: number;
  /** the server lifts input of the other build over to the panel's */
  liftsOver: boolean;
  /** folders whose file:// outputs may be copied here; none: such outputs are only listed */
  localRoots: readonly string[];
}

/** the answer to a result file's GET: its bytes stream under the HTTP layer's minimum pace */
export interface DownloadResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  readonly body: StreamedBody;
  /** the body as text (an error page), under the HTTP layer's size cap */
  text(): Promise<string>;
}

export interface ImputationAdapter {
  readonly service: Service;
  readonly capabilities: AdapterCapabilities;
  check(): Promise<ServiceCheck>;
  panels(): Promise<RemotePanel[]>;
  submit(request: SubmitRequest): Promise<SubmitOutcome>;
  /** cheap status of one job */
  status(remoteId: string): Promise<RemoteJobState>;
  /**
   * Status of many jobs with one list request where the protocol has one; jobs the list does not
   * show are asked for one by one. The map has an entry for every id asked.
   */
  statusMany(remoteIds: string[]): Promise<Map<string, RemoteJobState>>;
  /**
   * full state with messages and errors (one detail request). `progress: true` may spend a second request
   * on a progress signal (WES 1.1 tasks); refresh asks for it only when a running job's progress is stale,
   * so that a poll costs one detail request per changed job.
   */
  details(remoteId: string, options?: { progress?: boolean }): Promise<RemoteJobState & { messages: string[] }>;
  /** find a remote job created for this child (crash recovery); null when none exists */
  findByChild(childId: string, parentId: string): Promise<string | null>;
  outputs(remoteId: string): Promise<RemoteOutput[]>;
  /**
   * One GET of an http(s) output, as the protocol wants it: once only when downloads are counted, with the
   * token only on the service's own origin. Answers of any status are returned; a transport failure throws
   * a RemoteError.
   */
  download(output: RemoteOutput, options?: { signal?: AbortSignal }): Promise<DownloadResponse>;
  cancel(remoteId: string): Promise<CancelOutcome>;
}

export interface AdapterOptions {
  /** resolved token, or undefined when the service needs none */
  token?: string;
  /** verbose request log sink (secrets already redacted) */
  log?: (line: string) => void;
  /** the command's clock (token expiry); latencies are measured on the wall clock */
  now?: () => Date;
  /** test hook: override timeouts/retries */
  http?: Partial<import('./http.js').HttpOptions>;
}
