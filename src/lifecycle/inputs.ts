/**
 * The input files of a submission: they exist, are regular files, are named so the servers accept them
 * (`*.vcf.gz`), pass the local pre-flight check, and are hashed once (sha256 kept with the job).
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Build } from '../registry/types.js';
import type { InputRecord } from '../domain/inputs.js';
import type { CheckReport, PanelChoice } from '../vcf/check.js';
import { hasServerName } from '../vcf/names.js';

/** the inputs as records (sha256 '' until hashed), problems collected */
export function statInputs(paths: string[], cwd: string, problems: string[]): InputRecord[] {
  const inputs: InputRecord[] = [];
  if (paths.length === 0) problems.push('no input file given');
  for (const given of paths) {
    const path = resolve(cwd, given);
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) {
        problems.push(`${given} is not a file`);
        continue;
      }
      size = stat.size;
    } catch {
      problems.push(`${given}: no such file`);
      continue;
    }
    const name = basename(path);
    if (!hasServerName(name)) {
      const plain = /\.vcf$/.test(name) ? ` or compress it yourself: bgzip ${name} && tabix -p vcf ${name}.gz` : '';
      problems.push(`${given}: the servers only accept bgzipped VCF files named *.vcf.gz; add --prepare to have submit split, name and bgzip it for you,${plain || ' or convert it with fedimpute prepare'}`);
      continue;
    }
    inputs.push({ path, name, size, sha256: '' });
  }
  return inputs;
}

export async function preflight(
  paths: string[],
  build: Build | undefined,
  panels: PanelChoice[],
  population: string | undefined,
  maxSamples: number,
): Promise<CheckReport> {
  const { checkVcfFiles } = await import('../vcf/check.js');
  return checkVcfFiles(paths, { build, panels, population, maxSamples });
}

/** sha256 of every input on worker threads (started before the uploads, awaited after them) */
export async function hashInputs(inputs: InputRecord[]): Promise<InputRecord[]> {
  const { sha256FileOffThread } = await import('./hash.js');
  return Promise.all(inputs.map(async (input) => ({ ...input, sha256: await sha256FileOffThread(input.path) })));
}

/**
 * The build the first record's chromosome name implies (chr20 → hg38, 20 → hg19), reading only the first
 * few blocks of a VCF, bgzipped, gzipped or plain: `submit --no-check` still sends the right `build`
 * without a full pass over the file, and `submit --prepare` needs no --build for names that say it.
 */
export async function sniffBuild(path: string): Promise<Build | undefined> {
  const { createReadStream } = await import('node:fs');
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0).finally(() => handle.close());
  const source = createReadStream(path, { highWaterMark: 1 << 16 });
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
  const gunzip = gzipped ? (await import('node:zlib')).createGunzip() : undefined;
  const stream = gunzip ? source.pipe(gunzip) : source;
  let text = '';
  try {
    for await (const chunk of stream) {
      text += (chunk as Buffer).toString('latin1');
      const record = text.split('\n').find((line, index, lines) => !line.startsWith('#') && line.includes('\t') && index < lines.length - 1);
      if (record) return record.startsWith('chr') ? 'hg38' : 'hg19';
      if (text.length > 4 << 20) return undefined;
    }
  } catch {
    return undefined;
  } finally {
    source.destroy();
    gunzip?.destroy();
  }
  return undefined;
}
