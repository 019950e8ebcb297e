import { config } from '@grafana/runtime';

/** Editors and Admins (and Grafana server admins) may write: verdicts, freeze windows, saved reviews. Viewers read. */
export function canEdit(): boolean {
  const user = config.bootData?.user as { orgRole?: string; isGrafanaAdmin?: boolean } | undefined;
  return user?.orgRole === 'Editor' || user?.orgRole === 'Admin' || Boolean(user?.isGrafanaAdmin);
}

/**
 * Org Admins (and Grafana server admins, whom Grafana's proxy lets through every reqRole:
 * pkg/services/user SignedInUser.HasRole): the goals, red-line waivers, exemptions as an admin.
 */
export function isAdmin(): boolean {
  const user = config.bootData?.user as { orgRole?: string; isGrafanaAdmin?: boolean } | undefined;
  return user?.orgRole === 'Admin' || Boolean(user?.isGrafanaAdmin);
}
