import React from 'react';
import { Filters } from '../components/urlState';

export function IncidentDetailPage(_props: { filters: Filters; query?: Record<string, string>; id?: string; savedId?: string }) {
  return <div data-testid="page-todo">IncidentDetailPage</div>;
}
