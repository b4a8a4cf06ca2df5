/**
 * The header of one imputed VCF: its samples, the contig lines worth copying, and the hints combine needs
 * (which engine wrote it, whether an R² filter was applied, which FORMAT fields carry haplotype dosages).
 */
import { InputError } from '../errors.js';
import type { LineReader } from './lines.js';

export interface VcfHeader {
  path: string;
  samples: string[];
  /** `##contig=<ID=...>` lines, by contig name as written */
  contigs: Map<string, string>;
  formats: Set<string>;
  infos: Set<string>;
  /** a line says the output was filtered by estimated R² (minimac4 --min-r2, a bcftools filter on R2) */
  r2Filtered: boolean;
  /** `##source=` as written (Minimac v4.1.2, beagle...) */
  source: string | null;
}

const R2_FILTER = /--min-r2|r2filter|(?:^|[^A-Z])D?R2\s*(?:<|>|<=|>=)\s*0?\.\d|INFO\/D?R2\s*[<>]/i;

/** Reads the header lines; the reader is left at the first record. */
export async function readHeader(reader: LineReader, path: string): Promise<VcfHeader> {
  const header: VcfHeader = { path, samples: [], contigs: new Map(), formats: new Set(), infos: new Set(), r2Filtered: false, source: null };
  for (;;) {
    const line = await reader.read();
    if (!line) throw new InputError(`${path}: the file ends inside the header (no #CHROM line)`, { hint: 'is it a complete VCF?' });
    const text = line.bytes.toString('latin1', line.start, line.end).replace(/\r$/, '');
    if (text.startsWith('##')) {
      readMetaLine(header, text);
      continue;
    }
    if (!text.startsWith('#CHROM')) {
      throw new InputError(`${path}: no #CHROM header line before the first record`, { hint: 'is it a VCF file?' });
    }
    const columns = text.split('\t');
    if (columns.length < 10 || columns[8] !== 'FORMAT') {
      throw new InputError(`${path}: the file has no sample columns`, { hint: 'combine needs imputed dosages per sample (FORMAT DS/HDS)' });
    }
    header.samples = columns.slice(9);
    return header;
  }
}

function readMetaLine(header: VcfHeader, text: string): void {
  const id = /^##(\w+)=<ID=([^,>]+)/.exec(text);
  if (id?.[1] === 'contig') header.contigs.set(id[2], text);
  else if (id?.[1] === 'FORMAT') header.formats.add(id[2]);
  else if (id?.[1] === 'INFO') header.infos.add(id[2]);
  else if (text.startsWith('##source=')) header.source = text.slice('##source='.length).replace(/^"|"$/g, '');
  if (!text.startsWith('##INFO') && !text.startsWith('##FORMAT') && R2_FILTER.test(text)) header.r2Filtered = true;
}

/** "chr20" → "20", "chrX" → "X", "MT"/"chrM" → "M": the name used to match chromosomes across panels */
export function canonicalChromosome(name: string): string {
  const bare = name.replace(/^chr/i, '');
  return bare === 'MT' ? 'M' : bare;
}

/** sort key: 1..22, X, Y, M, then anything else by name */
export function chromosomeRank(canonical: string): number {
  if (/^\d+$/.test(canonical)) return Number(canonical);
  return { X: 23, Y: 24, M: 25 }[canonical] ?? 26;
}

export function compareChromosomes(left: string, right: string): number {
  return chromosomeRank(left) - chromosomeRank(right) || (left < right ? -1 : left > right ? 1 : 0);
}
