/**
 * A tiny two-population world for combine's tests with Minimac4: founder haplotypes per population with
 * diverged allele frequencies, reference panels copied from their population's founders with switches and
 * mutations (so panels carry LD), and an admixed study whose haplotypes alternate between ancestries in tracts.
 * Only a stand-in until the sandbox's simulator (issue 13) is used; small enough for minimac4 to run in a second.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { seededRandom } from '../../src/domain/random.js';
import { writeVcfText } from './fixtures.js';

export interface World {
  dir: string;
  /** truth genotypes (0..2) by position, per sample */
  truth: Map<number, number[]>;
}

const SITES = 1600;
const FOUNDERS = 20;
const SPACING = 1000;

export function buildWorld(dir: string, seed = 5): World {
  const random = seededRandom(seed);
  const beta = () => {
    // frequencies skewed towards rare, as in real panels
    const x = random() ** 2.5;
    return random() < 0.5 ? x : 1 - x;
  };
  const ancestral = Array.from({ length: SITES }, beta);
  const diverge = (p: number) => Math.min(0.999, Math.max(0.001, p + (random() - 0.5) * 0.5 * Math.sqrt(p * (1 - p)) * 2));
  const founders = [0, 1].map(() => {
    const frequency = ancestral.map(diverge);
    return Array.from({ length: FOUNDERS }, () => Uint8Array.from(frequency, (p) => (random() < p ? 1 : 0)));
  });
  const copy = (population: number, from: number, to: number, out: Uint8Array) => {
    let founder = Math.floor(random() * FOUNDERS);
    for (let site = from; site < to; site++) {
      if (random() < 0.01) founder = Math.floor(random() * FOUNDERS);
      out[site] = random() < 0.001 ? 1 - founders[population][founder][site] : founders[population][founder][site];
    }
  };
  const panel = (population: number) =>
    Array.from({ length: 200 }, () => {
      const haplotype = new Uint8Array(SITES);
      copy(population, 0, SITES, haplotype);
      return haplotype;
    });
  const study = Array.from({ length: 80 }, () => {
    const haplotype = new Uint8Array(SITES);
    for (let site = 0; site < SITES; ) {
      const end = Math.min(SITES, site + 100 + Math.floor(random() * 500));
      copy(random() < 0.5 ? 0 : 1, site, end, haplotype);
      site = end;
    }
    return haplotype;
  });
  const [panelA, panelB] = [panel(0), panel(1)];
  const polymorphic = (haplotypes: Uint8Array[]) => range(SITES).filter((site) => { const count = haplotypes.reduce((sum, h) => sum + h[site], 0); return count > 0 && count < haplotypes.length; });
  const studyFrequency = (site: number) => study.reduce((sum, h) => sum + h[site], 0) / study.length;
  const typed = range(SITES).filter((site) => site % 8 === 0 && studyFrequency(site) > 0.05 && studyFrequency(site) < 0.95);
  writePhased(join(dir, 'panelA.vcf.gz'), panelA, polymorphic(panelA), 'R');
  writePhased(join(dir, 'panelB.vcf.gz'), panelB, polymorphic(panelB), 'R');
  writePhased(join(dir, 'study.vcf.gz'), study, typed, 'S');
  const truth = new Map<number, number[]>();
  for (let site = 0; site < SITES; site++) truth.set(position(site), range(study.length / 2).map((sample) => study[2 * sample][site] + study[2 * sample + 1][site]));
  return { dir, truth };
}

/** minimac4 with -e: PREFIX.dose.vcf.gz and PREFIX.empiricalDose.vcf.gz */
export function impute(world: World, panel: string, prefix: string): void {
  const reference = join(world.dir, `${panel}.msav`);
  execFileSync('sh', ['-c', `minimac4 --compress-reference ${join(world.dir, `${panel}.vcf.gz`)} > ${reference}`], { stdio: 'ignore' });
  execFileSync('minimac4', [reference, join(world.dir, 'study.vcf.gz'), '-f', 'GT,DS,HDS', '-O', 'vcf.gz', '-o', join(world.dir, `${prefix}.dose.vcf.gz`), '-e', join(world.dir, `${prefix}.empiricalDose.vcf.gz`)], { stdio: 'ignore' });
}

const position = (site: number) => 10_000 + site * SPACING;

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

function writePhased(path: string, haplotypes: Uint8Array[], sites: number[], prefix: string): void {
  const samples = range(haplotypes.length / 2).map((index) => `${prefix}${index}`);
  const lines = ['##fileformat=VCFv4.2', '##contig=<ID=chr20>', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">', ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...samples].join('\t')];
  for (const site of sites) {
    const cells = samples.map((_, index) => `${haplotypes[2 * index][site]}|${haplotypes[2 * index + 1][site]}`);
    lines.push(['chr20', position(site), '.', 'A', 'G', '.', 'PASS', '.', 'GT', ...cells].join('\t'));
  }
  writeVcfText(path, `${lines.join('\n')}\n`);
  execFileSync('tabix', ['-f', '-p', 'vcf', path]);
}

/** mean r² between DS and the truth over every truth variant polymorphic in the study (absent = dosage 0 → r² 0) */
export function meanR2(world: World, dosages: Map<number, number[]>): number {
  let total = 0;
  let count = 0;
  for (const [pos, truth] of world.truth) {
    const mean = truth.reduce((sum, value) => sum + value, 0) / truth.length;
    if (mean === 0 || mean === 2) continue;
    total += squaredCorrelation(dosages.get(pos) ?? truth.map(() => 0), truth);
    count++;
  }
  return total / count;
}

function squaredCorrelation(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy);
}
