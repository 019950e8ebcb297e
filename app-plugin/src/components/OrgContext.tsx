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
