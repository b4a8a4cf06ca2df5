/**
 * `fedimpute services check [ids]`: per service, reachability, latency, protocol version, token validity
 * and expiry, and problems (workflow not advertised, maintenance). Services are asked in parallel.
 */
import type { Context } from '../context.js';
import { AuthError, ConfigError, EXIT, FedimputeError } from '../errors.js';
import type { ServiceCheck } from '../adapters/types.js';
import { findService } from '../lifecycle/plan.js';
import { relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import type { Registry, Service } from '../registry/types.js';

export interface ServicesCheckOptions {
  /** service ids or slugs (default: all) */
  ids: string[];
}

export async function runServicesCheck({ ids }: ServicesCheckOptions, context: Context): Promise<number> {
  const registry = await context.registry();
  const services = ids.length ? ids.map((id) => pick(registry, id)) : registry.services;
  const results = await Promise.all(services.map(async (service) => ({ service, check: await checkOne(context, service) })));
  if (context.globals.json) {
    context.json({
      services: results.map(({ service, check }) => ({
        id: service.id,
        slug: service.slug,
        ok: isOk(check),
        reachable: check.reachable,
        latency_ms: check.latencyMs ?? null,
        protocol: check.protocol,
        version: check.version ?? null,
        username: check.username ?? null,
        token_valid: check.tokenValid ?? null,
        token_expires_at: check.tokenExpiresAt ?? null,
        problems: check.problems,
      })),
    });
  } else {
    const { style } = context;
    const now = context.now();
    const rows = results.map(({ service, check }) =>
      context.tty
        ? [
            isOk(check) ? style.green('✔') : check.reachable ? style.yellow('!') : style.red('✖'),
            `${service.id} ${style.bold(service.slug)}`,
            `${check.protocol}${check.version ? ` ${style.dim(check.version)}` : ''}`,
            check.latencyMs !== undefined ? `${check.latencyMs} ms` : '',
            check.tokenValid === undefined ? style.dim('—') : check.tokenValid ? `${style.green('valid')}${check.tokenExpiresAt ? style.dim(` until ${check.tokenExpiresAt.slice(0, 10)} (${relativeTime(check.tokenExpiresAt, now)})`) : ''}` : style.red('rejected'),
            check.problems.join('\n'),
          ]
        : [String(service.id), service.slug, isOk(check) ? 'ok' : 'problem', check.protocol, check.version ?? '', String(check.latencyMs ?? ''), String(check.tokenValid ?? ''), check.tokenExpiresAt ?? '', check.problems.join('; ')],
    );
    const headers = context.tty ? ['', 'SERVICE', 'PROTOCOL', 'LATENCY', 'TOKEN', 'PROBLEMS'] : [];
    context.out(renderTable(headers.map((header) => ({ header })), rows, context.tty, context.style.enabled));
  }
  if (results.some(({ check }) => check.tokenValid === false)) return EXIT.auth;
  // a registry mistake (token variable unset, token_file missing or readable by others) is exit 2, as everywhere
  if (results.some(({ check }) => REGISTRY_PROBLEMS.has(check))) return EXIT.usage;
  return results.every(({ check }) => isOk(check)) ? EXIT.ok : EXIT.runtime;
}

function pick(registry: Registry, id: string): Service {
  const service = findService(registry, id);
  if (!service) throw new ConfigError(`unknown service '${id}' (known: ${registry.services.map((entry) => `${entry.id} (${entry.slug})`).join(', ')})`);
  return service;
}

function isOk(check: ServiceCheck): boolean {
  return check.reachable && check.tokenValid !== false && check.problems.length === 0;
}

/** checks that failed on the registry entry itself, not on the service */
const REGISTRY_PROBLEMS = new WeakSet<ServiceCheck>();

async function checkOne(context: Context, service: Service): Promise<ServiceCheck> {
  try {
    return await (await context.adapter(service)).check();
  } catch (error) {
    if (!(error instanceof FedimputeError)) throw error;
    const check: ServiceCheck = {
      reachable: !(error instanceof ConfigError),
      protocol: service.type,
      tokenValid: error instanceof AuthError ? false : undefined,
      problems: [error.hint ? `${error.message} (${error.hint})` : error.message],
    };
    if (error instanceof ConfigError) REGISTRY_PROBLEMS.add(check);
    return check;
  }
}
