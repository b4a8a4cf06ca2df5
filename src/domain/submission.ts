/** The options a child is submitted with, kept with the job so that `retry` and `poll` submit it the same way. */
export interface SubmitOptions {
  build: 'hg19' | 'hg38';
  phasing: 'eagle' | 'beagle' | 'no_phasing';
  population?: string;
  r2Filter?: string;
  mode: 'imputation' | 'qc-only';
  aesEncryption?: boolean;
  meta?: boolean;
}
