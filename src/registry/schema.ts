/**
 * zod schema of services.yaml (DESIGN §2). Strict objects: an unknown key is a typo until proven
 * otherwise, and saying so beats silently ignoring `max_paralel_jobs`.
 */
import { z } from 'zod';

const build = z.enum(['hg19', 'hg38']);
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a lowercase slug like "h3africa" (letters, digits, - and _)');
const url = z
  .string()
  .regex(/^https?:\/\/[^\s/]+/, 'an http(s) URL like https://impute.example.org')
  // credentials in a URL end up in logs, hints and `services`, and would be sent wherever a redirect leads
  .refine((value) => !/^https?:\/\/[^/?#]*@/i.test(value), {
    message:
      'a URL without user:password@ (a token goes in token: ${VARIABLE} or token_file: path, sent in Authorization: Bearer or the header named by auth_header)',
  })
  .transform((value) => value.replace(/\/+$/, ''));
const envToken = z
  .string()
  .regex(/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/, 'an environment reference like ${H3AFRICA_TOKEN} (never a literal token)');

const panelBase = {
  id: z.number().int().positive(),
  name: z.string().min(1),
  build,
  populations: z.array(z.string().min(1)).default([]),
};

const michiganPanel = z.strictObject({ ...panelBase, remote_id: z.string().min(1) });
const wesPanel = z.strictObject({ ...panelBase, params: z.record(z.string(), z.unknown()).default({}) });

const serviceBase = {
  id: z.number().int().positive(),
  slug,
  name: z.string().min(1),
  base_url: url,
  token: envToken.optional(),
  token_file: z.string().min(1).optional(),
  ca_file: z.string().min(1).optional(),
  max_parallel_jobs: z.number().int().positive().optional(),
  default_panel: z.number().int().positive().optional(),
  max_run_seconds: z.number().int().positive().optional(),
  /** ask for the leave-one-out dosages meta-imputation needs, unless `submit --no-meta` */
  meta: z.boolean().optional(),
};

export const michiganServiceSchema = z.strictObject({
  ...serviceBase,
  type: z.literal('michigan'),
  max_samples: z.number().int().positive().default(50_000),
  panels: z.array(michiganPanel).min(1, 'at least one panel'),
});

export const wesServiceSchema = z.strictObject({
  ...serviceBase,
  type: z.literal('wes'),
  api_prefix: z
    .string()
    .regex(/^(\/[^\s]*)?$/, 'a path starting with / (or "" for servers at the root)')
    .transform((value) => value.replace(/\/+$/, ''))
    .default('/ga4gh/wes/v1'),
  auth_header: z.string().min(1).optional(),
  workflow: z.strictObject({
    url: z.string().min(1),
    type: z.string().min(1),
    version: z.string().min(1),
    attachments: z.array(z.string().min(1)).default([]),
    engine_parameters: z.record(z.string(), z.unknown()).default({}),
    engine: z.string().min(1).optional(),
    engine_version: z.string().min(1).optional(),
  }),
  input: z
    .strictObject({
      mode: z.enum(['attachment', 'url', 'server_path']),
      url_prefix: z.string().min(1).optional(),
      path_prefix: z.string().min(1).optional(),
    })
    .default({ mode: 'attachment' }),
  params: z.unknown().default({}),
  outputs: z
    .strictObject({
      include: z.array(z.string().min(1)).min(1).default(['**']),
      // folders of the server's file system visible here (a shared cluster file system): file:// outputs are copied only from under them
      local_roots: z.array(z.string().min(1)).default([]),
    })
    .default({ include: ['**'], local_roots: [] }),
  panels: z.array(wesPanel).min(1, 'at least one panel'),
});

export const registrySchema = z.strictObject({
  services: z.array(z.discriminatedUnion('type', [michiganServiceSchema, wesServiceSchema])),
});

export type RawRegistry = z.infer<typeof registrySchema>;
