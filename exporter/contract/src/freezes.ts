/** The freeze-window scope rule, shared by the exporter (freeze_violations, the gate) and the timeline panel. */

/** A freeze window's scope: each field it sets must match; unset (undefined or null) matches anything. */
export interface ScopeFields {
  businessLine?: string | null;
  team?: string | null;
  service?: string | null;
}

/** Whether a window's scope covers a record owned by this service / team / business line. */
export function scopeApplies(scope: ScopeFields, target: ScopeFields): boolean {
  const matches = (want: string | null | undefined, have: string | null | undefined) =>
    want === undefined || want === null || want === have;
  return (
    matches(scope.service, target.service) &&
    matches(scope.team, target.team) &&
    matches(scope.businessLine, target.businessLine)
  );
}
