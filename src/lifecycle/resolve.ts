/**
 * Which job a command line means: a parent by `last`, its full id or a unique prefix of at least 4
 * characters; a child of it by id prefix, service slug or service id. Errors say how to find the id.
 */
import { UsageError } from '../errors.js';
import type { JobReader } from '../store/reader.js';
import type { JobRow } from '../store/rows.js';

/** the store, or its read side: either has the jobs to look in */
type Jobs = JobReader | { jobs: JobReader };
const readerOf = (jobs: Jobs): JobReader => ('jobs' in jobs ? jobs.jobs : jobs);

export function resolveParent(store: Jobs, reference: string): JobRow {
  if (reference === 'last') {
    const [newest] = readerOf(store).listParents({ limit: 1 });
    if (!newest) throw new UsageError('there are no jobs yet', { hint: 'submit one: fedimpute submit --services 1 study.vcf.gz (fedimpute services lists the ids)' });
    return newest;
  }
  if (reference.length < 4) {
    throw new UsageError(`job id '${reference}' is too short`, { hint: 'give at least 4 characters, or `last`' });
  }
  const matches = readerOf(store).parentsByPrefix(reference, 6);
  if (matches.length === 0) {
    throw new UsageError(`no parent job matches '${reference}'`, { hint: 'list the jobs and their ids: fedimpute jobs' });
  }
  if (matches.length > 1) {
    const ids = matches.slice(0, 5).map((job) => job.id.slice(0, 8));
    throw new UsageError(`job id '${reference}' is ambiguous: it matches ${ids.join(', ')}${matches.length > 5 ? ', …' : ''}`, {
      hint: 'give more characters of the id',
    });
  }
  return matches[0];
}

/** a child of `parent` by id prefix (≥4), or a service slug / id */
export function resolveChild(store: Jobs, parent: JobRow, reference: string): JobRow {
  const matches = readerOf(store).children(parent.id).filter(
    (child) =>
      (reference.length >= 4 && child.id.startsWith(reference)) || child.service_slug === reference || String(child.service_id) === reference,
  );
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new UsageError(`job ${parent.id.slice(0, 8)} has no child '${reference}'`, {
      hint: `give a service slug or a child id prefix; see them with: fedimpute status ${parent.id.slice(0, 8)}`,
    });
  }
  throw new UsageError(`child '${reference}' is ambiguous in job ${parent.id.slice(0, 8)}`, { hint: 'give more characters of the child id' });
}
