/** The one record of an input file, from `submit` to the store to the adapters and the manifest. */
export interface InputRecord {
  /** absolute path on this machine */
  path: string;
  /** name sent to the services (ends in .vcf.gz) */
  name: string;
  size: number;
  /** hex sha256; '' until hashed (hashing runs while the uploads do) */
  sha256: string;
}
