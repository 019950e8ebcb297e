import React, { createContext, useContext } from 'react';
import { Org } from '../types';

const EMPTY: Org = { businessLines: [], teams: [], services: [], changeSystems: [] };
export const OrgContext = createContext<Org>(EMPTY);
export const useOrg = () => useContext(OrgContext);

export function OrgProvider({ org, children }: { org: Org; children: React.ReactNode }) {
  return <OrgContext.Provider value={org}>{children}</OrgContext.Provider>;
}

export function nameOf(list: Array<{ id: string; name: string }>, id?: string | null): string {
  return (id && list.find((x) => x.id === id)?.name) || id || '–';
}

/**
 * Services and teams a NEW record may name, as Select options (`service:<id>` / `team:<id>`): a
 * retired or merged one is kept for history but refused for new records by the exporter.
 */
export function ownerOptions(org: Org): Array<{ label: string; value: string }> {
  const inForce = (x: { retired?: true; mergedInto?: string }) => !x.retired && !x.mergedInto;
  return [
    ...org.services.filter(inForce).map((s) => ({ label: `Service: ${s.name}`, value: `service:${s.id}` })),
    ...org.teams.filter(inForce).map((t) => ({ label: `Team: ${t.name}`, value: `team:${t.id}` })),
  ];
}
