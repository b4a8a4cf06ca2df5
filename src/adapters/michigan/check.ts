/** `services check` and `panels --remote` for Michigan servers: server info, token verify, JWT expiry, app form. */
import { RemoteError } from '../../errors.js';
import { cleanLine } from '../../sanitize.js';
import type { MichiganService } from '../../registry/types.js';
import type { HttpClient } from '../http.js';
import { parseJson } from '../responses.js';
import type { RemotePanel, ServiceCheck } from '../types.js';
import { ServerSchema, VerifySchema, type AppFormSchema } from './schemas.js';

/** The unverified `exp` of a JWT-shaped token (Cloudgene puts username and exp in the payload). */
export function tokenExpiry(token: string): { expiresAt?: string; username?: string } {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number; username?: string };
    return { expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : undefined, username: payload.username };
  } catch {
    return {};
  }
}

/** a problem line with its hint (the how-to-fix, e.g. "set ca_file"), which would otherwise be lost */
function describe(error: unknown): string {
  if (!(error instanceof RemoteError)) return String(error);
  return error.hint ? `${error.message} (${error.hint})` : error.message;
}

export async function checkService(service: MichiganService, token: string | undefined, http: HttpClient, now: () => Date = () => new Date()): Promise<ServiceCheck> {
  const result: ServiceCheck = { reachable: false, protocol: 'michigan', problems: [] };
  const started = Date.now();
  try {
    // expectJson: a cut-short or proxy-page 200 is retried like a 5xx, as on every other idempotent call
    const response = await http.request({ method: 'GET', url: `${service.base_url}/api/v2/server`, credentials: token ? { 'X-Auth-Token': token } : {}, expectJson: true });
    result.latencyMs = Date.now() - started;
    result.reachable = true;
    const text = await response.text();
    if (response.status !== 200) {
      result.unavailable = true;
      result.problems.push(`GET /api/v2/server answered HTTP ${response.status}`);
    }
    else {
      const server = parseJson(service.name, 'the server info', text, ServerSchema);
      const app = server.apps?.find((candidate) => candidate.id.startsWith('imputationserver2'));
      result.version = app ? `imputationserver2 ${app.version ?? app.id.split('@')[1] ?? ''}`.trim() : undefined;
      if (!app) result.problems.push('the server does not offer the imputationserver2 app');
      if (result.version) result.version = cleanLine(result.version);
      if (server.maintenace) {
        result.unavailable = true;
        result.problems.push('the server is in maintenance mode');
      }
    }
  } catch (error) {
    if (error instanceof RemoteError && result.reachable) result.unavailable = true;
    result.problems.push(describe(error));
    return result;
  }
  if (!token) {
    result.problems.push('no API token configured');
    return result;
  }
  const decoded = tokenExpiry(token);
  result.tokenExpiresAt = decoded.expiresAt;
  result.username = decoded.username === undefined ? undefined : cleanLine(decoded.username);
  try {
    const response = await http.request({
      method: 'POST',
      url: `${service.base_url}/api/v2/tokens/verify`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      // the token is in the body: a redirect may never carry it to another origin
      credentialBody: true,
      idempotent: true, // verify has no effect: safe to retry
      expectJson: true,
    });
    const verify = parseJson(service.name, 'the token check', await response.text(), VerifySchema, response.status);
    result.tokenValid = verify.valid;
    if (verify.username) result.username = cleanLine(verify.username);
    if (verify.expire !== undefined && verify.expire !== null) {
      const when = typeof verify.expire === 'number' ? new Date(verify.expire) : new Date(verify.expire);
      if (!Number.isNaN(when.getTime())) result.tokenExpiresAt = when.toISOString();
    }
    if (!verify.valid)
      result.problems.push(`token rejected: ${cleanLine(verify.message ?? '').replace(/[.\s]+$/, '') || 'invalid'}; create a new API token in the ${service.name} web UI profile page`);
  } catch (error) {
    if (error instanceof RemoteError) result.unavailable = true;
    result.problems.push(describe(error));
  }
  if (result.tokenExpiresAt && Date.parse(result.tokenExpiresAt) <= now().getTime()) {
    result.tokenValid = false;
    if (!result.problems.some((problem) => problem.startsWith('token'))) result.problems.push(`token expired on ${result.tokenExpiresAt}`);
  }
  return result;
}

export function listPanels(form: import('zod').infer<typeof AppFormSchema>): RemotePanel[] {
  const refpanel = form.params.find((param) => param.id === 'refpanel');
  const population = form.params.find((param) => param.id === 'population');
  return (refpanel?.values ?? []).map((panel) => {
    const bound = population?.values?.find((entry) => entry.key === panel.key);
    return {
      remoteId: cleanLine(panel.key),
      name: cleanLine(panel.value ?? panel.key),
      populations: (bound?.values ?? []).map((choice) => ({ id: cleanLine(choice.key), name: cleanLine(choice.value ?? choice.label ?? choice.key) })),
    };
  });
}
