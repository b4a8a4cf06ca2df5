/**
 * `fedimpute prepare <input> --build hg38 [--out dir] [--format vcf|plink|bgen]`: one BGZF VCF per
 * chromosome, named for the build, from a multi-chromosome VCF or a PLINK 1 fileset.
 */
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { examples, text, type RawOptions, type Registration } from './options.js';

export interface PrepareCommandOptions {
  /** a VCF (.vcf, .vcf.gz) or PLINK 1 .bed (with .bim/.fam) */
  input: string;
  build?: string;
  out?: string;
  format?: string;
  refAllele?: string;
}

export function prepareOptions(raw: RawOptions, [input]: string[]): PrepareCommandOptions {
  return { input, build: text(raw, 'build'), out: text(raw, 'out'), format: text(raw, 'format'), refAllele: text(raw, 'refAllele') };
}

export const registerPrepare: Registration = (program, register) => {
  const command = program
    .command('prepare')
    .description('split into one BGZF VCF per chromosome named for the build (VCF or PLINK .bed input)')
    .argument('<input>', 'a VCF (.vcf, .vcf.gz) or PLINK 1 .bed (with .bim/.fam)')
    .option('--build <build>', 'target build: hg19 (no chr prefix) or hg38 (chr prefix)')
    .option('--out <dir>', 'output folder (default: current folder)')
    .option('--format <format>', 'input format when the extension does not say: vcf, plink, bgen')
    .option('--ref-allele <allele>', 'PLINK input: which allele becomes REF, a2 (default) or a1');
  examples(command, [
    ['fedimpute prepare study.vcf --build hg38 --out prepared/', 'one bgzipped VCF per chromosome, chr-named for hg38'],
    ['fedimpute prepare array.bed --build hg19', 'a PLINK 1 fileset (array.bed, .bim, .fam) into per-chromosome VCFs'],
  ]);
  command.action(register(prepareOptions, async () => runPrepare));
};

export async function runPrepare(options: PrepareCommandOptions, context: Context): Promise<number> {
  const input = options.input;
  if (options.build !== 'hg19' && options.build !== 'hg38') throw new UsageError(`--build must be hg19 or hg38${options.build ? `, got '${options.build}'` : ''}`);
  if (options.format !== undefined && !['vcf', 'plink', 'bgen'].includes(options.format)) {
    throw new UsageError(`--format must be vcf, plink or bgen, got '${options.format}'`);
  }
  if (options.refAllele !== undefined && options.refAllele !== 'a1' && options.refAllele !== 'a2') {
    throw new UsageError(`--ref-allele must be a1 or a2, got '${options.refAllele}'`);
  }
  const [{ prepareVcf }, { stat }, { resolve }, { formatBytes }] = await Promise.all([
    import('../vcf/prepare.js'),
    import('node:fs/promises'),
    import('node:path'),
    import('../output/format.js'),
  ]);
  const outDir = resolve(context.cwd, options.out ?? '.');
  const result = await prepareVcf(resolve(context.cwd, input), {
    build: options.build,
    outDir,
    format: options.format as 'vcf' | 'plink' | 'bgen' | undefined,
    refAllele: options.refAllele as 'a1' | 'a2' | undefined,
  });
  for (const warning of result.warnings) context.warn(warning);
  const files = await Promise.all(result.outputs.map(async (output) => ({ ...output, bytes: (await stat(output.path)).size })));
  if (context.globals.json) context.json({ build: options.build, out_dir: outDir, files, warnings: result.warnings });
  else {
    for (const file of files) context.out([file.path, file.chromosome, String(file.records), context.tty ? formatBytes(file.bytes) : String(file.bytes)].join('\t'));
    context.info(`${files.length} file${files.length === 1 ? '' : 's'} ready for ${options.build}; submit them with: fedimpute submit --services … ${files.map((file) => file.path).join(' ')}`);
  }
  return EXIT.ok;
}
