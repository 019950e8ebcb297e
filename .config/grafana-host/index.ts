/** The Grafana host emulation (Node side). See README.md for every rule and the Grafana file it comes from. */
export * from './model';
export { Tree, matchRoutePath } from './tree';
export { interpolateString, TemplateError } from './template';
export { matchAppRoute, splitAppProxyUrl, appProxyDirector } from './app-proxy';
export { matchDsRoute, splitDsProxyUrl, cleanRelativePath, rewriteDsResponse } from './ds-proxy';
export { USER_HEADER } from './proxyutil';
export { httpUpstream, type Upstream } from './upstream';
export { GrafanaHost, type HostOptions, type ProxyLogEntry } from './host';
export {
  createBackendSrv,
  processRequestError,
  type Transport,
  type WireRequest,
  type WireResponse,
} from './backend-srv';
export { inProcessTransport } from './node-transport';
