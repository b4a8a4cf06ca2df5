/** A parent job with completed children and their downloaded result files, made by hand for combine/compare tests. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { combineSession, writeVcf, type Row } from './fixtures.js';

export const PARENT = '0badcafe-1111-4222-8333-444455556666';
export const SAMPLES = ['S1', 'S2'];
/** what every child is submitted with (submit records these) */
const SUBMITTED = { build: 'hg38', phasing: 'no_phasing', mode: 'imputation' };
export interface ChildSpec {
  slug: string;
  status?: 'completed' | 'failed';
  options?: Record<string, unknown>;
  /** chromosome → rows; files recorded as a Michigan zip's entries when zipped */
  files: Record<string, Row[]>;
  empirical?: boolean;
  zipped?: boolean;
}

/** a parent `study` with these children, their result files under `results`, recorded as `download` records them */
export async function setupParent(dir: string, results: string, children: ChildSpec[]): Promise<string> {
  const db = join(dir, 'jobs.db');
  const { context } = combineSession(dir, db).context();
  const store = await context.store();
  store.jobs.insertParent(
    { id: PARENT, name: 'study' },
    children.map((child, index) => ({ id: `child-${index}`, name: 'study', service_id: index + 1, service_slug: child.slug, reference_panel_id: 37, status: child.status ?? 'completed', options: JSON.stringify({ ...SUBMITTED, ...child.options }) })),
  );
  children.forEach((child, index) => {
    const folder = join(results, child.slug);
    mkdirSync(folder, { recursive: true });
    for (const [chromosome, rows] of Object.entries(child.files)) {
      const kinds = child.empirical ? ['dose', 'empiricalDose'] : ['dose'];
      for (const kind of kinds) {
        const name = `chr${chromosome}.${kind}.vcf.gz`;
        const path = writeVcf(join(folder, name), { samples: SAMPLES, rows: rows.map((row) => ({ ...row, chrom: `chr${chromosome}` })), field: kind === 'dose' ? 'HDS' : 'LDS' });
        store.recordDownload({ job_id: `child-${index}`, name: child.zipped ? `chr_${chromosome}.zip/${name}` : name, path, size: 1, sha256: 'x' });
      }
    }
  });
  context.close();
  return db;
}

export const rows = (...positions: number[]): Row[] => positions.map((pos) => ({ chrom: 'chr20', pos, info: 'R2=0.9', hds: [[0.2, 0.4], [0.6, 0.8]] }));

