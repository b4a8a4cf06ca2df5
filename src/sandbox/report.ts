/**
 * The demo's last word: each service's results scored against the study's truth (accuracy.ts), one row per
 * service, named by the world panel it imputes with.
 */
import { loadTruth, score, type BinAccuracy } from './accuracy.js';
import type { PanelName } from './world/panel.js';

export interface ServiceAccuracy {
  service: string;
  /** "population A", "population B", "pooled" */
  panel: string;
  bins: BinAccuracy[];
}

const PANEL_LABELS: Record<PanelName, string> = { A: 'population A', B: 'population B', pooled: 'pooled A+B' };

/** Scores each service's dose file (the first one per service) against the truth, excluding the typed sites. */
export async function scoreServices(
  doses: { service: string; path: string }[],
  study: { truth: string; typed: string },
  panels: Record<string, PanelName>,
): Promise<ServiceAccuracy[]> {
  const truth = await loadTruth(study.truth, study.typed);
  const scores: ServiceAccuracy[] = [];
  for (const service of [...new Set(doses.map((dose) => dose.service))].sort()) {
    const dose = doses.find((candidate) => candidate.service === service)!;
    const panel = panels[service];
    scores.push({ service, panel: panel ? PANEL_LABELS[panel] : '?', bins: await score(truth, dose.path) });
  }
  return scores;
}
