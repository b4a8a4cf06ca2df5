/**
 * Who holds a child's submission lease: "host:pid". A process on this host that no longer exists has
 * abandoned its lease at once (SIGKILL mid-upload); one on another host only when the lease expires.
 */
import { hostname } from 'node:os';

export const LEASE_MS = 60_000;

export function currentOwner(): string {
  return `${hostname()}:${process.pid}`;
}

export function ownerAlive(owner: string): boolean {
  const separator = owner.lastIndexOf(':');
  const host = owner.slice(0, separator);
  const pid = Number(owner.slice(separator + 1));
  if (host !== hostname() || !Number.isInteger(pid)) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
