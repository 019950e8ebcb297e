import { dateTimeFormat } from '@grafana/data';
import { KpiUnit } from '../types';

export function fmtTime(iso?: string | null): string {
  return iso ? dateTimeFormat(iso, { format: 'YYYY-MM-DD HH:mm' }) : '–';
}

export function fmtDate(iso?: string | null): string {
  return iso ? dateTimeFormat(iso, { format: 'YYYY-MM-DD' }) : '–';
}

/** A duration in seconds as 45s, 12m, 3h 20m, 2d 4h. */
export function fmtDuration(seconds?: number | null): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '–';
  }
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return `${s}s`;
  }
  if (s < 3600) {
    return `${Math.round(s / 60)}m`;
  }
  if (s < 86400) {
    const m = Math.round((s % 3600) / 60);
    return `${Math.floor(s / 3600)}h${m ? ` ${m}m` : ''}`;
  }
  const h = Math.round((s % 86400) / 3600);
  return `${Math.floor(s / 86400)}d${h ? ` ${h}h` : ''}`;
}

export function secondsBetween(a?: string | null, b?: string | null): number | null {
  if (!a || !b) {
    return null;
  }
  return (Date.parse(b) - Date.parse(a)) / 1000;
}

export function fmtKpi(value: number | null | undefined, unit: KpiUnit): string {
  if (value === null || value === undefined) {
    return '–';
  }
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'seconds':
      return fmtDuration(value);
    case 'per_day':
      return `${value.toFixed(2)}/day`;
    case 'score':
      return value.toFixed(1);
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
}

export function isOverdue(dueAt?: string | null, doneAt?: string | null, now = Date.now()): boolean {
  return Boolean(dueAt) && !doneAt && Date.parse(dueAt as string) < now;
}
