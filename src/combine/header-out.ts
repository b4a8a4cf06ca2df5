/** The combined VCF's header: what it holds, how it was made, and contigs named one way. */
import type { VcfHeader } from './header.js';
import { canonicalChromosome } from './header.js';
import type { CombineJob } from './types.js';

/** the output's CHROM for a canonical name, in the naming the first input used (chr20 or 20) */
export function chromosomeNamer(prefixed: boolean): (canonical: string) => string {
  return prefixed ? (canonical) => `chr${canonical}` : (canonical) => (canonical === 'M' ? 'MT' : canonical);
}

export function combinedHeader(job: CombineJob, headers: VcfHeader[], name: (canonical: string) => string, samples: string[]): string {
  const contigs = new Map<string, string>();
  for (const header of headers) {
    for (const [id, line] of header.contigs) {
      const canonical = canonicalChromosome(id);
      if (!contigs.has(canonical)) contigs.set(canonical, line.replace(/ID=[^,>]+/, `ID=${name(canonical)}`));
    }
  }
  const labels = job.sources.map((source) => source.label).join(',');
  const lines = [
    '##fileformat=VCFv4.2',
    `##filedate=${job.fileDate}`,
    `##source=${job.generator}`,
    `##fedimpute_combine=<Method=${job.method},Absent=${job.absent},Sources="${labels}">`,
    '##phasing=full',
    ...contigs.values(),
    '##INFO=<ID=AF,Number=1,Type=Float,Description="Estimated alternate allele frequency of the combined dosages">',
    '##INFO=<ID=MAF,Number=1,Type=Float,Description="Estimated minor allele frequency of the combined dosages">',
    '##INFO=<ID=R2,Number=1,Type=Float,Description="Estimated imputation accuracy (R-square) of the combined dosages, as Minimac estimates it">',
    '##INFO=<ID=SOURCES,Number=.,Type=String,Description="Services/panels whose results carried this variant">',
    ...(job.method === 'best-r2' ? ['##INFO=<ID=CHOSEN,Number=1,Type=String,Description="The source whose dosages were taken (highest estimated R-square)">'] : []),
    '##INFO=<ID=IMPUTED,Number=0,Type=Flag,Description="Marker was imputed">',
    '##INFO=<ID=TYPED,Number=0,Type=Flag,Description="Marker was genotyped">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype: the best guess per haplotype (HDS > 0.5)">',
    '##FORMAT=<ID=DS,Number=1,Type=Float,Description="Estimated alternate allele dosage [HDS1 + HDS2]">',
    '##FORMAT=<ID=HDS,Number=2,Type=Float,Description="Estimated haploid alternate allele dosage">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...samples].join('\t'),
  ];
  return `${lines.join('\n')}\n`;
}
