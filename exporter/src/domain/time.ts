/** Time helpers shared by the domain: records carry epoch milliseconds inside, ISO 8601 outside. */

export function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const toMs = (iso: string): number => Date.parse(iso);
export const toIso = (ms: number): string => new Date(ms).toISOString();

export const DAY_MS = 86_400_000;
