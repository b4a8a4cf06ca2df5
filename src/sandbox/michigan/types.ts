/** Options, handle and in-memory job model of the Michigan (Cloudgene 3 + imputationserver2) emulator. */
import type { EmulatorClock } from '../clock.js';
import type { FaultConfig } from '../faults.js';
import type { MinimacFiles } from '../imputation/minimac-output.js';
import type { PanelName } from '../world/panel.js';
import type { World } from '../world/world.js';

export interface EmulatorPanel {
  /** refpanel key, e.g. apps@1000g-phase-3-v5@2.0.0 */
  id: string;
  label: string;
  /** build of the panel itself (input build is a form field) */
  build: 'hg19' | 'hg38';
  populations: { key: string; value: string }[];
}

export interface EmulatorUser {
  username: string;
  /** a fixed token for this user (else one is issued) */
  token?: string;
  /** token expiry (epoch ms); default now + 30 days */
  expiresAt?: number;
}

export interface EmulatorTiming {
  queuedMs: number;
  runningMs: number;
  exportingMs: number;
  /** outputs appear this long after state 4 */
  filesDelayMs: number;
}

export interface MichiganEmulatorOptions {
  port?: number;
  /** server under a path prefix, e.g. /imputationserver */
  pathPrefix?: string;
  users?: EmulatorUser[];
  maxJobsPerUser?: number;
  panels?: EmulatorPanel[];
  timing?: Partial<EmulatorTiming>;
  downloadLimit?: number;
  retentionMs?: number;
  maxSamples?: number;
  appVersion?: string;
  /** bytes per submit request (413 above) */
  uploadLimit?: number;
  faults?: FaultConfig;
  /** Cloudgene error bodies echo the request headers and form fields (secrets audit) */
  echoRequestsInErrors?: boolean;
  maintenance?: boolean;
  /** downloads without Content-Length (default true) */
  chunked?: boolean;
  /** downloads answer 302 to a second path first, like S3 */
  redirectDownloads?: boolean;
  /** pad each dose file to about this many bytes (benchmarks) */
  syntheticResultBytes?: number;
  /** the unpaged GET /api/v2/jobs pages like ?page=1 */
  paginateUnpaged?: boolean;
  /** submit 400s as the JSON envelope instead of plain text */
  submitErrorsAsJson?: boolean;
  /** records read per file by the deferred validation */
  maxValidatedRecords?: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** the simulated world jobs are really imputed against (default: a tiny one, simulated once per process) */
  world?: World;
  /** which of the world's panels every reference panel of this server is (default A) */
  worldPanel?: PanelName;
  /** the time jobs and tokens move on (default the wall clock; tests pass one they advance themselves) */
  clock?: EmulatorClock;
}

export type ScriptedOutcome = { fail: string } | { hang: true };

export interface LogMessage {
  message: string;
  type: 0 | 1 | 2 | 3;
  time: number;
}

export interface Step {
  id: number;
  name: string;
  logMessages: LogMessage[];
}

export interface OutputFile {
  name: string;
  hash: string;
  /** absolute path on disk */
  path: string;
  bytes: number;
  count: number;
  group: 'output' | 'qcreport' | 'statistics';
  gone?: boolean;
}

export interface ValidationResult {
  errors: string[];
  samples: number;
  chromosomes: string[];
  records: number;
  chunks: number;
  phased: boolean;
}

export interface EmulatorJob {
  id: string;
  name: string;
  user: string;
  /** uploaded files: original file name and path on disk */
  files: { name: string; path: string; bytes: number }[];
  password?: string;
  params: Record<string, string>;
  submittedOn: number;
  /** origin of the time-based progression (submit or restart) */
  clock: number;
  startTime: number;
  endTime: number;
  deletedOn: number;
  /** a state set by a script, cancel or restart; null: derived from time */
  pinned: number | null;
  state: number;
  script?: ScriptedOutcome;
  validation?: Promise<ValidationResult>;
  validated?: ValidationResult;
  /** each uploaded file imputed (Minimac4's files), started once validation passed */
  imputed?: Promise<ImputedChromosome[]>;
  /** why imputation failed, when it did (the job then fails) */
  imputationError?: string;
  results?: Promise<void>;
  resultsReady: boolean;
  steps: Step[];
  outputs: OutputFile[];
  /** expected decrypted contents, by "zip/entry" or file name */
  expected: Map<string, ExpectedFile>;
  dir: string;
}

export interface ImputedChromosome {
  /** bare name, e.g. 20 */
  chromosome: string;
  files: MinimacFiles;
}

export interface ExpectedFile {
  size: number;
  sha256: string;
  /** kept when small */
  content?: Buffer;
}

export interface RequestRecord {
  method: string;
  path: string;
  /** 0 while in flight; -1 when the connection closed without an answer */
  status: number;
  at: number;
}

export interface JobView {
  id: string;
  name: string;
  user: string;
  state: number;
  files: { name: string; bytes: number }[];
  password?: string;
  params: Record<string, string>;
}

export interface MichiganEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  requests: RequestRecord[];
  tokenFor(username: string): string;
  issueToken(username: string, options?: { expiresAt?: number }): string;
  revokeToken(token: string): void;
  readonly jobs: JobView[];
  setFaults(faults: FaultConfig | undefined): void;
  setMaintenance(on: boolean): void;
  setState(jobId: string, state: number): Promise<void>;
  restartServer(): void;
  scriptNext(outcome: ScriptedOutcome): void;
  expectedResults(jobId: string): Promise<Map<string, ExpectedFile>>;
  deleteOutputFile(jobId: string, name: string): void;
  /** what the server's disk holds for a result file from now on (corruption, a hostile server; a file for a bench) */
  replaceOutputFile(jobId: string, name: string, content: Uint8Array | { path: string }): Promise<void>;
}
