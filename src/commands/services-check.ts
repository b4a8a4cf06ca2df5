/**
 * `fedimpute services check [ids]`: per service, reachability, latency, protocol version, token validity
 * and expiry, and problems (workflow not advertised, maintenance). Services are asked in parallel.
 */
import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { AuthError, ConfigError, EXIT, FedimputeError, MissingTokenError } from '../errors.js';
import type { ServiceCheck } from '../adapters/types.js';
import { findService } from '../lifecycle/plan.js';
import { relativeTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { wrapText } from '../output/width.js';
import type { Registry, Service } from '../registry/types.js';

export interface ServicesCheckOptions {
  /** service ids or slugs (default: all) */
  ids: string[];
}

export async function runServicesCheck({ ids }: ServicesCheckOptions, context: Context): Promise<number> {
  const registry = await context.registry();
  await sweepExistingStore(context);
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
  } else if (context.tty) {
    printTable(context, results);
  } else {
    const rows = results.map(({ service, check }) => [String(service.id), service.slug, isOk(check) ? 'ok' : 'problem', check.protocol, check.version ?? '', String(check.latencyMs ?? ''), String(check.tokenValid ?? ''), check.tokenExpiresAt ?? '', check.problems.join('; ')]);
    context.out(renderTable([], rows, { tty: false }));
  }
  // a rejected or missing token: exit 4 (README "Exit codes")
  if (results.some(({ check }) => check.tokenValid === false)) return EXIT.auth;
  // a registry mistake (a token_file readable by others, a bad entry) is exit 2, as everywhere
  if (results.some(({ check }) => REGISTRY_PROBLEMS.has(check))) return EXIT.usage;
  return results.every(({ check }) => isOk(check)) ? EXIT.ok : EXIT.runtime;
}

/**
 * `services check` resolves every token without needing the store: an existing one is opened all the same,
 * so that the tokens an older fedimpute let a server echo into it are swept (Context.sweepTokens). It never
 * creates a store, and one it cannot open is left to the commands that need it.
 */
async function sweepExistingStore(context: Context): Promise<void> {
  if (!existsSync(context.dbPath)) return;
  try {
    await context.store();
  } catch (error) {
    context.debug(`the job store was not swept of echoed tokens: ${(error as Error).message}`);
  }
}

/** a table that fits the terminal; each problem in full under it, wrapped */
function printTable(context: Context, results: { service: Service; check: ServiceCheck }[]): void {
  const { style, width } = context;
  const now = context.now();
  const { symbols } = style;
  const rows = results.map(({ service, check }) => [
    isOk(check) ? style.green(symbols.completed) : check.reachable ? style.yellow(symbols.attention) : style.red(symbols.failed),
    `${service.id} ${style.bold(service.slug)}`,
    `${check.protocol}${check.version ? ` ${style.dim(check.version)}` : ''}`,
    check.latencyMs !== undefined ? `${check.latencyMs} ms` : '',
    tokenCell(check, style),
    check.tokenValid && check.tokenExpiresAt ? style.dim(relativeTime(check.tokenExpiresAt, now)) : '',
  ]);
  context.out(
    renderTable(
      [
        { header: '', shrink: 'never' },
        { header: 'SERVICE', shrink: 'never' },
        { header: 'PROTOCOL', shrink: 'end', priority: 1, min: 8 },
        { header: 'LATENCY', shrink: 'never', align: 'right', optional: true, priority: 2 },
        // the token's state and its expiry date are never cut; how far off that is goes first
        { header: 'TOKEN', shrink: 'never' },
        { header: 'EXPIRES', shrink: 'never', optional: true, priority: 0 },
      ],
      rows,
      { tty: true, style, width },
    ),
  );
  for (const { service, check } of results) {
    for (const problem of check.problems) {
      const lines = wrapText(`${service.slug}: ${problem}`, width - 2, '  ');
      context.out([`${check.reachable ? style.yellow(symbols.attention) : style.red(symbols.failed)} ${lines[0]}`, ...lines.slice(1)].join('\n'));
    }
  }
}

function tokenCell(check: ServiceCheck & { tokenMissing?: boolean }, style: Context['style']): string {
  if (check.tokenMissing) return style.red('not set');
  if (check.tokenValid === undefined) return style.dim(style.symbols.none);
  if (!check.tokenValid) return style.red('rejected');
  return `${style.green('valid')}${check.tokenExpiresAt ? style.dim(` until ${check.tokenExpiresAt.slice(0, 10)}`) : ''}`;
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
    const check: ServiceCheck & { tokenMissing?: boolean } = {
      reachable: !(error instanceof ConfigError || error instanceof MissingTokenError),
      protocol: service.type,
      tokenValid: error instanceof AuthError ? false : undefined,
      tokenMissing: error instanceof MissingTokenError,
      problems: [error.hint ? `${error.message} (${error.hint})` : error.message],
    };
    if (error instanceof ConfigError) REGISTRY_PROBLEMS.add(check);
    return check;
  }
}
