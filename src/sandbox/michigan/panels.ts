/** Default reference panels and the imputationserver2 submit form (GET /api/v2/server/apps/imputationserver2). */
import type { EmulatorPanel } from './types.js';

export const DEFAULT_PANELS: EmulatorPanel[] = [
  {
    id: 'apps@h3africa-v6hc-s@1.0.0',
    label: 'H3Africa Reference Panel (v6)',
    build: 'hg38',
    populations: [
      { key: 'afr', value: 'AFR' },
      { key: 'mixed', value: 'Mixed' },
      { key: 'off', value: 'Off' },
    ],
  },
  {
    id: 'apps@1000g-phase-3-v5@2.0.0',
    label: '1000 Genomes Phase 3 (Version 5)',
    build: 'hg19',
    populations: [
      { key: 'afr', value: 'AFR' },
      { key: 'amr', value: 'AMR' },
      { key: 'eas', value: 'EAS' },
      { key: 'eur', value: 'EUR' },
      { key: 'sas', value: 'SAS' },
      { key: 'all', value: 'All' },
      { key: 'off', value: 'Off' },
    ],
  },
];

/** The form fields the submit endpoint accepts; anything else is `Parameter 'x' not found.` */
export const FORM_FIELDS = new Set([
  'files', 'refpanel', 'population', 'build', 'phasing', 'r2Filter', 'mode', 'aesEncryption', 'meta', 'password', 'job-name',
]);

const list = (id: string, description: string, value: string, values: [string, string][]) => ({
  id, description, type: 'list', value, visible: true, required: true,
  values: values.map(([key, text]) => ({ key, value: text })),
});

/** Resolves `apps@id@version` and the bare `id`. */
export function findPanel(panels: EmulatorPanel[], key: string): EmulatorPanel | undefined {
  return panels.find((panel) => panel.id === key || panel.id.split('@')[1] === key);
}

export function appForm(panels: EmulatorPanel[], appVersion: string): unknown {
  return {
    id: 'imputationserver2',
    name: 'Genotype Imputation (Minimac4)',
    version: appVersion,
    description: 'This is the new Michigan Imputation Server Pipeline using Minimac4.',
    params: [
      { id: 'mode', description: 'Mode', type: 'list', value: 'imputation', visible: true,
        values: [{ key: 'qc_only', value: 'Quality Control Only' }, { key: 'imputation', value: 'Quality Control & Imputation' }] },
      { id: 'refpanel', description: 'Reference Panel', type: 'app_list', value: panels[0]?.id ?? '', visible: true, required: true,
        values: panels.map((panel) => ({ key: panel.id, value: panel.label })) },
      { id: 'files', description: 'Input Files (VCF)', type: 'local_folder', visible: true, required: true },
      list('build', 'Array Build', 'hg19', [['hg19', 'GRCh37/hg19'], ['hg38', 'GRCh38/hg38']]),
      list('r2Filter', 'rsq Filter', '0', [['0', 'off'], ['0.001', '0.001'], ['0.1', '0.1'], ['0.2', '0.2'], ['0.3', '0.3']]),
      list('phasing', 'Phasing', 'eagle', [['eagle', 'Eagle v2.4 (phased output)'], ['beagle', 'Beagle 5.4 (phased output)'], ['no_phasing', 'No phasing']]),
      { id: 'population', description: 'Population', type: 'binded_list', bind: 'refpanel', value: 'off', visible: true,
        values: panels.map((panel) => ({ key: panel.id, label: panel.label, values: panel.populations })) },
      { id: 'aesEncryption', description: 'AES 256 encryption', type: 'checkbox', value: 'no', visible: true,
        values: [{ key: 'true', value: 'yes' }, { key: 'false', value: 'no' }] },
      { id: 'meta', description: 'Generate Meta-imputation file', type: 'checkbox', value: 'no', visible: true,
        values: [{ key: 'true', value: 'yes' }, { key: 'false', value: 'no' }] },
      { id: 'password', description: 'Password', type: 'text', value: '', visible: false },
      { id: 'job-name', description: 'Name', type: 'text', value: '', visible: true },
    ],
  };
}
