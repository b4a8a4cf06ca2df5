/** `fedimpute jobs`: parents with their children as a tree. Reads the store only: no network, no zod. */
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { count, examples, positiveInteger, text, type RawOptions, type Registration } from './options.js';

export interface JobsOptions {
  /** only parents in this status */
  status?: string;
  /** at most this many parents */
  limit?: number;
}

export function jobsOptions(raw: RawOptions): JobsOptions {
  return { status: text(raw, 'status'), limit: count(raw, 'limit') };
}

export const registerJobs: Registration = (program, register) => {
  const command = program
    .command('jobs')
    .description('parents with their children as a tree')
    .option('--status <status>', 'only parents in this status (queued, running, completed, failed, canceled)')
    .addOption(program.createOption('--limit <n>', 'at most n parents').argParser(positiveInteger('--limit')));
  examples(command, [
    ['fedimpute jobs --limit 5', 'the five newest jobs and their children'],
    ['fedimpute jobs --status failed', 'jobs with a failed or canceled child'],
    ["fedimpute jobs --json | jq -r '.jobs[].id'", 'every parent id, for a script'],
  ]);
  command.action(register(jobsOptions, async () => runJobs));
};

export async function runJobs(options: JobsOptions, context: Context): Promise<number> {
  if (options.status) {
    const { CHILD_STATUSES, isChildStatus } = await import('../domain/status.js');
    if (!isChildStatus(options.status)) {
      throw new UsageError(`unknown status '${options.status}'`, { hint: `use one of ${CHILD_STATUSES.join(', ')}` });
    }
  }
  if (context.globals.json && !context.tty) {
    // the hot path of scripts and cron: SQLite keeps the JSON ready (see store/read-model.ts for why)
    const [database, { parentsJsonBytes }] = await Promise.all([context.database(), import('../store/read-model.js')]);
    context.jsonBytes(parentsJsonBytes(database, { status: options.status, limit: options.limit }), '{"jobs":', '}');
    return 0;
  }
  const [reader, { childJson, jobsTree, parentJson }, { tsvRow }] = await Promise.all([context.reader(), import('../output/jobs.js'), import('../sanitize.js')]);
  const parents = reader.listParents({ status: options.status, limit: options.limit });
  const children = reader.childrenOf(parents.map((parent) => parent.id));

  if (context.globals.json) {
    context.json({ jobs: parents.map((parent) => parentJson(parent, children.get(parent.id) ?? [])) });
    return 0;
  }
  if (parents.length === 0) {
    context.info(
      options.status
        ? `No ${options.status} jobs.`
        : 'No jobs yet. Submit one with: fedimpute submit --services 1,4 file.vcf.gz',
    );
    return 0;
  }
  if (context.tty) {
    const tree = parents.map((parent) => ({ parent, children: children.get(parent.id) ?? [] }));
    context.out(jobsTree(tree, context.style, context.now(), context.width));
    return 0;
  }
  const lines: string[] = [];
  for (const parent of parents) {
    lines.push(tsvRow(['parent', parent.id, parent.name ?? '', parent.status, String(parent.progress), parent.created_at, parent.message ?? '']));
    for (const child of children.get(parent.id) ?? []) {
      const json = childJson(child);
      lines.push(
        tsvRow(['child', child.id, parent.id, json.service_slug ?? '', String(json.panel_id ?? ''), json.remote_job_id ?? '', json.status, String(json.progress), json.results_expire_at ?? '']),
      );
    }
  }
  context.out(lines.join('\n'));
  return 0;
}
