/**
 * Who makes a write (src/domain/actor.ts): the roles and their order, the name lists show, the
 * actor the audit log keeps, and which token names are accepted. Pure.
 */
import { describe, expect, it } from 'vitest';
import {
  actorName,
  ANONYMOUS,
  auditActor,
  GRAFANA_ROLES,
  hasRole,
  isAdmin,
  ROLES,
  SYSTEM,
  TOKEN_NAME,
  type Actor,
  type Role,
} from '../src/domain/actor.js';

const actor = (role: Role, extra: Partial<Actor> = {}): Actor => ({ token: 'ci', role, grafana: false, ...extra });

describe('roles', () => {
  it('are read < ingest < admin, each role having those below it', () => {
    expect(ROLES).toEqual(['read', 'ingest', 'admin']);
    expect(GRAFANA_ROLES).toEqual(['Viewer', 'Editor', 'Admin']);
    const table = ROLES.map((has) => ROLES.map((needed) => hasRole(actor(has), needed)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it('only admin is admin', () => {
    expect([isAdmin(actor('read')), isAdmin(actor('ingest')), isAdmin(actor('admin'))]).toEqual([false, false, true]);
  });

  it('names the anonymous and the system actor, both admin and not Grafana', () => {
    expect(ANONYMOUS).toEqual({ token: 'anonymous', role: 'admin', grafana: false });
    expect(SYSTEM).toEqual({ token: 'ballast', role: 'admin', grafana: false });
  });
});

describe('the actor recorded', () => {
  it('is the Grafana user when known, else the token name', () => {
    expect(actorName(actor('read'))).toBe('ci');
    expect(actorName(actor('read', { user: 'ada', grafana: true }))).toBe('ada');
    expect(auditActor(actor('ingest'))).toEqual({ token: 'ci', name: 'ci' });
    expect(Object.keys(auditActor(actor('ingest')))).toEqual(['token', 'name']);
    expect(auditActor(actor('admin', { user: 'ada', grafana: true, grafanaRole: 'Admin' }))).toEqual({
      token: 'ci',
      user: 'ada',
      name: 'ada',
    });
    // An empty login is still a login: it is kept, and named.
    expect(auditActor(actor('admin', { user: '' }))).toEqual({ token: 'ci', user: '', name: '' });
  });
});

describe('token names', () => {
  it('are 1 to 64 letters, digits and . _ @ -, starting with a letter or digit', () => {
    for (const ok of ['a', 'Z', '0', 'grafana', 'ci.bot_1@team-a', 'a'.repeat(64), 'A9._@-z'])
      expect(TOKEN_NAME.test(ok), ok).toBe(true);
    for (const bad of ['', 'a'.repeat(65), '-a', '.a', '_a', '@a', ' a', 'a ', 'a b', 'a/b', 'a:b', 'é', 'a\n'])
      expect(TOKEN_NAME.test(bad), JSON.stringify(bad)).toBe(false);
  });
});
