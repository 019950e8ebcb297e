import React, { useState } from 'react';
import { locationService } from '@grafana/runtime';
import { Badge, Button, InlineField, InlineSwitch, TextLink } from '@grafana/ui';
import { api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { ROUTES } from '../constants';
import { FiltersBar } from '../components/FiltersBar';
import { fmtDuration, fmtTime, secondsBetween } from '../components/format';
import { pageUrl } from '../components/links';
import { Loadable } from '../components/Loadable';
import { nameOf, useOrg } from '../components/OrgContext';
import { canEdit } from '../components/roles';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, filtersKey, listParams, setQuery } from '../components/urlState';
import { Incident } from '../types';
import { IncidentSource } from './IncidentDetail';
import { DeclareIncident } from './DeclareIncident';

/** Incidents in the filters' scope and time range; open / high-priority / drills toggles kept in the URL. */
export function IncidentsPage({ filters, query = {} }: { filters: Filters; query?: Record<string, string> }) {
  const org = useOrg();
  const open = query.open === 'true';
  const high = query.highPriority === 'true';
  const drills = query.drills === 'true';
  const state = useAsync(
    () =>
      api.list<Incident>(
        '/incidents',
        {
          ...listParams(filters, !open),
          open: open || undefined,
          highPriority: high || undefined,
          drill: drills ? undefined : false,
        },
        2000
      ),
    [filtersKey(filters), open, high, drills]
  );
  const toggle = (key: string, on: boolean) => setQuery({ [key]: on ? 'true' : undefined }, false);
  const [declaring, setDeclaring] = useState(false);

  return (
    <div data-testid="page-incidents">
      <FiltersBar filters={filters}>
        <InlineField label="Open only">
          <InlineSwitch aria-label="Open only" value={open} onChange={(e) => toggle('open', e.currentTarget.checked)} />
        </InlineField>
        <InlineField label="High priority">
          <InlineSwitch
            aria-label="High priority"
            value={high}
            onChange={(e) => toggle('highPriority', e.currentTarget.checked)}
          />
        </InlineField>
        <InlineField label="Drills">
          <InlineSwitch
            aria-label="Include drills"
            value={drills}
            onChange={(e) => toggle('drills', e.currentTarget.checked)}
          />
        </InlineField>
      </FiltersBar>
      <Section
        title="Incidents"
        actions={
          canEdit() ? (
            <Button size="sm" icon="fire" onClick={() => setDeclaring(true)}>
              Declare incident
            </Button>
          ) : undefined
        }
      >
        {declaring && (
          <DeclareIncident
            onClose={() => setDeclaring(false)}
            onSaved={(id) => locationService.push(pageUrl(`${ROUTES.Incidents}/${encodeURIComponent(id)}`, filters))}
          />
        )}
        <Loadable state={state} what="incidents" isEmpty={(d) => d.items.length === 0}>
          {(d) => (
            <>
              <Table<Incident>
                testId="incidents-table"
                rows={d.items}
                cols={[
                  {
                    id: 'priority',
                    header: 'Priority',
                    sortable: true,
                    cell: (i) => (
                      <Badge color={high || /^P[01]$/.test(i.priority) ? 'red' : 'blue'} text={i.priority} />
                    ),
                  },
                  {
                    id: 'title',
                    header: 'Incident',
                    cell: (i) => (
                      <TextLink href={pageUrl(`${ROUTES.Incidents}/${encodeURIComponent(i.id)}`, filters)}>
                        {i.title}
                      </TextLink>
                    ),
                  },
                  {
                    id: 'service',
                    header: 'Service / team',
                    cell: (i) => (i.service ? nameOf(org.services, i.service) : nameOf(org.teams, i.team)),
                  },
                  { id: 'startedAt', header: 'Started', sortable: true, cell: (i) => fmtTime(i.startedAt) },
                  {
                    id: 'recovery',
                    header: 'Time to recover',
                    cell: (i) =>
                      i.recoveredAt ? (
                        fmtDuration(secondsBetween(i.startedAt, i.recoveredAt))
                      ) : (
                        <Badge color="orange" text="open" />
                      ),
                  },
                  { id: 'cause', header: 'Cause', cell: (i) => i.cause.replace(/_/g, ' ') },
                  { id: 'source', header: 'Source', cell: (i) => <IncidentSource incident={i} /> },
                  { id: 'steps', header: 'Steps', cell: (i) => String(i.steps?.length ?? 0) },
                ]}
              />
              {d.total > d.items.length && (
                <p>
                  Showing {d.items.length} of {d.total}; narrow the filters to see the rest.
                </p>
              )}
            </>
          )}
        </Loadable>
      </Section>
    </div>
  );
}
