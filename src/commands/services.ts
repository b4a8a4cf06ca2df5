/** `fedimpute services [list]`: the registry's services and panels. */
import type { Context } from '../context.js';
import { describeTokenSource, tokenIsSet } from '../registry/tokens.js';
import type { Service } from '../registry/types.js';
import { renderTable } from '../output/table.js';

export function serviceJson(service: Service, env: NodeJS.ProcessEnv) {
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

export async function runServices(_options: unknown, context: Context): Promise<number> {
  const registry = await context.registry();
  const services = registry.services.map((service) => serviceJson(service, context.env));
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
    context.out(renderTable([], rows, false));
    return 0;
  }
  const rows = services.map((service) => [
    style.bold(String(service.id)),
    `${style.bold(service.slug)}\n${style.dim(service.name)}`,
    `${service.type === 'michigan' ? 'Michigan API' : 'GA4GH WES'}\n${style.dim(service.base_url)}`,
    service.panels
      .map((panel) => `${panel.id === service.default_panel ? style.green('★') : ' '} ${panel.id} ${panel.name} ${style.dim(`(${panel.build})`)}`)
      .join('\n'),
    service.token.source === 'none'
      ? style.dim('none')
      : `${service.token.source}\n${service.token.set ? style.green('set') : style.yellow('not set')}`,
  ]);
  context.out(
    renderTable(
      [{ header: 'ID' }, { header: 'SERVICE' }, { header: 'PROTOCOL' }, { header: 'PANELS (★ default)' }, { header: 'TOKEN' }],
      rows,
      true,
      style.enabled,
    ),
  );
  context.info(style.dim(`registry: ${registry.file}`));
  return 0;
}
