/**
 * Cloudgene API tokens: JWTs (HS256) whose payload carries `username` and `exp`, so a client can show the
 * expiry without a request. One token per user: issuing a new one revokes the old, as on real servers.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EmulatorClock } from '../clock.js';

const DAY = 24 * 60 * 60 * 1000;

export type TokenCheck =
  | { kind: 'valid'; username: string; expiresAt: number }
  | { kind: 'missing' | 'garbage' }
  | { kind: 'expired'; username: string; expiresAt: number }
  | { kind: 'revoked'; username: string; expiresAt: number };

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export class TokenAuthority {
  private readonly secret = randomBytes(32);
  private readonly current = new Map<string, string>();
  private readonly revoked = new Set<string>();

  constructor(private readonly clock: EmulatorClock) {}

  issue(username: string, expiresAt = this.clock.now() + 30 * DAY): string {
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({ username, api: true, iat: Math.floor(this.clock.now() / 1000), exp: Math.floor(expiresAt / 1000), jti: randomBytes(6).toString('hex') }),
    );
    const token = `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
    const previous = this.current.get(username);
    if (previous) this.revoked.add(previous);
    this.current.set(username, token);
    return token;
  }

  tokenFor(username: string): string {
    return this.current.get(username) ?? this.issue(username);
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { kind: 'missing' };
    const parts = token.split('.');
    if (parts.length !== 3) return { kind: 'garbage' };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { kind: 'garbage' };
    let payload: { username?: string; exp?: number };
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return { kind: 'garbage' };
    }
    const username = String(payload.username ?? '');
    const expiresAt = Number(payload.exp ?? 0) * 1000;
    if (this.revoked.has(token)) return { kind: 'revoked', username, expiresAt };
    if (expiresAt <= this.clock.now()) return { kind: 'expired', username, expiresAt };
    return { kind: 'valid', username, expiresAt };
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}
