/**
 * `fedimpute prepare <input> --build hg38 [--out dir] [--format vcf|plink|bgen]`: one BGZF VCF per
 * chromosome, named for the build, from a multi-chromosome VCF or a PLINK 1 fileset.
 */
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { formatBytes } from '../output/format.js';

export interface PrepareCommandOptions {
  build?: string;
  out?: string;
  format?: string;
  refAllele?: string;
}

export async function runPrepare(options: PrepareCommandOptions, context: Context, [input]: string[]): Promise<number> {
  if (options.build !== 'hg19' && options.build !== 'hg38') throw new UsageError(`--build must be hg19 or hg38${options.build ? `, got '${options.build}'` : ''}`);
  if (options.format !== undefined && !['vcf', 'plink', 'bgen'].includes(options.format)) {
    throw new UsageError(`--format must be vcf, plink or bgen, got '${options.format}'`);
  }
  if (options.refAllele !== undefined && options.refAllele !== 'a1' && options.refAllele !== 'a2') {
    throw new UsageError(`--ref-allele must be a1 or a2, got '${options.refAllele}'`);
  }
  const { prepareVcf } = await import('../vcf/prepare.js');
  const { stat } = await import('node:fs/promises');
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
