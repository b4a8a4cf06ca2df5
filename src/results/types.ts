/** The shapes `download` reports (--json keys come from here, not from display labels). */
export type FileStatus = 'downloaded' | 'skipped' | 'failed' | 'listed';

export interface FileResult {
  child_id: string;
  service_slug: string;
  /** relative to the service folder (statistics/snps-excluded.txt, chr20.dose.vcf.gz) */
  name: string;
  /** absolute path on disk (null for listed and failed files) */
  path: string | null;
  size: number | null;
  sha256: string | null;
  status: FileStatus;
  note: string | null;
}

export interface DownloadError {
  child_id: string;
  service_slug: string;
  name: string | null;
  message: string;
  /** the service rejected our credentials (exit 4) */
  auth?: boolean;
  /** the service is no longer in the registry (exit 2) */
  registry?: boolean;
}

export interface ChildNote {
  child_id: string;
  service_slug: string;
  status: string;
  note: string;
}

export interface DownloadReport {
  parent_job_id: string;
  out_dir: string;
  files: FileResult[];
  errors: DownloadError[];
  children: ChildNote[];
}
