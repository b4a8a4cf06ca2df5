/**
 * The demo's last word: each service's results, and their combination, scored against the study's truth
 * (accuracy.ts), one row each, named by the world panel the service imputes with.
 */
import { loadTruth, score, type BinAccuracy } from './accuracy.js';
import type { PanelName } from './world/panel.js';

export interface ServiceAccuracy {
  service: string;
  /** "population A", "population B", "pooled A+B", or what a combined row says it is */
  panel: string;
  bins: BinAccuracy[];
}

const PANEL_LABELS: Record<PanelName, string> = { A: 'population A', B: 'population B', pooled: 'pooled A+B' };

/**
 * Scores each row's dose file against the truth, excluding the typed sites: the first dose file per service,
 * in the order given. A row's panel is its own `panel`, else the label of the world panel its service uses.
 */
export async function scoreServices(
  doses: { service: string; path: string; panel?: string }[],
  study: { truth: string; typed: string },
  panels: Record<string, PanelName>,
): Promise<ServiceAccuracy[]> {
  const truth = await loadTruth(study.truth, study.typed);
  const scores: ServiceAccuracy[] = [];
  for (const service of new Set(doses.map((dose) => dose.service))) {
    const dose = doses.find((candidate) => candidate.service === service)!;
    const panel = dose.panel ?? (panels[service] ? PANEL_LABELS[panels[service]] : '?');
    scores.push({ service, panel, bins: await score(truth, dose.path) });
  }
  return scores;
}
