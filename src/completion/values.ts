/**
 * `fedimpute __complete services|parents`: the values a completion script asks for at TAB time, one per
 * line as `value<TAB>description`. It must answer in the time of a keystroke, so it takes the fast path
 * and reads as little as it can: the registry's slugs and ids with a line scan rather than yaml and zod
 * (a registry it cannot read completes nothing, it never prints an error), parent ids through the store's
 * read side. Nothing here writes.
 */
import { readFileSync } from 'node:fs';
import type { Context } from '../context.js';
import { registryCandidates } from '../registry/load.js';

export async function completeValues(kind: string, context: Context): Promise<number> {
  const values = kind === 'services' ? serviceValues(context) : kind === 'parents' ? await parentValues(context) : [];
  if (values.length > 0) context.stdout.write(`${values.join('\n')}\n`);
  return 0;
}

/** `slug<TAB>id name` for each service of the registry the commands would read */
function serviceValues(context: Context): string[] {
  for (const candidate of registryCandidates({ flag: context.globals.config, env: context.env, cwd: context.cwd })) {
    let text: string;
    try {
      text = readFileSync(candidate.file, 'utf8');
    } catch {
      continue;
    }
    const values: string[] = [];
    // services are list items with `id:` and `slug:` keys at one indentation (panels sit deeper)
    for (const block of text.split(/^\s{0,4}-\s+(?=id:|slug:|name:|type:)/m).slice(1)) {
      const slug = /(?:^|\n)\s*slug:\s*["']?([\w.-]+)/.exec(block)?.[1];
      const id = /(?:^|\n|^)\s*id:\s*(\d+)/.exec(block)?.[1];
      const name = /(?:^|\n)\s*name:\s*["']?([^"'\n#]+)/.exec(block)?.[1]?.trim();
      if (slug) values.push(`${slug}\t${[id, name].filter(Boolean).join(' ')}`);
    }
    return values;
  }
  return [];
}

/** `short id<TAB>name (status)` for the newest parents */
async function parentValues(context: Context): Promise<string[]> {
  const { existsSync } = await import('node:fs');
  // no store yet: nothing to complete, and nothing to create
  if (!existsSync(context.dbPath)) return [];
  try {
    const reader = await context.reader();
    return reader.listParents({ limit: 50 }).map((parent) => `${parent.id.slice(0, 8)}\t${parent.name ?? ''} (${parent.status})`);
  } catch {
    return [];
  }
}
