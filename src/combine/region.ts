/** `--region chr20:1,000,001-2,000,000` (also `chr20`, `20:5000000-`): 1-based, both ends included, as samtools. */
import { UsageError } from '../errors.js';
import { canonicalChromosome } from './header.js';
import type { Region } from './source.js';

export function parseRegion(text: string): Region {
  const match = /^([^:\s]+)(?::([\d,]+)?(?:-([\d,]*))?)?$/.exec(text.trim());
  const start = match?.[2] ? Number(match[2].replace(/,/g, '')) : 1;
  const end = match?.[3] ? Number(match[3].replace(/,/g, '')) : Number.POSITIVE_INFINITY;
  if (!match || !(start >= 1) || !(end >= start)) {
    throw new UsageError(`--region '${text}' is not a region`, { hint: 'write CHR, CHR:START-END or CHR:START- (1-based, e.g. chr20:1000001-2000000)' });
  }
  return { chromosome: canonicalChromosome(match[1]), start, end };
}

/** "chr20", "chr20_1000001-2000000": the part of an output name that says what it holds */
export function regionTag(region: Region, chromosome: string): string {
  if (region.start === 1 && region.end === Number.POSITIVE_INFINITY) return `chr${chromosome}`;
  return `chr${chromosome}_${region.start}-${region.end === Number.POSITIVE_INFINITY ? 'end' : region.end}`;
}

export function formatRegion(region: Region): string {
  return `${region.chromosome}:${region.start}-${region.end === Number.POSITIVE_INFINITY ? '' : region.end}`;
}
