import { config } from '@grafana/runtime';

/** Editors and Admins (and Grafana server admins) may write: verdicts, freeze windows, saved reviews. Viewers read. */
export function canEdit(): boolean {
  const user = config.bootData?.user as { orgRole?: string; isGrafanaAdmin?: boolean } | undefined;
  return user?.orgRole === 'Editor' || user?.orgRole === 'Admin' || Boolean(user?.isGrafanaAdmin);
}
