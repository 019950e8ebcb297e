/**
 * The Grafana-side objects the emulation works on: plugin.json routes, a signed-in user with an
 * org role, app plugin settings and data source settings, and plain request/response values.
 */

/** `RoleType` (pkg/services/org/model.go, now pkg/apimachinery/identity): None < Viewer < Editor < Admin. */
export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

const PRECEDENCE: Record<OrgRole, number> = { None: 10, Viewer: 20, Editor: 30, Admin: 40 };

/** `RoleType.IsValid`: a route's reqRole is only enforced when it names one of the four roles. */
export function isValidRole(role: string | undefined): role is OrgRole {
  return role !== undefined && Object.prototype.hasOwnProperty.call(PRECEDENCE, role);
}

/** `RoleType.Includes`: Admin includes Editor includes Viewer includes None. */
export function roleIncludes(role: OrgRole, other: OrgRole): boolean {
  return PRECEDENCE[role] >= PRECEDENCE[other];
}

export interface SignedInUser {
  login: string;
  orgRole: OrgRole;
  orgId?: number;
  isAnonymous?: boolean;
  /** A Grafana server admin: `SignedInUser.HasRole` (pkg/services/user/identity.go) grants every role. */
  isGrafanaAdmin?: boolean;
}

/** `SignedInUser.HasRole` (pkg/services/user/identity.go): a server admin has every role, others their org role's. */
export function userHasRole(user: SignedInUser, role: OrgRole): boolean {
  return Boolean(user.isGrafanaAdmin) || roleIncludes(user.orgRole, role);
}

/** One entry of plugin.json `routes` (pkg/plugins/plugins.go `Route`), the fields Ballast uses. */
export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: string;
  reqAction?: string;
  url?: string;
  headers?: Array<{ name: string; content: string }>;
  urlParams?: Array<{ name: string; content: string }>;
  body?: unknown;
}

export interface PluginJson {
  id: string;
  type: 'app' | 'datasource' | 'panel';
  routes?: PluginRoute[];
}

/** An app's settings row (pluginsettings.DTO): enabled, jsonData, decrypted secureJsonData. */
export interface AppSettings {
  enabled: boolean;
  pinned?: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

/** A data source instance (datasources.DataSource), the fields the proxy reads. */
export interface DataSourceSettings {
  uid: string;
  type: string;
  /** The data source's own URL field (Ballast keeps its URL in jsonData.url; this is usually ''). */
  url: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export type Headers = Record<string, string>;

export interface HostRequest {
  method: string;
  /** Path and query as the browser sends them, e.g. /api/plugin-proxy/x/api/v1/org?x=1 */
  url: string;
  headers?: Headers;
  body?: Buffer | string;
  /** The signed-in user (Grafana knows it from the session cookie). */
  user: SignedInUser;
  /** The client address, for X-Forwarded-For. */
  remoteAddr?: string;
}

export interface HostResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** What the proxy sends upstream: a raw path (never normalised, as Go's client sends it). */
export interface OutgoingRequest {
  method: string;
  scheme: string;
  host: string;
  /** Path plus `?query`, sent as is. */
  path: string;
  headers: Headers;
  body?: Buffer;
}

/** c.JsonApiErr / writeJSONErr: `{"message": ...}` as application/json. */
export function jsonApiErr(status: number, message: string): HostResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: Buffer.from(`${JSON.stringify({ message })}\n`),
  };
}

/** util.JoinURLFragments (pkg/util/url.go). */
export function joinURLFragments(a: string, b: string): string {
  const aslash = a.endsWith('/');
  const bslash = b.startsWith('/');
  if (b.length === 0) {
    return a;
  }
  if (aslash && bslash) {
    return a + b.slice(1);
  }
  if (!aslash && !bslash) {
    return `${a}/${b}`;
  }
  return a + b;
}

/** Case-insensitive header helpers on a plain object (Go's http.Header canonicalises names). */
export function getHeader(h: Headers, name: string): string | undefined {
  const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : h[key];
}
export function delHeader(h: Headers, name: string): void {
  for (const k of Object.keys(h)) {
    if (k.toLowerCase() === name.toLowerCase()) {
      delete h[k];
    }
  }
}
export function setHeader(h: Headers, name: string, value: string): void {
  delHeader(h, name);
  h[name] = value;
}

/**
 * Go's URL.EscapedPath for a Path set by a proxy director (net/url `escape(path, encodePath)`):
 * letters, digits, `-_.~` and `$&+,/:;=@` stay, every other byte is %XX-escaped (so a `%` left in
 * the path becomes `%25`). Dot segments are NOT resolved: Go's client sends `a/../b` as is.
 */
export function goEscapePath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c)) {
      out += c;
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}
