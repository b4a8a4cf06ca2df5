/**
 * Minimal, lenient zod schemas of the WES fields fedimpute reads (unknown fields are ignored), and the
 * service-info normalisation for WES 1.0.0, 1.1.0 and the starter kit's bare arrays.
 */
import { z } from 'zod';
import type { WesService } from '../../registry/types.js';

/** {workflow_type_version:[...]}, {workflow_engine_version:[...]}, a bare array (starter kit) or a string (1.0.0 engines) */
const versionList = z.unknown();

export const ServiceInfoSchema = z.object({
  workflow_type_versions: z.record(z.string(), versionList.nullish()).nullish(),
  workflow_engine_versions: z.record(z.string(), versionList.nullish()).nullish(),
  supported_wes_versions: z.array(z.string()).nullish(),
  supported_filesystem_protocols: z.array(z.string()).nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  version: z.string().nullish(),
  type: z.object({ group: z.string().nullish(), artifact: z.string().nullish(), version: z.string().nullish() }).nullish(),
});
export type ServiceInfo = z.infer<typeof ServiceInfoSchema>;

export const RunIdSchema = z.object({ run_id: z.union([z.string(), z.number()]).transform(String) });

const RunStatusSchema = z.object({
  run_id: z.union([z.string(), z.number()]).transform(String),
  state: z.string().nullish(),
  tags: z.unknown().optional(),
});
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** `runs` per spec; `workflows` on the reference server (workflow-service) */
export const RunListSchema = z.object({
  runs: z.array(RunStatusSchema).nullish(),
  workflows: z.array(RunStatusSchema).nullish(),
  next_page_token: z.string().nullish(),
});

export const StatusSchema = RunStatusSchema;

const LogSchema = z.object({
  name: z.string().nullish(),
  start_time: z.string().nullish(),
  end_time: z.string().nullish(),
  stdout: z.string().nullish(),
  stderr: z.string().nullish(),
  exit_code: z.number().nullish(),
  system_logs: z.array(z.string()).nullish(),
});
export type WesLog = z.infer<typeof LogSchema>;

export const RunLogSchema = z.object({
  run_id: z.union([z.string(), z.number()]).transform(String).nullish(),
  state: z.string().nullish(),
  request: z.object({ tags: z.unknown().optional() }).nullish(),
  run_log: LogSchema.nullish(),
  task_logs: z.array(LogSchema.nullable()).nullish(),
  outputs: z.unknown().optional(),
});
export type RunLog = z.infer<typeof RunLogSchema>;

export const TaskListSchema = z.object({
  task_logs: z.array(LogSchema).nullish(),
  next_page_token: z.string().nullish(),
});

/** what a server says of itself in service-info: its WES version, workflow types and engines */
export interface Advertised {
  /** WES version: from type.version or the highest supported_wes_versions entry */
  wesVersion?: string;
  /** 1.1.0 or later: engine fields, tasks endpoint, PREEMPTED */
  v11: boolean;
  types: Map<string, string[]>;
  engines: Map<string, string[]>;
}

function versions(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return versions(record.workflow_type_version ?? record.workflow_engine_version ?? []);
  }
  return [];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let index = 0; index < Math.max(pa.length, pb.length); index++) {
    const difference = (pa[index] || 0) - (pb[index] || 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function advertisedBy(info: ServiceInfo): Advertised {
  const supported = [...(info.supported_wes_versions ?? [])].sort(compareVersions);
  const typeVersion = info.type?.artifact?.toLowerCase() === 'wes' ? info.type.version ?? undefined : undefined;
  const wesVersion = supported.at(-1) ?? typeVersion;
  const candidates = [wesVersion, typeVersion].filter((item): item is string => Boolean(item));
  return {
    wesVersion,
    v11: candidates.some((version) => compareVersions(version, '1.1.0') >= 0),
    types: new Map(Object.entries(info.workflow_type_versions ?? {}).map(([type, value]) => [type, versions(value)])),
    engines: new Map(Object.entries(info.workflow_engine_versions ?? {}).map(([engine, value]) => [engine, versions(value)])),
  };
}

/** Problems of the registry's workflow against what the server advertises (services check, submit). */
export function workflowProblems(service: WesService, advertised: Advertised): string[] {
  const problems: string[] = [];
  const { type, version, engine, engine_version: engineVersion } = service.workflow;
  const listed = advertised.types.get(type);
  if (!listed) {
    const near = [...advertised.types.keys()].find((key) => key.toLowerCase() === type.toLowerCase());
    problems.push(
      `workflow.type ${type} is not offered (server offers: ${[...advertised.types.keys()].join(', ') || 'none'})` +
        (near ? `; the server spells it ${near}` : ''),
    );
  } else if (!listed.includes(version)) {
    problems.push(`workflow.version ${version} is not listed for ${type} (server lists: ${listed.join(', ') || 'none'})`);
  }
  if (engine && advertised.v11) {
    const engines = advertised.engines.get(engine);
    if (!engines) problems.push(`workflow.engine ${engine} is not offered (server offers: ${[...advertised.engines.keys()].join(', ') || 'none'})`);
    else if (engineVersion && !engines.includes(engineVersion))
      problems.push(`workflow.engine_version ${engineVersion} is not listed for ${engine} (server lists: ${engines.join(', ')})`);
  }
  return problems;
}
