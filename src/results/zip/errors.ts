/**
 * What can be wrong with a zip, as the reader sees it. extract.ts turns each into the user's sentence for the
 * archive it came from; none of them is a bug in fedimpute.
 */
export type ZipProblem =
  /** bytes that are not what the format says: a cut-off archive, a bad header, a CD that disagrees */
  | 'format'
  /** an entry whose CRC-32 or AES authentication code does not match its data */
  | 'corrupt'
  /** the password stored for the job does not open it, or none is stored */
  | 'password'
  | 'no-password'
  /** a method or encryption fedimpute does not read */
  | 'unsupported'
  /** past a size, ratio or entry-count limit */
  | 'bounds'
  /** two entries that land on one output file */
  | 'duplicate'
  /** a name that would climb out of the results folder or is otherwise unusable */
  | 'unsafe-name';

export class ZipError extends Error {
  constructor(
    readonly problem: ZipProblem,
    message: string,
    /** the entry it concerns, when there is one */
    readonly entry?: string,
  ) {
    super(message);
  }
}

export class ZipFormatError extends ZipError {
  constructor(message: string, entry?: string) {
    super('format', message, entry);
  }
}

/**
 * The next entry cannot be delimited while streaming (stored, with a data descriptor and no sizes in its local
 * header): the rest is extracted from the finished file through the central directory.
 */
export class NeedsCentralDirectory extends Error {
  constructor(readonly offset: number) {
    super(`an entry at offset ${offset} can only be located through the central directory`);
  }
}
