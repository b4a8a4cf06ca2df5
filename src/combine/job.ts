/**
 * One combine job: the aligned variants of K imputed files become one BGZF VCF. Streams: the memory is the
 * records at one position, the output buffer, and (meta) the typed-site window — never the variant count.
 * The output is written as `.<name>.part` beside its final name and renamed once complete.
 */
import { chmod, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EXIT, ExitStatus } from '../errors.js';
import type { InflatePool } from '../vcf/inflate-pool.js';
import { Aligner, type Group, type Variant } from './align.js';
import { summarizeQuantized } from './estimate.js';
import { canonicalChromosome } from './header.js';
import { chromosomeNamer, combinedHeader } from './header-out.js';
import { DEFAULT_PARAMETERS } from './hmm.js';
import { JobStats } from './job-stats.js';
import { bestR2, metaDosages } from './mix.js';
import { sampleMapping, SourceCursor, type Region } from './source.js';
import { tabixSeek } from './tabix.js';
import type { CombineJob, JobReport } from './types.js';
import { MetaWeights } from './weights.js';
import { RecordWriter } from './writer.js';

/** typed sites this far outside --region still feed the model, so weights at the region's edges are not cold */
export const REGION_MARGIN = 2_000_000;

export async function runJob(job: CombineJob, pool: InflatePool, signal?: AbortSignal): Promise<JobReport> {
  const open = async (path: string, region: Region | null) => SourceCursor.open(path, pool, region, (region && (await tabixSeek(path, region))) ?? undefined);
  const dose = await Promise.all(job.sources.map((source) => open(source.dose, job.region)));
  const empirical: SourceCursor[] = [];
  const part = join(dirname(job.output), `.${basename(job.output)}.part`);
  try {
    const samples = dose[0].header.samples;
    dose.forEach((cursor) => cursor.configure(sampleMapping(samples, cursor.header, job.sources[0].label), 'HDS'));
    if (job.method === 'meta') {
      for (const source of job.sources) empirical.push(await open(source.empirical!, widen(job.region)));
      empirical.forEach((cursor) => cursor.configure(sampleMapping(samples, cursor.header, job.sources[0].label), 'LDS'));
    }
    const run = new JobRun(job, dose, empirical, samples);
    await run.write(part, pool, signal);
    // results are private (DESIGN §6)
    await chmod(part, 0o600);
    await rename(part, job.output);
    return run.report();
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  } finally {
    await Promise.all([...dose, ...empirical].map((cursor) => cursor.close()));
  }
}

function widen(region: Region | null): Region | null {
  return region && { ...region, start: Math.max(1, region.start - REGION_MARGIN), end: region.end + REGION_MARGIN };
}

class JobRun {
  private readonly aligner: Aligner;
  private readonly weights: MetaWeights | null;
  private readonly stats: JobStats;
  private readonly mixed: Float32Array;
  private readonly weightsHere: Float32Array;
  private readonly haplotypes: number;
  private name: (canonical: string) => string = (canonical) => canonical;
  private chromosome = '';
  private unweighted = false;

  constructor(
    private readonly job: CombineJob,
    private readonly dose: SourceCursor[],
    empirical: SourceCursor[],
    private readonly samples: string[],
  ) {
    const panels = job.sources.length;
    this.haplotypes = 2 * samples.length;
    this.aligner = new Aligner(dose, this.haplotypes);
    this.weights = job.method === 'meta' ? new MetaWeights(new Aligner(empirical, this.haplotypes, true), panels, this.haplotypes, job.parameters ?? DEFAULT_PARAMETERS, job.window) : null;
    this.stats = new JobStats(job);
    this.mixed = new Float32Array(this.haplotypes);
    this.weightsHere = new Float32Array(this.haplotypes * panels);
  }

