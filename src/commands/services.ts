/** `fedimpute services [list]`: the registry's services and panels (`services check` is services-check.ts). */
import type { Context } from '../context.js';
import type { Service } from '../registry/types.js';
import { examples, type Registration } from './options.js';
import type { ServicesCheckOptions } from './services-check.js';

/** services takes no options of its own; `services check` takes service ids */
export type ServicesOptions = Record<string, never>;

export const registerServices: Registration = (program, register) => {
  const services = program.command('services').description('services and panels from the registry');
  examples(services, [
    ['fedimpute services', 'the services and panels of the registry'],
    ['fedimpute services check', 'is each service up, and is its token valid (and until when)?'],
    ['fedimpute --config other.yaml services --json', 'another registry, as JSON'],
  ]);
  const list = services
    .command('list', { isDefault: true })
    .description('list services and their panels')
    .action(register((): ServicesOptions => ({}), async () => runServices));
  examples(list, [
    ['fedimpute services list', 'the services and panels of the registry'],
    ['fedimpute services --json', 'the same as JSON (tokens never shown, only whether they are set)'],
  ]);
  const check = services
    .command('check')
    .description('reachability, latency, protocol version, token validity and expiry, per service')
    .argument('[ids...]', 'service ids or slugs (default: all)');
  examples(check, [
    ['fedimpute services check', 'every service of the registry'],
    ['fedimpute services check 1 ilifu', 'two services, by id and by slug'],
    ['fedimpute services check --json', 'the checks as JSON (exit 4 when a token is rejected)'],
  ]);
  check.action(register((_raw, ids): ServicesCheckOptions => ({ ids }), async () => (await import('./services-check.js')).runServicesCheck));
};

type Tokens = typeof import('../registry/tokens.js');

export function serviceJson(service: Service, env: NodeJS.ProcessEnv, { describeTokenSource, tokenIsSet }: Tokens) {
  return {
    id: service.id,
    slug: service.slug,
    name: service.name,
    type: service.type,
    base_url: service.base_url,
    token: { source: describeTokenSource(service), set: tokenIsSet(service, env) },
    max_parallel_jobs: service.max_parallel_jobs ?? null,
    default_panel: service.default_panel ?? null,
    panels: service.panels.map((panel) => ({
      id: panel.id,
      name: panel.name,
      build: panel.build,
      populations: panel.populations,
      ...('remote_id' in panel ? { remote_id: panel.remote_id } : {}),
    })),
  };
}

export async function runServices(_options: ServicesOptions, context: Context): Promise<number> {
  const [registry, tokens, { renderTable }, { capabilitiesOf }, { shownPath }] = await Promise.all([
    context.registry(),
    import('../registry/tokens.js'),
    import('../output/table.js'),
    import('../adapters/capabilities.js'),
    import('../output/format.js'),
  ]);
  const services = registry.services.map((service) => serviceJson(service, context.env, tokens));
  if (context.globals.json) {
    context.json({ registry: registry.file, services });
    return 0;
  }
  if (services.length === 0) {
    context.info(`${registry.file} lists no services yet; see services.example.yaml`);
    return 0;
  }
  const { style } = context;
  if (!context.tty) {
    const rows = services.flatMap((service) =>
      service.panels.map((panel) => [
        String(service.id),
        service.slug,
        service.type,
        service.name,
        service.base_url,
        String(panel.id),
        panel.name,
        panel.build,
        panel.populations.join(','),
        service.default_panel === panel.id ? 'default' : '',
      ]),
    );
    context.out(renderTable([], rows, { tty: false }));
    return 0;
  }
  const star = style.symbols.star;
  const rows = services.map((service, index) => [
    style.bold(String(service.id)),
    style.bold(service.slug),
    capabilitiesOf(registry.services[index]).protocol,
    service.panels
      .map((panel) => `${panel.id === service.default_panel ? style.green(star) : ' '} ${panel.id} ${panel.name}${panel.name.includes(panel.build) ? '' : ` ${style.dim(`(${panel.build})`)}`}`)
      .join('\n'),
    service.token.source === 'none' ? style.dim('none') : service.token.set ? style.green('set') : style.yellow('not set'),
    // a token file from the current folder when under it; an environment variable as `$NAME`
    service.token.source === 'none' ? '' : style.dim(shownPath(service.token.source, context.cwd)),
    style.dim(service.base_url),
    style.dim(service.name),
  ]);
  context.out(
    renderTable(
      [
        { header: 'ID', shrink: 'never' },
        { header: 'SERVICE', shrink: 'never' },
        { header: 'PROTOCOL', shrink: 'never' },
        { header: `PANELS (${star} default)`, shrink: 'end', priority: 3, min: 16 },
        // whether a token is there says most; where it comes from gives way first (whole in --json and pipes)
        { header: 'TOKEN', shrink: 'never' },
        { header: 'FROM', shrink: 'middle', priority: 2, min: 12, optional: true },
        { header: 'URL', shrink: 'end', priority: 1, min: 16, optional: true },
        { header: 'NAME', shrink: 'end', priority: 0, min: 12, optional: true },
      ],
      rows,
      { tty: true, style, width: context.width },
    ),
  );
  context.info(style.dim(`registry: ${shownPath(registry.file, context.cwd)}`));
  return 0;
}
