/**
 * Bearer tokens with roles and names. Tokens are compared in constant time (as SHA-256 digests, so
 * their lengths do not leak either) and never logged. Each request's actor (domain/actor.ts) is the
 * token's name and, through a token Grafana's proxy sends, the Grafana user it names.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import {
  ANONYMOUS,
  GRAFANA_ROLES,
  hasRole,
  ROLES,
  TOKEN_NAME,
  type Actor,
  type GrafanaRole,
  type Role,
} from '../domain/actor.js';

export { ROLES, type Role } from '../domain/actor.js';

export interface TokenEntry {
  role: Role;
  name: string;
  /** Sent by Grafana's proxy (named in BALLAST_GRAFANA_TOKENS): its requests may name the Grafana user. */
  grafana: boolean;
  digest: Buffer;
}

/** Grafana's proxy sets it from the signed-in user's login (proxyutil.ApplyUserHeader), dropping any the browser sent. */
export const GRAFANA_USER_HEADER = 'x-grafana-user';
/** A static header of the app's plugin.json routes: the reqRole the route demanded of the Grafana user. */
export const GRAFANA_ROLE_HEADER = 'x-ballast-grafana-role';

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * Parses `BALLAST_TOKENS` (`role:name:token,…`; the older `role:token` is named `<role>-<n>`, n
 * counting that role's entries) and `BALLAST_GRAFANA_TOKENS` (names of the tokens Grafana sends).
 * Throws with a message that never shows a token.
 */
export function parseTokens(spec: string | undefined, grafanaSpec?: string): TokenEntry[] {
  if (!spec || !spec.trim()) {
    if (grafanaSpec?.trim()) throw new Error('BALLAST_GRAFANA_TOKENS names tokens, but BALLAST_TOKENS is empty');
    return [];
  }
  const perRole = new Map<Role, number>();
  const entries = spec.split(',').map((pair, i) => {
    const parts = pair.split(':');
    const role = parts[0]!.trim() as Role;
    if (parts.length < 2 || !ROLES.includes(role)) {
      throw new Error(
        `BALLAST_TOKENS entry ${i + 1} must be role:name:token (or role:token) with a role of ${ROLES.join(', ')}`
      );
    }
    const count = (perRole.get(role) ?? 0) + 1;
    perRole.set(role, count);
    // role:name:token when the middle part is a name; a token may itself hold colons.
    const named = parts.length >= 3 && TOKEN_NAME.test(parts[1]!.trim());
    const name = named ? parts[1]!.trim() : `${role}-${count}`;
    const token = (named ? parts.slice(2) : parts.slice(1)).join(':').trim();
    if (token.length < 16)
      throw new Error(`BALLAST_TOKENS entry ${i + 1} (${role}): the token must be at least 16 characters`);
    return { role, name, grafana: false, digest: digest(token) };
  });
  const names = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (names.has(e.name)) throw new Error(`BALLAST_TOKENS entry ${i + 1}: the name "${e.name}" is used twice`);
    if (entries.slice(0, i).some((other) => other.digest.equals(e.digest)))
      throw new Error(`BALLAST_TOKENS entry ${i + 1} (${e.name}): the same token is given twice`);
    names.add(e.name);
  }
  for (const raw of (grafanaSpec ?? '').split(',')) {
    const name = raw.trim();
    if (!name) continue;
    const entry = entries.find((e) => e.name === name);
    if (!entry) throw new Error(`BALLAST_GRAFANA_TOKENS names "${name}", which no BALLAST_TOKENS entry is named`);
    entry.grafana = true;
  }
  return entries;
}

/** The entry a presented token matches, or null. Checks every entry so timing does not tell which matched. */
export function tokenOf(tokens: TokenEntry[], presented: string): TokenEntry | null {
  const given = digest(presented);
  let found: TokenEntry | null = null;
  for (const entry of tokens) {
    if (timingSafeEqual(entry.digest, given) && !found) found = entry;
  }
  return found;
}

/** The role a presented token grants, or null. */
export function roleOf(tokens: TokenEntry[], presented: string): Role | null {
  return tokenOf(tokens, presented)?.role ?? null;
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
  const found = requestActor(tokens, req, res);
  return found instanceof AuthError ? found : null;
}

/** Who a request acts as: its token's entry, and through a Grafana token the Grafana user and route role. */
export function requestActor(tokens: TokenEntry[], req: Request, res: Response): Actor | AuthError {
  if (tokens.length === 0) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="ballast"');
    return new AuthError(401, 'missing bearer token (Authorization: Bearer <token>)');
  }
  const entry = tokenOf(tokens, match[1]!);
  if (!entry) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="ballast", error="invalid_token"');
    return new AuthError(401, 'unknown token');
  }
  const actor: Actor = { token: entry.name, role: entry.role, grafana: entry.grafana };
  if (entry.grafana) {
    const user = single(req.headers[GRAFANA_USER_HEADER]);
    // A login is what Grafana shows; keep it printable and bounded, it lands in the audit log.
    if (user && /^[^\p{Cc}]{1,200}$/u.test(user)) actor.user = user;
    const role = single(req.headers[GRAFANA_ROLE_HEADER]);
    if (role && (GRAFANA_ROLES as readonly string[]).includes(role)) actor.grafanaRole = role as GrafanaRole;
  }
  return actor;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim();

/** The actor the auth middleware found for this request (ANONYMOUS without tokens). */
export function actorOf(res: Response): Actor {
  return (res.locals.actor as Actor | undefined) ?? ANONYMOUS;
}

/** Middleware factory: requires at least `role`; with no tokens configured everything is allowed. */
export function requireRole(tokens: TokenEntry[], role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    const actor = requestActor(tokens, req, res);
    if (actor instanceof AuthError) return next(actor);
    if (!hasRole(actor, role))
      return next(new AuthError(403, `this needs the ${role} role; the token has ${actor.role}`));
    res.locals.actor = actor;
    next();
  };
}
