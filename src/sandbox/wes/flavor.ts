/**
 * What differs between the emulated servers: service-info shapes (WES 1.0.0, 1.1.0, the starter kit's
 * bare arrays) and error envelopes (spec {msg,status_code}, reference RFC 7807, starter kit Spring).
 */
import type { IncomingMessage } from 'node:http';
import type { EmulatorState, WesFlavor, WesVersion } from './types.js';

export interface Settings {
  flavor: WesFlavor;
  version: WesVersion;
  workflowTypeVersions: Record<string, string[]>;
  workflowEngineVersions: Record<string, string[]>;
  acceptAttachments: boolean;
  echoRequestsInErrors: boolean;
}

export function serviceInfo(settings: Settings, counts: Partial<Record<EmulatorState, number>>): Record<string, unknown> {
  const { flavor, version } = settings;
  const types: Record<string, unknown> = {};
  for (const [type, versions] of Object.entries(settings.workflowTypeVersions)) {
    // the GA4GH starter kit advertises bare arrays instead of {workflow_type_version: [...]}
    types[type] = flavor === 'starter-kit' ? [...versions] : { workflow_type_version: [...versions] };
  }
  const engines: Record<string, unknown> = {};
  for (const [engine, versions] of Object.entries(settings.workflowEngineVersions)) {
    engines[engine] = version === '1.1.0' ? { workflow_engine_version: [...versions] } : versions[0] ?? '';
  }
  const base: Record<string, unknown> = {
    workflow_type_versions: types,
    supported_wes_versions: version === '1.1.0' ? ['1.0.0', '1.1.0'] : ['1.0.0'],
    supported_filesystem_protocols: ['file', 'http', 'https'],
    workflow_engine_versions: engines,
    default_workflow_engine_parameters: [],
    system_state_counts: counts,
    auth_instructions_url: 'https://example.org/fedimpute-emulator/auth',
    tags: { emulator: 'fedimpute', flavor },
  };
  if (version === '1.1.0' || flavor === 'starter-kit') {
    Object.assign(base, {
      id: `org.fedimpute.emulator.${flavor}`,
      name: `fedimpute WES emulator (${flavor})`,
      type: { group: 'org.ga4gh', artifact: 'wes', version },
      organization: { name: 'fedimpute', url: 'https://example.org/fedimpute' },
      version: '0.1.0',
    });
  }
  return base;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

export function errorBody(
  settings: Settings,
  status: number,
  message: string,
  request: IncomingMessage,
): { type: string; body: string } {
  const echo = settings.echoRequestsInErrors
    ? { request: { method: request.method, url: request.url, headers: request.headers } }
    : {};
  switch (settings.flavor) {
    case 'spec':
      return { type: 'application/json', body: JSON.stringify({ msg: message, status_code: status, ...echo }) };
    case 'reference':
      return {
        type: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: REASONS[status] ?? 'Error', status, detail: message, ...echo }),
      };
    case 'starter-kit':
      return {
        type: 'application/json',
        body: JSON.stringify({
          timestamp: new Date().toISOString(),
          status,
          error: REASONS[status] ?? 'Error',
          message,
          path: (request.url ?? '').split('?')[0],
          ...echo,
        }),
      };
  }
}
