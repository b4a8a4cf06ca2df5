/** Options, handle and inspection types of the in-memory WES emulator. */
import type { EmulatorClock } from '../clock.js';
import type { FaultConfig } from '../faults.js';
import type { PanelName } from '../world/panel.js';
import type { World } from '../world/world.js';

export type WesFlavor = 'spec' | 'reference' | 'starter-kit';
export type WesVersion = '1.0.0' | '1.1.0';

export const EMULATOR_STATES = [
  'UNKNOWN',
  'QUEUED',
  'INITIALIZING',
  'RUNNING',
  'PAUSED',
  'COMPLETE',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
  'CANCELED',
  'CANCELING',
  'PREEMPTED',
] as const;
export type EmulatorState = (typeof EMULATOR_STATES)[number];

export interface WesTiming {
  queuedMs: number;
  initializingMs: number;
  runningMs: number;
}

export interface WesEmulatorOptions {
  /** default 0 (any free port) */
  port?: number;
  flavor?: WesFlavor;
  /** service-info shape, PREEMPTED and the tasks endpoint; default 1.0.0 */
  version?: WesVersion;
  /** default '/ga4gh/wes/v1'; '' serves at the root (Sapporo) */
  apiPrefix?: string;
  /** when set, every API request needs `Authorization: Bearer <token>` */
  token?: string;
  /** default {CWL:['v1.0','v1.2'], NEXTFLOW:['21.04.0']} */
  workflowTypeVersions?: Record<string, string[]>;
  /** 1.1.0 engines advertised; default {cwltool:['3.1'], nextflow:['21.04.0']} */
  workflowEngineVersions?: Record<string, string[]>;
  /** default true, false for the starter kit */
  acceptAttachments?: boolean;
  timing?: Partial<WesTiming>;
  /** outputs as http URLs served by the emulator, or file:// paths in its temp dir */
  outputs?: 'http' | 'file';
  /** default page size of GET /runs (spec, starter kit); default 50 */
  pageSize?: number;
  /** never more than this many runs per page, whatever page_size asks (default unlimited) */
  maxPageSize?: number;
  faults?: FaultConfig;
  /** error bodies echo the request headers (a secrets audit checks clients redact them) */
  echoRequestsInErrors?: boolean;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** starter kit: how long /status answers 400 after submit (default 100 ms; always the first call) */
  statusWarmupMs?: number;
  /** the simulated world runs are really imputed against (default: a tiny one, simulated once per process) */
  world?: World;
  /** which of the world's panels the workflow imputes with (default B) */
  worldPanel?: PanelName;
  /** the time runs move on (default the wall clock; tests pass one they advance themselves) */
  clock?: EmulatorClock;
}

export type ScriptedOutcome =
  | { fail: string }
  | { hang: true }
  | { state: 'SYSTEM_ERROR' | 'EXECUTOR_ERROR' | 'PREEMPTED' | 'CANCELED' | 'COMPLETE' };

export interface RecordedRequest {
  method: string;
  /** URL path without the query */
  path: string;
  /** path relative to the API root, e.g. /runs or /runs/{id}/status ('' outside the API) */
  route: string;
  query: string;
  /** 0 while in flight; -1 when the connection closed without an answer */
  status: number;
  at: number;
}

export interface AttachmentInfo {
  name: string;
  size: number;
  /** where the emulator stored it */
  path: string;
}

export interface RunRequestInfo {
  workflow_url: string;
  workflow_type: string;
  workflow_type_version: string;
  workflow_params: Record<string, unknown>;
  tags: Record<string, string>;
  workflow_engine_parameters: Record<string, unknown>;
  workflow_engine?: string;
  workflow_engine_version?: string;
}

export interface RunInfo {
  run_id: string;
  state: EmulatorState;
  request: RunRequestInfo;
  attachments: AttachmentInfo[];
  createdAt: number;
}

export interface WesEmulator {
  /** base_url for the registry: without the API prefix */
  readonly url: string;
  /** url + apiPrefix */
  readonly apiRoot: string;
  readonly flavor: WesFlavor;
  readonly version: WesVersion;
  /** the bearer token it requires, when started with one */
  readonly token?: string;
  readonly requests: RecordedRequest[];
  /** a snapshot of every run (state computed now) */
  readonly runs: RunInfo[];
  run(runId: string): RunInfo | undefined;
  setFaults(faults: FaultConfig | undefined): void;
  setState(runId: string, state: EmulatorState): void;
  /** applies to the next submitted run */
  scriptNext(outcome: ScriptedOutcome): void;
  /** drop a run from the server's memory (e.g. a lost database) */
  forgetRun(runId: string): void;
  /** close and reopen the listener on the same port; runs in flight end as EXECUTOR_ERROR */
  restartServer(): Promise<void>;
  /** output name (e.g. imputed/S1.dose.vcf.gz) → file contents, for a COMPLETE run */
  expectedOutputs(runId: string): Map<string, Buffer>;
  deleteOutput(runId: string, name: string): void;
  close(): Promise<void>;
}
