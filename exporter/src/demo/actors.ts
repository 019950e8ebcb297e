/**
 * Who the demo's writes are by, so its histories read like an org's: alerts come from
 * Alertmanager and their verdicts from the team's manager in Grafana, changes from the tool that
 * made them, findings and actions are closed by their owners. Deterministic per record, so a
 * re-seed finds everything unchanged.
 */
import type { Actor } from '../domain/actor.js';
import type { Org } from '../domain/org.js';
import type { Collection } from '../domain/records.js';

type Fields = Record<string, unknown>;

const OPS_ADMIN: Actor = { token: 'ops-admin', role: 'admin', grafana: false };
const tool = (token: string): Actor => ({ token, role: 'ingest', grafana: false });
const grafanaUser = (name: string): Actor => ({
  token: 'grafana-ingest',
  role: 'ingest',
  grafana: true,
  user: name.toLowerCase().replace(/[^a-z0-9]+/g, '.'),
});

/** The actor that writes `record` of `collection` in the demo. */
export function demoActor(org: Org, collection: Collection, record: Fields): Actor {
  const teamOf = (r: Fields) =>
    (r.team as string | undefined) ?? org.services.find((s) => s.id === r.service)?.team ?? undefined;
  const manager = () => org.teams.find((t) => t.id === teamOf(record))?.manager;
  switch (collection) {
    case 'alerts': {
      const reviewer = record.verdict ? manager() : undefined;
      return reviewer ? grafanaUser(reviewer) : tool('alertmanager');
    }
    case 'changes':
      // Exemptions are granted by an admin, never by the tool that deployed.
      return record.exemption ? OPS_ADMIN : tool(String(record.system));
    case 'incidents':
      return tool('pagerduty');
    case 'findings':
      return record.closedAt ? grafanaUser(String(manager() ?? 'inspector')) : tool('inspection');
    case 'actions':
      return grafanaUser(String(record.owner));
    case 'freezes':
      return OPS_ADMIN;
    default:
      return tool('demo');
  }
}
