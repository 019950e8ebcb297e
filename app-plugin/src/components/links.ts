import { BASE_URL, ROUTES } from '../constants';
import { Filters, filterQuery } from './urlState';

/** Link to an app page, carrying the shared filters over. */
export function pageUrl(
  route: ROUTES | string,
  filters?: Filters,
  extra: Record<string, string | undefined> = {}
): string {
  const path = route ? `${BASE_URL}/${route}` : BASE_URL;
  return `${path}${filters ? filterQuery(filters, extra) : ''}`;
}

export const CONFIG_URL = `/plugins/ballast-stability-app`;
