/** Streams the variants of a PLINK .bim file: chromosome, id, cM, position, A1, A2 (tab or space separated). */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';

export interface BimVariant {
  index: number;
  chromosome: string;
  id: string;
  pos: number;
  a1: string;
  a2: string;
}

export async function* createBimReader(path: string): AsyncGenerator<BimVariant> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let index = 0;
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === '') continue;
      const fields = line.split(/\s+/);
      const pos = Number(fields[3]);
      if (fields.length < 6 || !Number.isInteger(pos)) {
        throw new InputError(`${path} line ${index + 1} is not a .bim line`, { hint: 'a .bim line is chromosome, id, cM, position, A1, A2' });
      }
      yield { index: index++, chromosome: fields[0], id: fields[1], pos, a1: fields[4], a2: fields[5] };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(`${path}: no such file`, { hint: 'a PLINK fileset needs .bed, .bim and .fam with the same base name', cause: error });
    }
    throw error;
  } finally {
    lines.close();
    stream.destroy();
  }
}
