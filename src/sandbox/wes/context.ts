/** The state one WES emulator shares between its routes, its run log and its handle. */
import type { EmulatorClock } from '../clock.js';
import type { FaultInjector } from '../faults.js';
import type { Settings } from './flavor.js';
import type { Run } from './runs.js';
import type { RecordedRequest, ScriptedOutcome, WesTiming } from './types.js';
import type { WorkflowSettings } from './workflow.js';

export interface EmulatorContext {
  settings: Settings;
  timing: WesTiming;
  clock: EmulatorClock;
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
  workflow: WorkflowSettings;
  /** every run whose workflow started, forgotten runs included: close() stops or awaits them before removing files */
  started: Set<Run>;
  baseUrl(): string;
}
