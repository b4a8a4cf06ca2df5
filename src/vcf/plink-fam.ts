/** The .fam side of a PLINK fileset (sample ids) and PLINK chromosome codes. */
import { InputError } from '../errors.js';

/** 'iid': IID only; 'fid_iid': FID_IID (plink 1.9's VCF export style); 'auto': IID when unique, else FID_IID */
export type SampleIdStyle = 'auto' | 'iid' | 'fid_iid';

export function readFam(text: string, path: string, style: SampleIdStyle): string[] {
  const rows = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/));
  if (rows.length === 0) throw new InputError(`${path} lists no samples`, { hint: 'give the .fam of the fileset' });
  const bad = rows.findIndex((row) => row.length < 2);
  if (bad >= 0) throw new InputError(`${path} line ${bad + 1} has no IID column`, { hint: 'a .fam line is FID IID father mother sex phenotype' });
  const iids = rows.map((row) => row[1]);
  const useIid = style === 'iid' || (style === 'auto' && new Set(iids).size === iids.length);
  const ids = useIid ? iids : rows.map((row) => `${row[0]}_${row[1]}`);
  const seen = new Set<string>();
  const duplicate = ids.find((id) => (seen.has(id) ? true : (seen.add(id), false)));
  if (duplicate !== undefined) {
    throw new InputError(`${path} has duplicate sample ids (${duplicate})`, { hint: 'give every sample a unique IID (plink --update-ids), then run prepare again' });
  }
  return ids;
}

/** PLINK chromosome code → bare name (1–22, X), or null for 0, Y (24), XY (25), MT (26) and unknown codes */
export function plinkChromosome(code: string): string | null {
  const bare = code.replace(/^chr/i, '').toUpperCase();
  if (/^([1-9]|1\d|2[0-2])$/.test(bare)) return bare;
  return bare === '23' || bare === 'X' ? 'X' : null;
}
