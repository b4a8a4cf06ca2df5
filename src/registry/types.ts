/**
 * The service registry as the rest of the code sees it (after zod validation in schema.ts).
 * Kept free of zod/yaml imports so that type-only users stay cheap to load.
 */
export type Build = 'hg19' | 'hg38';

/** Where a service's token comes from. Resolved only when a command needs it (see tokens.ts). */
export type TokenSource =
  | { kind: 'none' }
  | { kind: 'env'; variable: string }
  | { kind: 'file'; path: string };

export interface PanelBase {
  id: number;
  name: string;
  build: Build;
  /** allowed population ids; empty = the service does not ask for one */
  populations: string[];
}

export interface MichiganPanel extends PanelBase {
  /** the key of the app form's refpanel list, e.g. apps@h3africa-v6hc-s@1.0.0 */
  remote_id: string;
}

export interface WesPanel extends PanelBase {
  /** values for {{panel.<key>}} in the service's params template */
  params: Record<string, unknown>;
}

interface ServiceBase {
  id: number;
  slug: string;
  name: string;
  /** without trailing slash */
  base_url: string;
  token: TokenSource;
  /** PEM file of extra CA certificates trusted for this service only */
  ca_file?: string;
  /** the server's per-user limit of jobs waiting or running at once */
  max_parallel_jobs?: number;
  default_panel?: number;
  /** a child longer than this in one non-terminal state is flagged (seconds) */
  max_run_seconds?: number;
  /** submit asks for meta-imputation output (empirical dosages) unless --no-meta */
  meta?: boolean;
  /** file:line the entry came from, for messages */
  source: { file: string; index: number };
}

export interface MichiganService extends ServiceBase {
  type: 'michigan';
  panels: MichiganPanel[];
  /** upper sample limit of this server (50,000 on the public ones) */
  max_samples: number;
}

export type WesInputMode = 'attachment' | 'url' | 'server_path';

export interface WesService extends ServiceBase {
  type: 'wes';
  /** '' for servers that serve at the root; default /ga4gh/wes/v1 */
  api_prefix: string;
  /** header carrying the token; default Authorization with "Bearer " */
  auth_header?: string;
  workflow: {
    url: string;
    type: string;
    version: string;
    /** absolute paths (resolved against the YAML file's folder) */
    attachments: string[];
    engine_parameters: Record<string, unknown>;
    engine?: string;
    engine_version?: string;
  };
  input: {
    mode: WesInputMode;
    /** url mode: {{input}} = url_prefix + file name */
    url_prefix?: string;
    /** server_path mode: {{input}} = path_prefix + file name */
    path_prefix?: string;
  };
  params: unknown;
  /** include: globs of the outputs that are results; local_roots: absolute folders file:// outputs may be copied from */
  outputs: { include: string[]; local_roots: string[] };
  panels: WesPanel[];
}

export type Service = MichiganService | WesService;

export interface Registry {
  /** the file it was read from */
  file: string;
  services: Service[];
}
