/**
 * The job list's quirks (pure): GET /api/v2/jobs is unpaged on Cloudgene 3, but a server that pages it
 * anyway says so with `next` (a page that names itself as next is the last); our job of a child is the one
 * whose job-name holds the child id.
 */
import type { Job } from './schemas.js';

/** the path of the list's next page, or undefined at the end */
export function nextPage(list: { page?: number | null; next?: number | null }): string | undefined {
  if (!list.next || list.next === list.page) return undefined;
  return `/jobs?page=${list.next}`;
}

/** the remote job created for this child, by the job-name it was submitted with */
export function jobOfChild(jobs: readonly Pick<Job, 'id' | 'name'>[], childId: string): string | null {
  return jobs.find((candidate) => (candidate.name ?? '').includes(childId))?.id ?? null;
}
