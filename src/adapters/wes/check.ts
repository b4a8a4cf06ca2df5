/**
 * `services check` and `panels --remote` for WES servers: service-info (version, the workflow the registry
 * names), and a one-run probe of GET /runs that tells whether the token is accepted. Everything a server
 * names here (type names, versions) leaves as one clean line.
 */
import { AuthError, FedimputeError } from '../../errors.js';
import type { WesService } from '../../registry/types.js';
import { cleanLine } from '../../sanitize.js';
import { redact } from '../../secrets.js';
import type { HttpClient } from '../http.js';
import { redirectedAway } from '../responses.js';
import type { RemotePanel, ServiceCheck } from '../types.js';
import { workflowProblems, type Advertised } from './schemas.js';

export interface WesCheck {
  service: WesService;
  token: string | undefined;
  http: HttpClient;
  root: string;
  auth: Record<string, string>;
  serviceInfo: () => Promise<Advertised>;
}

export async function checkService({ service, token, http, root, auth, serviceInfo }: WesCheck): Promise<ServiceCheck> {
  const name = service.name;
  const started = Date.now();
  const result: ServiceCheck = { reachable: false, protocol: 'wes', problems: [] };
  try {
    const info = await serviceInfo();
    result.reachable = true;
    result.latencyMs = Date.now() - started;
    result.version = info.wesVersion ? `WES ${info.wesVersion}` : 'WES (version not advertised)';
    result.problems.push(...workflowProblems(service, info));
    const probe = await http.request({ method: 'GET', url: `${root}/runs?page_size=1`, credentials: auth });
    await probe.dump();
    const away = redirectedAway(probe, name, 'the run list');
    if (away) result.problems.push(`${away.message} (${away.hint})`);
    else if (probe.status === 401 || probe.status === 403) {
      result.tokenValid = false;
      result.problems.push(`${name} rejected ${token ? 'the token' : 'a request without a token'} (HTTP ${probe.status})`);
    } else if (token) result.tokenValid = probe.status === 200;
  } catch (error) {
    if (error instanceof AuthError) {
      result.reachable = true;
      result.tokenValid = false;
    }
    // keep the hint (e.g. "set ca_file"): a problem line is all the user sees
    const hint = error instanceof FedimputeError ? error.hint : undefined;
    result.problems.push(redact(hint ? `${(error as Error).message} (${hint})` : (error as Error).message));
  }
  // service-info's words (type names, versions) are the server's: one clean line each
  return { ...result, version: result.version && cleanLine(result.version), problems: result.problems.map(cleanLine) };
}

/** WES has no panel list: what the server runs (workflow type + versions) */
export function listWorkflows(info: Advertised): RemotePanel[] {
  return [...info.types.entries()].flatMap(([type, versions]) =>
    versions.map((version) => ({ remoteId: cleanLine(`${type} ${version}`), name: cleanLine(`${type} ${version}`), populations: [] })),
  );
}
