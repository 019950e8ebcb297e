/**
 * Bearer tokens with roles. Tokens are compared in constant time (as SHA-256 digests, so their
 * lengths do not leak either) and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const ROLES = ['read', 'ingest', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { read: 1, ingest: 2, admin: 3 };

export interface TokenEntry {
  role: Role;
  digest: Buffer;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Parses `BALLAST_TOKENS` (`role:token,role:token`). Throws with a message that never shows a token. */
export function parseTokens(spec: string | undefined): TokenEntry[] {
  if (!spec || !spec.trim()) return [];
  return spec.split(',').map((pair, i) => {
    const at = pair.indexOf(':');
    const role = pair.slice(0, at).trim() as Role;
    const token = pair.slice(at + 1).trim();
    if (at < 0 || !ROLES.includes(role)) {
      throw new Error(`BALLAST_TOKENS entry ${i + 1} must be role:token with a role of ${ROLES.join(', ')}`);
    }
    if (token.length < 16)
      throw new Error(`BALLAST_TOKENS entry ${i + 1} (${role}): the token must be at least 16 characters`);
    return { role, digest: digest(token) };
  });
}

/** The role a presented token grants, or null. Checks every entry so timing does not tell which matched. */
export function roleOf(tokens: TokenEntry[], presented: string): Role | null {
  const given = digest(presented);
  let best: Role | null = null;
  for (const entry of tokens) {
    if (timingSafeEqual(entry.digest, given) && (!best || RANK[entry.role] > RANK[best])) best = entry.role;
  }
  return best;
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string
  ) {
    super(message);
  }
}

/**
 * The refusal for a request without a known bearer token (null when it has one), setting
 * WWW-Authenticate as RFC 6750 asks. Tokens configured: no token, no request.
 */
export function authenticated(tokens: TokenEntry[], req: Request, res: Response): AuthError | null {
  const granted = tokenRole(tokens, req, res);
  return granted instanceof AuthError ? granted : null;
}

function tokenRole(tokens: TokenEntry[], req: Request, res: Response): Role | AuthError {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="ballast"');
    return new AuthError(401, 'missing bearer token (Authorization: Bearer <token>)');
  }
  const granted = roleOf(tokens, match[1]!);
  if (!granted) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="ballast", error="invalid_token"');
    return new AuthError(401, 'unknown token');
  }
  return granted;
}

/** Middleware factory: requires at least `role`; with no tokens configured everything is allowed. */
export function requireRole(tokens: TokenEntry[], role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (tokens.length === 0) return next();
    const granted = tokenRole(tokens, req, res);
    if (granted instanceof AuthError) return next(granted);
    if (RANK[granted] < RANK[role])
      return next(new AuthError(403, `this needs the ${role} role; the token has ${granted}`));
    next();
  };
}
