/**
 * VCF headers exactly as the tools write them, copied from the output of Minimac4 4.1.2 and Beagle 5.4
 * (22Jul22.46e) run on a simulated case, plus what imputationserver2 adds to the Michigan dose file
 * (`bcftools annotate -h` with its ##mis_* lines, which also adds ##FILTER=PASS and its own two lines).
 */

export interface PipelineInfo {
  /** imputationserver2's version, e.g. 2.0.12 */
  version: string;
  /** the phasing the job asked for (eagle, beagle, no_phasing) */
  phasing: string;
  /** the panel's id, e.g. h3africa-v6hc-s */
  panel: string;
}

const MINIMAC_SOURCE = '##source=Minimac v4.1.2';
const MINIMAC_INFO = [
  '##INFO=<ID=AF,Number=1,Type=Float,Description="Estimated Alternate Allele Frequency">',
  '##INFO=<ID=MAF,Number=1,Type=Float,Description="Estimated Minor Allele Frequency">',
  '##INFO=<ID=AVG_CS,Number=1,Type=Float,Description="Average Call Score">',
  '##INFO=<ID=R2,Number=1,Type=Float,Description="Estimated Imputation Accuracy (R-square)">',
  '##INFO=<ID=ER2,Number=1,Type=Float,Description="Empirical (Leave-One-Out) R-square (available only for genotyped variants)">',
  '##INFO=<ID=IMPUTED,Number=0,Type=Flag,Description="Marker was imputed">',
  '##INFO=<ID=TYPED,Number=0,Type=Flag,Description="Marker was genotyped">',
];

/** 20261130: Minimac's ##filedate */
export const fileDate = (now: Date): string => now.toISOString().slice(0, 10).replace(/-/g, '');

/** "Mon Nov 30 05:11:02 2026": how bcftools stamps its command line (asctime) */
function asctime(now: Date): string {
  const [weekday, day, month, year, time] = now.toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`;
}

function columns(samples: string[] | undefined): string {
  const fixed = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];
  return (samples ? [...fixed, 'FORMAT', ...samples] : fixed).join('\t');
}

function minimacStart(chromosome: string, now: Date): string[] {
  return ['##fileformat=VCFv4.2', `##filedate=${fileDate(now)}`, MINIMAC_SOURCE, '##phasing=full', `##contig=<ID=${chromosome}>`];
}

/**
 * chrN.dose.vcf.gz after the server's `bcftools annotate`; without a pipeline, as Minimac4 itself writes
 * it (a workflow that runs minimac4 and publishes its output unchanged, as on a WES node)
 */
export function minimacDoseHeader(chromosome: string, samples: string[], pipeline: PipelineInfo | undefined, now: Date): string {
  const [format, ...rest] = minimacStart(chromosome, now);
  const name = `chr${chromosome.replace(/^chr/, '')}.dose.vcf.gz`;
  const formats = [
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DS,Number=1,Type=Float,Description="Estimated Alternate Allele Dosage : [P(0/1)+2*P(1/1)]">',
    '##FORMAT=<ID=HDS,Number=2,Type=Float,Description="Estimated Haploid Alternate Allele Dosage">',
  ];
  if (!pipeline) return [format, ...rest, ...MINIMAC_INFO, ...formats, columns(samples), ''].join('\n');
  return [
    format, '##FILTER=<ID=PASS,Description="All filters passed">', ...rest, ...MINIMAC_INFO, ...formats,
    `##mis_pipeline=v${pipeline.version}`, `##mis_phasing=${pipeline.phasing}`, `##mis_panel=${pipeline.panel}`,
    '##bcftools_annotateVersion=1.16+htslib-1.16',
    `##bcftools_annotateCommand=annotate -h add_header.txt -o ${name} -Oz tmp_${name}; Date=${asctime(now)}`,
    columns(samples), '',
  ].join('\n');
}

/** chrN.info.gz: Minimac's sites-only file (--sites) */
export function minimacInfoHeader(chromosome: string, now: Date): string {
  return [...minimacStart(chromosome, now), ...MINIMAC_INFO, columns(undefined), ''].join('\n');
}

/** chrN.empiricalDose.vcf.gz: Minimac's --empirical-output (naive concatenation keeps its header as is) */
export function minimacEmpiricalHeader(chromosome: string, samples: string[], now: Date): string {
  return [
    ...minimacStart(chromosome, now), MINIMAC_INFO[5], MINIMAC_INFO[6],
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotyped alleles from Array">',
    '##FORMAT=<ID=LDS,Number=2,Type=Float,Description="Leave-one-out Imputed Dosage : Estimated Haploid Alternate Allele Dosage assuming site was NOT genotyped">',
    columns(samples), '',
  ].join('\n');
}

/** Beagle 5.4's imputed VCF (it writes no ##contig line) */
export function beagleHeader(samples: string[], genotypeProbabilities: boolean, now: Date): string {
  return [
    '##fileformat=VCFv4.2', `##filedate=${fileDate(now)}`, '##source="beagle.22Jul22.46e.jar"',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Estimated ALT Allele Frequencies">',
    '##INFO=<ID=DR2,Number=A,Type=Float,Description="Dosage R-Squared: estimated squared correlation between estimated REF dose [P(RA) + 2*P(RR)] and true REF dose">',
    '##INFO=<ID=IMP,Number=0,Type=Flag,Description="Imputed marker">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DS,Number=A,Type=Float,Description="estimated ALT dose [P(RA) + 2*P(AA)]">',
    ...(genotypeProbabilities ? ['##FORMAT=<ID=GP,Number=G,Type=Float,Description="Estimated Genotype Probability">'] : []),
    columns(samples), '',
  ].join('\n');
}

/** a sites-only copy of a header: its ## lines and the 8 fixed columns */
export function sitesOnly(header: string): string {
  const lines = header.trimEnd().split('\n');
  return [...lines.filter((line) => line.startsWith('##') && !line.startsWith('##FORMAT')), columns(undefined), ''].join('\n');
}
