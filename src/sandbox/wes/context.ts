/** The state one WES emulator shares between its routes, its run log and its handle. */
import type { FaultInjector } from '../faults.js';
import type { Settings } from './flavor.js';
import type { Run } from './runs.js';
import type { RecordedRequest, ScriptedOutcome, WesTiming } from './types.js';

export interface EmulatorContext {
  settings: Settings;
  timing: WesTiming;
  apiPrefix: string;
  token?: string;
  outputs: 'http' | 'file';
  pageSize: number;
  maxPageSize: number;
  statusWarmupMs: number;
  runs: Map<string, Run>;
  requests: RecordedRequest[];
  faults: FaultInjector;
  scripts: ScriptedOutcome[];
  runsDir: string;
  baseUrl(): string;
}
