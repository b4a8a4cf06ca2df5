/** The RunLog document (GET /runs/{id}) as each flavor writes it. */
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EmulatorContext } from './context.js';
import {
  endTime,
  failureMessage,
  outputKey,
  outputPaths,
  sha1,
  startTime,
  tasksOf,
  TERMINAL_STATES,
  type Run,
} from './runs.js';
import type { EmulatorState, WesTiming } from './types.js';

/** The run's log text: what the reference server and the starter kit put in run_log.stderr. */
export function logText(run: Run, timing: WesTiming, state: EmulatorState): string {
  const lines = [`[${new Date(run.createdAt).toISOString()}] run ${run.id} queued (${run.request.workflow_url})`];
  const started = startTime(run, timing, state);
  if (started) lines.push(`[${started}] workflow started`);
  const message = failureMessage(run, state);
  if (TERMINAL_STATES.has(state)) lines.push(`[${endTime(run, timing, state)}] workflow finished: ${state}`);
  if (message && state !== 'COMPLETE') lines.push(`ERROR ${message}`);
  return `${lines.join('\n')}\n`;
}

export function runLog(context: EmulatorContext, run: Run, state: EmulatorState, now: number): Record<string, unknown> {
  const { flavor, version } = context.settings;
  const reference = flavor === 'reference';
  const start = startTime(run, context.timing, state);
  const end = endTime(run, context.timing, state);
  const message = failureMessage(run, state);
  const log: Record<string, unknown> = {
    name: basename(run.request.workflow_url),
    cmd: [run.request.workflow_type.toLowerCase(), run.request.workflow_url],
    // the reference server sends "" for both times and the log text itself in stderr
    start_time: reference ? '' : (start ?? ''),
    end_time: reference ? '' : (end ?? ''),
    stdout: `${context.baseUrl()}/logs/${run.id}/stdout`,
    stderr: flavor === 'spec' ? `${context.baseUrl()}/logs/${run.id}/stderr` : logText(run, context.timing, state),
    exit_code: TERMINAL_STATES.has(state) ? (state === 'COMPLETE' ? 0 : 1) : null,
  };
  if (version === '1.1.0' && message && state !== 'COMPLETE') log.system_logs = [message];
  const document: Record<string, unknown> = {
    run_id: run.id,
    request: {
      workflow_url: run.request.workflow_url,
      workflow_type: run.request.workflow_type,
      workflow_type_version: run.request.workflow_type_version,
      workflow_params: run.request.workflow_params,
      tags: run.request.tags,
      workflow_engine_parameters: run.request.workflow_engine_parameters,
      ...(run.request.workflow_engine ? { workflow_engine: run.request.workflow_engine } : {}),
      ...(run.request.workflow_engine_version ? { workflow_engine_version: run.request.workflow_engine_version } : {}),
    },
    state,
    run_log: log,
    task_logs: version === '1.1.0' ? tasksOf(run, context.timing, state, now) : [],
    outputs: state === 'COMPLETE' ? outputObjects(context, run) : {},
  };
  if (version === '1.1.0') document.task_logs_url = `${context.baseUrl()}${context.apiPrefix}/runs/${run.id}/tasks`;
  return document;
}

function outputObjects(context: EmulatorContext, run: Run): Record<string, unknown> {
  const paths = outputPaths(run);
  const result: Record<string, unknown> = {};
  for (const [name, path] of paths) {
    const content = run.outputs!.get(name)!;
    const location =
      context.outputs === 'http'
        ? `${context.baseUrl()}/outputs/${run.id}/${name.split('/').map(encodeURIComponent).join('/')}`
        : pathToFileURL(path).href;
    result[outputKey(name)] = {
      class: 'File',
      location,
      path,
      basename: basename(name),
      size: content.length,
      checksum: `sha1$${sha1(content)}`,
    };
  }
  return result;
}
