/**
 * The registry `fedimpute sandbox` writes for its two emulators, and the CWL file its WES service
 * attaches. Pure text: no I/O here (index.ts writes the files).
 *
 * Tokens go through `token_file` (beside the registry, mode 0600) rather than `${ENV}` references: then
 * FEDIMPUTE_CONFIG is the only thing a user or a pipeline has to set, and the registry schema's rule
 * "never a literal token" still holds. The tokens are only valid for the life of the sandbox process.
 */
import { DEFAULT_PANELS } from './michigan/panels.js';

export const SANDBOX_REGISTRY = 'sandbox.services.yaml';
export const SANDBOX_WORKFLOW = 'impute.cwl';
export const SANDBOX_SLUGS = { michigan: 'sandbox-michigan', wes: 'sandbox-wes' } as const;
export const SANDBOX_TOKEN_FILES = { michigan: `${SANDBOX_SLUGS.michigan}.token`, wes: `${SANDBOX_SLUGS.wes}.token` } as const;

/** local panel ids for the emulator's panels: the ids a seed registry gives them */
const MICHIGAN_PANEL_IDS = [37, 38];

/**
 * WES panels are the service's own mapping onto workflow parameters; both hg38 (no liftover on WES). The
 * engine goes with the panel, as a panel's files are in one engine's format (m3vcf/msav or bref3): 39 runs
 * Minimac4, as the chipimputation workflow of eLwazi's nodes does (so `submit --meta` gets leave-one-out
 * dosages from it too), 40 runs Beagle 5.4 (no leave-one-out output: combine then uses best-r2).
 */
const WES_PANELS = [
  { id: 39, name: '1000 Genomes Phase 3 (Version 5)', ref: '1000g-phase-3-v5', engine: 'minimac4' },
  { id: 40, name: 'H3Africa Reference Panel (v6)', ref: 'h3africa-v6hc-s', engine: 'beagle' },
];

const ENGINE_NAMES: Record<string, string> = { minimac4: 'Minimac4', beagle: 'Beagle 5.4' };

/** "37 H3Africa Reference Panel (v6) (hg38, default), 38 …" for the sandbox's usage text (WES panels name their engine) */
export function panelSummary(type: 'michigan' | 'wes'): string {
  const panels: { id: number; name: string; build: string; engine?: string }[] =
    type === 'michigan'
      ? DEFAULT_PANELS.map((panel, index) => ({ id: MICHIGAN_PANEL_IDS[index] ?? 41 + index, name: panel.label, build: panel.build }))
      : WES_PANELS.map((panel) => ({ id: panel.id, name: panel.name, build: 'hg38', engine: ENGINE_NAMES[panel.engine] }));
  return panels
    .map((panel, index) => {
      const notes = [panel.build, ...(index === 0 ? ['default'] : []), ...(panel.engine ? [panel.engine] : [])];
      return `${panel.id} ${panel.name} (${notes.join(', ')})`;
    })
    .join(', ');
}

export interface SandboxRegistryInput {
  michiganUrl: string;
  wesUrl: string;
}

export function sandboxRegistryYaml(input: SandboxRegistryInput): string {
  const michiganPanels = DEFAULT_PANELS.map((panel, index) => {
    const populations = panel.populations.map((population) => population.key).join(', ');
    return `      - { id: ${MICHIGAN_PANEL_IDS[index] ?? 41 + index}, name: ${JSON.stringify(panel.label)}, remote_id: ${JSON.stringify(panel.id)}, build: ${panel.build}, populations: [${populations}] }`;
  });
  const wesPanels = WES_PANELS.map(
    (panel) => `      - { id: ${panel.id}, name: ${JSON.stringify(panel.name)}, build: hg38, params: { ref_panel: ${panel.ref}, engine: ${panel.engine} } }`,
  );
  return [
    '# Written by `fedimpute sandbox` for its loopback emulators; valid while that process runs.',
    '# Tokens are in the token_files next to this file (mode 0600). Use it with:',
    `#   export FEDIMPUTE_CONFIG=<this file>`,
    'services:',
    '  - id: 1',
    `    slug: ${SANDBOX_SLUGS.michigan}`,
    '    name: Sandbox Michigan Imputation Server (Cloudgene 3)',
    '    type: michigan',
    `    base_url: ${input.michiganUrl}`,
    `    token_file: ${SANDBOX_TOKEN_FILES.michigan}`,
    '    max_parallel_jobs: 2',
    `    default_panel: ${MICHIGAN_PANEL_IDS[0]}`,
    '    panels:',
    ...michiganPanels,
    '  - id: 2',
    `    slug: ${SANDBOX_SLUGS.wes}`,
    '    name: Sandbox WES node (GA4GH WES 1.0.0, CWL)',
    '    type: wes',
    `    base_url: ${input.wesUrl}`,
    '    api_prefix: /ga4gh/wes/v1',
    `    token_file: ${SANDBOX_TOKEN_FILES.wes}`,
    `    workflow: { url: ${SANDBOX_WORKFLOW}, type: CWL, version: v1.2, attachments: [${SANDBOX_WORKFLOW}] }`,
    '    input: { mode: attachment }',
    '    params: { target_vcf: { class: File, path: "{{input}}" }, ref_panel: "{{panel.ref_panel}}", engine: "{{panel.engine}}", build: "{{build}}", meta: "{{meta}}" }',
    '    outputs: { include: ["**/*.dose.vcf.gz", "**/*.empiricalDose.vcf.gz", "**/*.info.gz"] }',
    `    default_panel: ${WES_PANELS[0].id}`,
    '    panels:',
    ...wesPanels,
    '',
  ].join('\n');
}

/** The workflow the WES service names. The emulator runs it its own way (wes/workflow.ts); outputs match these ids. */
export const SANDBOX_CWL = `#!/usr/bin/env cwl-runner
# Written by \`fedimpute sandbox\`. The sandbox's WES emulator runs this workflow its own way: it imputes
# the attached VCF against its simulated panel and writes the engine's results; on a real WES server it
# would call an imputation script with these inputs.
cwlVersion: v1.2
class: CommandLineTool
doc: Genotype imputation of one bgzipped VCF against a reference panel (sandbox stand-in).
baseCommand: [impute.sh]
inputs:
  target_vcf: { type: File, inputBinding: { prefix: --vcf } }
  ref_panel: { type: string, inputBinding: { prefix: --panel } }
  build: { type: string, inputBinding: { prefix: --build } }
  engine: { type: "string?", doc: "beagle (default) or minimac4", inputBinding: { prefix: --engine } }
  meta: { type: "boolean?", doc: "minimac4: also write leave-one-out dosages (empiricalDose) for meta-imputation", inputBinding: { prefix: --meta } }
  gp: { type: "boolean?", doc: "also write genotype probabilities (GP)", inputBinding: { prefix: --gp } }
  r2_filter: { type: "float?", doc: "drop imputed sites with a lower DR2", inputBinding: { prefix: --r2-filter } }
outputs:
  imputed_dose: { type: File, outputBinding: { glob: "imputed/*.dose.vcf.gz" } }
  imputed_info: { type: File, outputBinding: { glob: "imputed/*.info.gz" } }
  imputed_empirical: { type: "File?", outputBinding: { glob: "imputed/*.empiricalDose.vcf.gz" } }
  log: { type: File, outputBinding: { glob: logs/run.log } }
`;
