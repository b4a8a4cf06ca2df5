/**
 * Renders a WES service's `params` template for one child (DESIGN §2). Pure: no zod, no I/O.
 * A string that is exactly one placeholder takes the value with its type (a list stays a list);
 * placeholders inside longer strings are replaced as text (non-strings as JSON).
 */
import { ConfigError } from '../../errors.js';
import type { WesInputMode } from '../../registry/types.js';

export interface ParamsContext {
  /** {{input}}: what the workflow sees for the first input file */
  input: string;
  /** {{inputs}}: the same for every input file */
  inputs: string[];
  build: string;
  population?: string;
  /** {{job_id}}: the child id */
  jobId: string;
  /** {{meta}}: write leave-one-out (empirical) dosages for meta-imputation */
  meta?: boolean;
  /** the chosen panel's params */
  panel: Record<string, unknown>;
  /** for messages: "service ilifu, panel 39" */
  where?: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}$/;

/** What `{{input}}` becomes for one file name, by input mode. */
export function inputReference(
  input: { mode: WesInputMode; url_prefix?: string; path_prefix?: string },
  fileName: string,
): string {
  switch (input.mode) {
    case 'attachment':
      return fileName;
    case 'url':
      return (input.url_prefix ?? '') + fileName;
    case 'server_path':
      return (input.path_prefix ?? '') + fileName;
  }
}

export function renderParams(template: unknown, context: ParamsContext): unknown {
  if (typeof template === 'string') return renderString(template, context);
  if (Array.isArray(template)) return template.map((item) => renderParams(item, context));
  if (template !== null && typeof template === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) result[key] = renderParams(value, context);
    return result;
  }
  return template;
}

function renderString(text: string, context: ParamsContext): unknown {
  const whole = WHOLE.exec(text);
  if (whole) return lookup(whole[1], context);
  return text.replace(PLACEHOLDER, (_match, name: string) => asText(lookup(name, context)));
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function lookup(name: string, context: ParamsContext): unknown {
  switch (name) {
    case 'input':
      return context.input;
    case 'inputs':
      return [...context.inputs];
    case 'build':
      return context.build;
    case 'population':
      return context.population ?? null;
    case 'job_id':
      return context.jobId;
    case 'meta':
      return context.meta ?? false;
  }
  if (name.startsWith('panel.')) {
    const key = name.slice('panel.'.length);
    if (Object.hasOwn(context.panel, key)) return context.panel[key];
    throw new ConfigError(`params template: {{${name}}} has no value${suffix(context)}: the panel has no params.${key}`, {
      hint: `add params.${key} to the panel in the registry, or remove {{${name}}} from the service's params`,
    });
  }
  throw new ConfigError(`params template: unknown placeholder {{${name}}}${suffix(context)}`, {
    hint: 'known placeholders: {{input}}, {{inputs}}, {{build}}, {{population}}, {{job_id}}, {{meta}}, {{panel.<key>}}',
  });
}

function suffix(context: ParamsContext): string {
  return context.where ? ` (${context.where})` : '';
}
