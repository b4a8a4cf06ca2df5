/**
 * Turning `--services 1,4 --panels 37,39` into one planned child per service, and checking every
 * rule that can be checked without the network. All problems are collected, never just the first.
 */
import { capabilitiesOf } from '../adapters/capabilities.js';
import type { SubmitOptions } from '../domain/submission.js';
import type { Build, Registry, Service } from '../registry/types.js';
import type { PanelChoice } from '../vcf/check.js';

export type { SubmitOptions };

export interface ChildPlan {
  service: Service;
  panelId: number;
  panelName: string;
  panelBuild: Build;
  /** ask this service for leave-one-out dosages: --meta / --no-meta, else the service's `meta:` */
  meta: boolean;
}

export const R2_FILTERS = ['0', '0.001', '0.1', '0.2', '0.3'];

/** "1,4" / "h3africa,ilifu" / "1:37,4" → service references with optional panels */
export function parseServiceList(services: string, panels?: string): { service: string; panel?: string }[] {
  const entries = services
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [service, panel] = entry.split(':');
      return { service: service.trim(), panel: panel?.trim() || undefined };
    });
  const panelList = panels?.split(',').map((panel) => panel.trim()) ?? [];
  panelList.forEach((panel, index) => {
    if (entries[index] && panel) entries[index].panel ??= panel;
  });
  return entries;
}

export function findService(registry: Registry, reference: string): Service | undefined {
  return registry.services.find((service) => String(service.id) === reference || service.slug === reference);
}

export function planChildren(
  registry: Registry,
  services: string,
  panels: string | undefined,
  options: SubmitOptions,
): { plans: ChildPlan[]; problems: string[] } {
  const problems: string[] = [];
  const plans: ChildPlan[] = [];
  const entries = parseServiceList(services, panels);
  if (entries.length === 0) problems.push('--services lists no service');
  const panelCount = panels?.split(',').filter((panel) => panel.trim()).length ?? 0;
  if (panelCount > entries.length) {
    problems.push(`--panels has ${panelCount} entries but --services only ${entries.length}; give one panel per service, in the same order`);
  }
  const known = registry.services.map((service) => `${service.id} (${service.slug})`).join(', ');
  for (const entry of entries) {
    const service = findService(registry, entry.service);
    if (!service) {
      problems.push(`unknown service '${entry.service}' (known: ${known || 'none'})`);
      continue;
    }
    const panel = choosePanel(service, entry.panel, problems);
    if (!panel) continue;
    if (options.population && panel.populations.length > 0 && !panel.populations.includes(options.population)) {
      problems.push(
        `population '${options.population}' is not offered by panel ${panel.id} (${panel.name}) on ${service.slug}; choose one of ${panel.populations.join(', ')}`,
      );
    }
    if (plans.some((plan) => plan.service.id === service.id && plan.panelId === panel.id)) {
      problems.push(`service ${service.id} (${service.slug}) with panel ${panel.id} is listed twice; one child per service and panel`);
      continue;
    }
    plans.push({ service, panelId: panel.id, panelName: panel.name, panelBuild: panel.build, meta: options.meta ?? service.meta ?? false });
  }
  if (options.r2Filter !== undefined && !R2_FILTERS.includes(options.r2Filter)) {
    problems.push(`--r2-filter '${options.r2Filter}' is not offered by the servers; use one of ${R2_FILTERS.join(', ')}`);
  }
  return { plans, problems };
}

function choosePanel(service: Service, reference: string | undefined, problems: string[]) {
  const list = service.panels.map((panel) => `${panel.id} (${panel.name})`).join(', ');
  if (reference === undefined) {
    if (service.default_panel !== undefined) return service.panels.find((panel) => panel.id === service.default_panel);
    if (service.panels.length === 1) return service.panels[0];
    problems.push(`service ${service.id} (${service.slug}) has several panels and no default_panel: choose one with --panels (${list})`);
    return undefined;
  }
  const panel = service.panels.find((candidate) => String(candidate.id) === reference);
  if (!panel) {
    problems.push(`panel '${reference}' is not on service ${service.id} (${service.slug}); its panels are ${list}`);
  }
  return panel;
}

/** no server takes more samples in one job (the pre-flight check's bound when a service names none) */
const MAX_SAMPLES = 50_000;

/** what the pre-flight check needs of the planned children: each panel's rules, and the smallest sample limit */
export function preflightPanels(plans: readonly ChildPlan[]): { panels: PanelChoice[]; maxSamples: number } {
  const panels = plans.map((plan) => ({
    serviceName: plan.service.slug,
    panelName: `${plan.panelId} ${plan.panelName}`,
    build: plan.panelBuild,
    liftsOver: capabilitiesOf(plan.service).liftsOver,
    populations: plan.service.panels.find((panel) => panel.id === plan.panelId)?.populations ?? [],
  }));
  return { panels, maxSamples: Math.min(MAX_SAMPLES, ...plans.map((plan) => capabilitiesOf(plan.service).maxSamples)) };
}
