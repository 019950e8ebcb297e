/**
 * Who makes a write. Every write records its actor (the audit log and each record's history), so
 * nobody can raise a KPI by saying so, or rewrite the past, without their name on it. Pure.
 */
import type { AuditActor } from '@ballast/contract';

export const ROLES = ['read', 'ingest', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { read: 1, ingest: 2, admin: 3 };

/** Grafana's organization roles, as the app's plugin.json routes require them (`reqRole`). */
export const GRAFANA_ROLES = ['Viewer', 'Editor', 'Admin'] as const;
export type GrafanaRole = (typeof GRAFANA_ROLES)[number];

export interface Actor {
  /** The token's name (`BALLAST_TOKENS` entry `role:name:token`). */
  token: string;
  role: Role;
  /** The Grafana login, only through a Grafana token (`X-Grafana-User`, sent by Grafana's proxy). */
  user?: string;
  /** Whether the token is one Grafana's proxy sends (named in BALLAST_GRAFANA_TOKENS). */
  grafana: boolean;
  /** The role the app's proxy route required (`X-Ballast-Grafana-Role`), only through a Grafana token. */
  grafanaRole?: GrafanaRole;
}

/** The actor of every request when no tokens are configured (a local trial): allowed everything, named so. */
export const ANONYMOUS: Actor = { token: 'anonymous', role: 'admin', grafana: false };

/** The actor of the exporter's own writes (demo seed, scheduled work), never a request. */
export const SYSTEM: Actor = { token: 'ballast', role: 'admin', grafana: false };

export const hasRole = (actor: Actor, role: Role) => RANK[actor.role] >= RANK[role];

export const isAdmin = (actor: Actor) => actor.role === 'admin';

/** The one name lists and reports show: the Grafana user when known, else the token name. */
export const actorName = (actor: Actor) => actor.user ?? actor.token;

export function auditActor(actor: Actor): AuditActor {
  return { token: actor.token, ...(actor.user !== undefined ? { user: actor.user } : {}), name: actorName(actor) };
}

/** Token names: they appear in the audit log and in metrics-free logs, so a plain identifier. */
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