  async write(path: string, pool: InflatePool, signal?: AbortSignal): Promise<void> {
    let writer: RecordWriter | null = null;
    try {
      for (let group = await this.aligner.next(); group; group = await this.aligner.next()) {
        if (signal?.aborted) throw new ExitStatus(EXIT.interrupted, 'interrupted');
        writer ??= await this.open(path, pool, group);
        if (group.chromosome !== this.chromosome) this.startChromosome(group);
        for (const variant of group.variants) await this.writeVariant(writer, group, variant);
        await writer.drain();
      }
      this.finishChromosome();
      writer ??= await this.open(path, pool, null);
      await writer.close();
    } catch (error) {
      await writer?.abort();
      throw error;
    }
  }

  report(): JobReport {
    const counts = this.aligner.counts;
    return this.stats.report(this.samples.length, this.dose, counts.flipped, counts.duplicates, this.weights?.stats ?? null);
  }

  private async open(path: string, pool: InflatePool, group: Group | null): Promise<RecordWriter> {
    const contig = this.dose[0].header.contigs.keys().next();
    const written = !contig.done ? contig.value : (group?.variants[0]?.chrom ?? canonicalChromosome(group?.chromosome ?? ''));
    this.name = chromosomeNamer(/^chr/i.test(written));
    const header = combinedHeader(this.job, this.dose.map((cursor) => cursor.header), this.name, this.samples);
    return RecordWriter.create(path, header, this.samples.length, pool);
  }

  private startChromosome(group: Group): void {
    this.finishChromosome();
    this.chromosome = group.chromosome;
    this.unweighted = false;
    this.stats.chromosomes.push(group.chromosome);
    if (group.sources.length < this.job.sources.length) {
      const present = group.sources.map((source) => this.job.sources[source].label).join(', ');
      this.stats.warnings.push(`chromosome ${group.chromosome} is only in ${present}; combined from ${group.sources.length === 1 ? 'that one' : 'those'}`);
    }
    if (this.weights && group.sources.length > 1) this.weights.start(group.chromosome, group.sources);
  }

  private finishChromosome(): void {
    if (this.unweighted) this.stats.warnings.push(`chromosome ${this.chromosome}: no typed site common to the panels' empirical files; panels weighted equally`);
  }

  private async writeVariant(writer: RecordWriter, group: Group, variant: Variant): Promise<void> {
    const job = this.job;
    let hds: Float32Array;
    let chosen = -1;
    if (this.weights && group.sources.length > 1) {
      const here = this.weightsHere.subarray(0, this.haplotypes * group.sources.length);
      if (!(await this.weights.at(variant.pos, here))) {
        here.fill(1 / group.sources.length);
        this.unweighted = true;
      }
      metaDosages(variant.records, here, group.sources, job.absent, this.mixed);
      hds = this.mixed;
      this.stats.byMethod.meta++;
    } else {
      chosen = job.method === 'best-r2' ? bestR2(variant.records) : variant.records.findIndex(Boolean);
      hds = variant.records[chosen]!.hds;
      this.stats.byMethod[group.sources.length > 1 ? 'best-r2' : 'single']++;
    }
    const typed = variant.records.some((record) => record?.site.typed);
    const sources = this.stats.count(variant, typed, job.method === 'best-r2' ? chosen : -1);
    const quantized = writer.quantize(hds);
    const { af, r2 } = summarizeQuantized(quantized);
    const picked = job.method === 'best-r2' ? `;CHOSEN=${job.sources[chosen].label}` : '';
    const info = `AF=${af.toFixed(5)};MAF=${Math.min(af, 1 - af).toFixed(5)};R2=${r2.toFixed(5)};SOURCES=${sources}${picked};${typed ? 'TYPED' : 'IMPUTED'}`;
    const chrom = this.name(this.chromosome);
    writer.write({ chrom, pos: variant.pos, id: `${chrom}:${variant.pos}:${variant.ref}:${variant.alt}`, ref: variant.ref, alt: variant.alt, info }, quantized);
  }
}
