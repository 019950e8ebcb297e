/** The app's id, its base URL in Grafana and the proxy route (plugin.json `routes`) the API goes through. */
export const PLUGIN_ID = 'ballast-stability-app';
export const BASE_URL = `/a/${PLUGIN_ID}`;
/**
 * Grafana's app plugin proxy. plugin.json's routes match `ballast/api/v1/*` (Grafana's route tree:
 * `*` forwards the rest to jsonData.url + /api/v1) per method and role, each adding the token of
 * the exporter role it needs (docs/plugins.md, "How the plugins reach the exporter").
 */
export const PROXY_BASE = `/api/plugin-proxy/${PLUGIN_ID}/ballast`;
/**
 * The routes only org Admins pass (`reqRole: Admin`, the admin token, `X-Ballast-Grafana-Role: Admin`):
 * a prefix of their own, because Grafana checks the reqRole of the FIRST route that matches and an
 * Editor route on the same path would either shadow them or refuse Editors.
 */
export const ADMIN_PROXY_BASE = `/api/plugin-proxy/${PLUGIN_ID}/ballast-admin`;

export enum ROUTES {
  Overview = '',
  Incidents = 'incidents',
  Changes = 'changes',
  Alerts = 'alerts',
  Actions = 'actions',
  Drills = 'drills',
  Committee = 'committee',
  Reports = 'reports',
  RedLines = 'red-lines',
}

export const PAGES: Array<{ route: ROUTES; title: string; icon: string }> = [
  { route: ROUTES.Overview, title: 'Overview', icon: 'home-alt' },
  { route: ROUTES.Incidents, title: 'Incidents', icon: 'fire' },
  { route: ROUTES.Changes, title: 'Change control', icon: 'code-branch' },
  { route: ROUTES.Alerts, title: 'Alert governance', icon: 'bell' },
  { route: ROUTES.Actions, title: 'Inspections and actions', icon: 'check-square' },
  { route: ROUTES.Drills, title: 'Drills', icon: 'bolt' },
  { route: ROUTES.Committee, title: 'Committee review', icon: 'users-alt' },
  { route: ROUTES.RedLines, title: 'Red lines', icon: 'exclamation-triangle' },
  { route: ROUTES.Reports, title: 'Reports', icon: 'envelope' },
];

export { INCIDENT_STEPS, type IncidentStep } from '@ballast/contract';
