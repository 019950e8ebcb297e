/**
 * The exporter's REST API as the app reaches it: through Grafana's app plugin proxy at
 * `/api/plugin-proxy/ballast-stability-app/ballast/api/v1/...`. The plugin.json route forwards to
 * the configured exporter URL (jsonData.url) and adds `Authorization: Bearer <token>` from
 * secureJsonData on Grafana's server (the read, ingest or admin token, by route): no token ever
 * reaches the browser. The client itself is
 * the contract's (@ballast/contract); this file plugs in Grafana's backendSrv.
 */
import { ApiError, BallastApi, grafanaTransport, type GateAnswer } from '@ballast/contract';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { ADMIN_PROXY_BASE, PROXY_BASE } from '../constants';
import { isAdmin } from '../components/roles';

export { ApiError } from '@ballast/contract';

const transport = grafanaTransport((options) => lastValueFrom(getBackendSrv().fetch(options)), isFetchError);

class AppApi extends BallastApi {
  /** The change-freeze gate's answer for a service: 200 allowed, 423 refused (with the freezes in force). */
  async gate(service: string): Promise<GateAnswer> {
    try {
      return await this.get<GateAnswer>('/gate', { service });
    } catch (err) {
      if (err instanceof ApiError && err.status === 423 && err.body && typeof err.body === 'object') {
        return err.body as GateAnswer;
      }
      throw err;
    }
  }
}

/** The exporter's API through the app's proxy route; the client core (paging, errors) is the contract's. */
export const api = new AppApi(`${PROXY_BASE}/api/v1`, transport);

/** The same API through the Admin-only routes (admin token): the org's goals, red-line waivers, exemptions. */
export const adminApi = new AppApi(`${ADMIN_PROXY_BASE}/api/v1`, transport);

/**
 * The client for a write both roles make with different rights (an exemption on a change): Admins
 * through the Admin route (the exporter sees an admin), Editors through the Editor route (the
 * exporter decides by `changeControl.grafanaEditorsGrantExemptions`).
 */
export const writerApi = () => (isAdmin() ? adminApi : api);

/** The record as the API takes it back in a PUT: without the fields the exporter derives. */
export function recordInput<T extends { id: string }>(record: T): Omit<T, 'id' | 'updatedAt' | 'businessLine'> {
  const {
    id: _id,
    updatedAt: _u,
    businessLine: _b,
    ...rest
  } = record as T & { updatedAt?: string; businessLine?: string };
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (v !== null && v !== undefined) {
      input[k] = v;
    }
  }
  // A record that names its service gets its team from the service; sending both could disagree.
  if (input.service) {
    delete input.team;
  }
  return input as Omit<T, 'id' | 'updatedAt' | 'businessLine'>;
}
