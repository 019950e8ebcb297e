/**
 * The exporter's REST API as the browser reaches it: through Grafana's data source proxy, at
 * `${instanceSettings.url}/ballast/api/v1/...`. The proxy route in plugin.json forwards to the
 * configured exporter URL and adds `Authorization: Bearer <token>` from secureJsonData, so the
 * token never reaches the browser and this client never sees it. The client itself (paging,
 * errors) is the contract's; this file only plugs in Grafana's backendSrv.
 */
import { BallastApi, grafanaTransport } from '@ballast/contract';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { ROUTE_PATH } from '../types';

export { ApiError } from '@ballast/contract';

const transport = grafanaTransport((options) => lastValueFrom(getBackendSrv().fetch(options)), isFetchError);

export class BallastClient extends BallastApi {
  /** `proxyUrl` is `instanceSettings.url` (Grafana's `/api/datasources/proxy/uid/<uid>`). */
  constructor(proxyUrl: string) {
    super(`${proxyUrl}/${ROUTE_PATH}`, transport);
  }
}
