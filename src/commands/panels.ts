/**
 * `fedimpute panels [service] [--remote]`: the registry's panels, or with --remote the panels the server
 * itself offers (Michigan app form: keys and populations ready to paste into services.yaml; WES
 * service-info workflow types).
 */
import type { Context } from '../context.js';
import { ConfigError, EXIT } from '../errors.js';
import { examples, flag, type RawOptions, type Registration } from './options.js';

export interface PanelsOptions {
  /** service id or slug (default: all) */
  service?: string;
  /** ask the server rather than the registry */
  remote?: boolean;
}

export function panelsOptions(raw: RawOptions, [service]: string[]): PanelsOptions {
  return { service, remote: flag(raw, 'remote') };
}

export const registerPanels: Registration = (program, register) => {
  const command = program
    .command('panels')
    .description('reference panels per service; --remote reads them from the server')
    .argument('[service]', 'service id or slug')
    .option('--remote', 'ask the server (Michigan app form, WES service-info)');
  examples(command, [
    ['fedimpute panels', "every service's panels from the registry (★ default)"],
    ['fedimpute panels h3africa --remote', 'the panels the server offers, with the remote_id to paste into services.yaml'],
    ['fedimpute panels 1 --json', "one service's panels as JSON"],
  ]);
  command.action(register(panelsOptions, async () => runPanels));
};

export async function runPanels(options: PanelsOptions, context: Context): Promise<number> {
  const [registry, { findService }, { renderTable }] = await Promise.all([context.registry(), import('../lifecycle/plan.js'), import('../output/table.js')]);
  const reference = options.service;
  const services = reference ? [findService(registry, reference)] : registry.services;
  if (services.some((service) => !service)) {
    throw new ConfigError(`unknown service '${reference}' (known: ${registry.services.map((service) => `${service.id} (${service.slug})`).join(', ')})`);
  }
  const rows: { service: string; id: string; name: string; build: string; populations: string[]; default: boolean }[] = [];
  for (const service of services as NonNullable<(typeof services)[number]>[]) {
    if (options.remote) {
      const panels = await (await context.adapter(service)).panels();
      for (const panel of panels) {
        rows.push({ service: service.slug, id: panel.remoteId, name: panel.name, build: panel.build ?? '', populations: panel.populations.map((population) => population.id), default: false });
      }
    } else {
      for (const panel of service.panels) {
        rows.push({ service: service.slug, id: String(panel.id), name: panel.name, build: panel.build, populations: panel.populations, default: service.default_panel === panel.id });
      }
    }
  }
  if (context.globals.json) {
    context.json({ remote: Boolean(options.remote), panels: rows });
    return EXIT.ok;
  }
  const { style } = context;
  context.out(
    renderTable(
      [
        { header: 'SERVICE', shrink: 'never' },
        { header: options.remote ? 'REMOTE ID (remote_id)' : 'ID', shrink: 'never' },
        { header: 'NAME', shrink: 'end', priority: 1, min: 12 },
        { header: 'BUILD', shrink: 'never' },
        { header: 'POPULATIONS', shrink: 'end', priority: 0, min: 10 },
      ],
      rows.map((row) => [row.service, context.tty && row.default ? `${row.id} ${style.green(style.symbols.star)}` : row.id, row.name, row.build, row.populations.join(context.tty ? ', ' : ',')]),
      { tty: context.tty, style, width: context.width },
    ),
  );
  if (options.remote && context.tty) context.info(style.dim('paste a REMOTE ID as remote_id (and its populations) into services.yaml'));
  return EXIT.ok;
}
