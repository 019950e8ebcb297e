/**
 * Bearer tokens (src/api/auth.ts): only SHA-256 digests are kept, every entry is compared with
 * crypto.timingSafeEqual (never `===`), the highest role wins, and errors never show a token.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import type { NextFunction, Request, Response } from 'express';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const crypto = vi.hoisted(() => ({ compared: [] as [Buffer, Buffer][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      crypto.compared.push([
        Buffer.from(a.buffer, a.byteOffset, a.byteLength),
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      ]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { actorOf, AuthError, parseTokens, requireRole, roleOf } = await import('../src/api/auth.js');

const READ = 'read-token-0123456789';
const INGEST = 'ingest-token-0123456789';
const ADMIN = 'admin-token-0123456789';
// Spaces around roles and tokens are trimmed.
const SPEC = `read:${READ} , ingest: ${INGEST},admin:${ADMIN}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

beforeEach(() => {
  crypto.compared.length = 0;
});

describe('parseTokens', () => {
  it('keeps only the role and the SHA-256 digest of each token, never the token', () => {
    const entries = parseTokens(SPEC);
    expect(entries.map((e) => ({ role: e.role, name: e.name, digest: e.digest.toString('hex') }))).toEqual([
      { role: 'read', name: 'read-1', digest: sha256(READ) },
      { role: 'ingest', name: 'ingest-1', digest: sha256(INGEST) },
      { role: 'admin', name: 'admin-1', digest: sha256(ADMIN) },
    ]);
    for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(['digest', 'grafana', 'name', 'role']);
    const dump = inspect(entries, { depth: 10, showHidden: true }) + JSON.stringify(entries);
    for (const token of [READ, INGEST, ADMIN]) {
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(Buffer.from(token).toString('hex'));
    }
  });

  it('returns no tokens for an unset or blank spec', () => {
    expect(parseTokens(undefined)).toEqual([]);
    expect(parseTokens('')).toEqual([]);
    expect(parseTokens('  ')).toEqual([]);
  });

  it.each([
    [
      'reader:abcdefghijklmnopq',
      /entry 1 must be role:name:token \(or role:token\) with a role of read, ingest, admin/,
    ],
    ['abcdefghijklmnopqrstu', /entry 1 must be role:name:token/],
    ['reads', /entry 1 must be role:name:token/], // no colon, though "read" + one character looks like a role
    [`read:${READ},ingest`, /entry 2 must be role:name:token/],
    [`read:${READ},admin:short-secret`, /entry 2 \(admin\): the token must be at least 16 characters/],
  ])('rejects %j with a message that does not show the token', (spec, message) => {
    expect(() => parseTokens(spec)).toThrow(message);
    try {
      parseTokens(spec);
    } catch (error) {
      expect((error as Error).message).not.toMatch(/abcdefghijklmnop|short-secret/);
    }
  });

  it('accepts a token of exactly 16 characters', () => {
    expect(parseTokens('read:0123456789abcdef')).toHaveLength(1);
  });
});

// parseTokens runs inside each test, never at collection time (Stryker attributes coverage per test).
describe('roleOf', () => {
  const entries = () => parseTokens(SPEC);

  it('grants the role of the matching token, and null for any other string', () => {
    expect(roleOf(entries(), READ)).toBe('read');
    expect(roleOf(entries(), INGEST)).toBe('ingest');
    expect(roleOf(entries(), ADMIN)).toBe('admin');
    for (const wrong of ['', READ.slice(0, -1), `${READ}x`, READ.toUpperCase(), ` ${READ}`])
      expect(roleOf(entries(), wrong)).toBeNull();
  });

  it('compares digests with timingSafeEqual against every entry, even after a match', () => {
    const parsed = entries();
    crypto.compared.length = 0;
    expect(roleOf(parsed, READ)).toBe('read');
    expect(crypto.compared).toHaveLength(3);
    for (const [i, [stored, given]] of crypto.compared.entries()) {
      expect(stored.toString('hex')).toBe(sha256([READ, INGEST, ADMIN][i]!));
      expect(given.toString('hex')).toBe(sha256(READ)); // the digest, not the token: equal lengths, nothing to leak
    }
  });

  it('refuses one token listed twice: a token has one name and one role, or the audit log could not tell who', () => {
    const shared = 'shared-token-0123456789';
    expect(() => parseTokens(`admin:${shared},read:${shared}`)).toThrow(
      /entry 2 \(read-1\): the same token is given twice/
    );
    expect(() => parseTokens(`read:a:${shared},ingest:b:${shared}`)).toThrow(/entry 2 \(b\)/);
    expect(roleOf(parseTokens(`read:${shared}`), shared)).toBe('read');
  });
});

describe('requireRole', () => {
  const entries = () => parseTokens(SPEC);
  function call(tokens: ReturnType<typeof entries>, role: 'read' | 'ingest' | 'admin', authorization?: string) {
    const headers: Record<string, string> = {};
    const req = { headers: authorization === undefined ? {} : { authorization } } as Request;
    const res = {
      locals: {},
      setHeader: (name: string, value: string) => (headers[name] = value),
    } as unknown as Response;
    const next = vi.fn() as unknown as NextFunction & ReturnType<typeof vi.fn>;
    requireRole(tokens, role)(req, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    const error = (next as ReturnType<typeof vi.fn>).mock.calls[0]![0] as InstanceType<typeof AuthError> | undefined;
    return { error, headers };
  }

  it('lets everything through when no tokens are configured', () => {
    expect(call([], 'admin').error).toBeUndefined();
  });

  it('asks for a bearer token when none is sent (401 with WWW-Authenticate)', () => {
    for (const header of [undefined, '', `Basic ${READ}`, `Bearer`, `Bearer ${READ} extra`, `Token Bearer ${READ}`]) {
      const { error, headers } = call(entries(), 'read', header);
      expect(error).toBeInstanceOf(AuthError);
      expect(error!.status).toBe(401);
      expect(error!.message).toBe('missing bearer token (Authorization: Bearer <token>)');
      expect(headers['WWW-Authenticate']).toBe('Bearer realm="ballast"');
    }
  });

  it('refuses an unknown token (401, invalid_token) without echoing it', () => {
    const { error, headers } = call(entries(), 'read', 'Bearer not-a-known-token-at-all');
    expect(error!.status).toBe(401);
    expect(error!.message).toBe('unknown token');
    expect(headers['WWW-Authenticate']).toBe('Bearer realm="ballast", error="invalid_token"');
  });

  it('refuses a lower role with 403 naming both roles, and admits an equal or higher one', () => {
    const low = call(entries(), 'ingest', `Bearer ${READ}`);
    expect(low.error!.status).toBe(403);
    expect(low.error!.message).toBe('this needs the ingest role; the token has read');
    expect(low.headers).toEqual({});
    expect(call(entries(), 'admin', `Bearer ${INGEST}`).error!.status).toBe(403);
    expect(call(entries(), 'ingest', `Bearer ${INGEST}`).error).toBeUndefined();
    expect(call(entries(), 'read', `bearer   ${ADMIN}`).error).toBeUndefined(); // scheme is case-insensitive
    expect(call(entries(), 'admin', `Bearer ${ADMIN}`).error).toBeUndefined();
  });
});

describe('token names and the request actor', () => {
  const GRAFANA = 'grafana-token-0123456789';
  const named = () => parseTokens(`read:viewer:${READ},admin:grafana-app:${GRAFANA},ingest:${INGEST}`, 'grafana-app');
  function actorFor(tokens: ReturnType<typeof named>, headers: Record<string, string | string[]>) {
    const res = { locals: {}, setHeader: () => undefined } as unknown as Response;
    const next = vi.fn();
    requireRole(tokens, 'read')({ headers } as unknown as Request, res, next as unknown as NextFunction);
    expect(next).toHaveBeenCalledWith();
    return actorOf(res);
  }

  it('reads role:name:token, names the old role:token form by role and rank, and marks the Grafana tokens', () => {
    const entries = parseTokens(
      `read:${READ},admin:ops:${ADMIN},read:${INGEST},ingest:grafana-app:${GRAFANA}`,
      ' grafana-app ,'
    );
    expect(entries.map(({ role, name, grafana }) => ({ role, name, grafana }))).toEqual([
      { role: 'read', name: 'read-1', grafana: false },
      { role: 'admin', name: 'ops', grafana: false },
      { role: 'read', name: 'read-2', grafana: false },
      { role: 'ingest', name: 'grafana-app', grafana: true },
    ]);
    expect(entries[1]!.digest.toString('hex')).toBe(sha256(ADMIN));
  });

  it('keeps colons in a token: role:name:to:ken when the middle is a name, role:token when it is not', () => {
    const withColons = 'abc:defghijklmnopqrstu';
    const [entry] = parseTokens(`admin:ops:${withColons}`);
    expect(entry).toMatchObject({ name: 'ops', digest: createHash('sha256').update(withColons).digest() });
    // "x y" is no name (a space): the whole rest is the old form's token.
    const [old] = parseTokens(`admin:x y:${withColons}`);
    expect(old).toMatchObject({ name: 'admin-1', digest: createHash('sha256').update(`x y:${withColons}`).digest() });
  });

  it.each([
    [`read:a:${READ},admin:a:${ADMIN}`, undefined, /entry 2: the name "a" is used twice/],
    [`read:a:${READ}`, 'b', /BALLAST_GRAFANA_TOKENS names "b", which no BALLAST_TOKENS entry is named/],
    ['', 'a', /BALLAST_GRAFANA_TOKENS names tokens, but BALLAST_TOKENS is empty/],
  ])('refuses %j with grafana %j', (spec, grafana, message) => {
    expect(() => parseTokens(spec, grafana)).toThrow(message);
  });

  it('names the actor by its token; the Grafana user and route role only through a Grafana token', () => {
    expect(actorFor(named(), { authorization: `Bearer ${READ}`, 'x-grafana-user': 'mallory' })).toEqual({
      token: 'viewer',
      role: 'read',
      grafana: false,
    });
    expect(
      actorFor(named(), {
        authorization: `Bearer ${GRAFANA}`,
        'x-grafana-user': ' alice ',
        'x-ballast-grafana-role': 'Editor',
      })
    ).toEqual({ token: 'grafana-app', role: 'admin', grafana: true, user: 'alice', grafanaRole: 'Editor' });
    // An unknown role, a control character, an empty login: not taken.
    expect(
      actorFor(named(), {
        authorization: `Bearer ${GRAFANA}`,
        'x-grafana-user': 'bob\u0007',
        'x-ballast-grafana-role': 'Owner',
      })
    ).toEqual({ token: 'grafana-app', role: 'admin', grafana: true });
    expect(actorFor(named(), { authorization: `Bearer ${GRAFANA}`, 'x-grafana-user': '' })).not.toHaveProperty('user');
    expect(
      actorFor(named(), { authorization: `Bearer ${GRAFANA}`, 'x-grafana-user': ['carol', 'dave'] })
    ).toMatchObject({ user: 'carol' });
    expect(
      actorFor(named(), { authorization: `Bearer ${GRAFANA}`, 'x-grafana-user': 'x'.repeat(201) })
    ).not.toHaveProperty('user');
  });

  it('is anonymous (admin) when no tokens are configured, and the token name for the old form', () => {
    expect(actorFor([], {})).toEqual({ token: 'anonymous', role: 'admin', grafana: false });
    expect(actorFor(named(), { authorization: `Bearer ${INGEST}` })).toEqual({
      token: 'ingest-1',
      role: 'ingest',
      grafana: false,
    });
  });
});
