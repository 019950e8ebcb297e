import React, { useState } from 'react';
import { Alert as Notice, Badge, ConfirmButton } from '@grafana/ui';
import { api, ApiError, recordInput } from '../api/client';
import { useAsync } from '../api/useAsync';
import { FiltersBar } from '../components/FiltersBar';
import { fmtDate, isOverdue } from '../components/format';
import { Loadable } from '../components/Loadable';
import { nameOf, useOrg } from '../components/OrgContext';
import { canEdit } from '../components/roles';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, listParams } from '../components/urlState';
import { Action, Finding, Org } from '../types';

export interface WorkItem {
  id: string;
  kind: 'action' | 'finding';
  title: string;
  owner: string;
  scope: string;
  dueAt?: string | null;
  overdue: boolean;
  ref?: string;
  /** The record itself, sent back whole when an owner completes or closes it. */
  record: Action | Finding;
}

/** Open improvement actions and inspection findings as one list: overdue first, then by due date. */
export function workItems(actions: Action[], findings: Finding[], org: Org, now = Date.now()): WorkItem[] {
  const ownerOf = (f: Finding) =>
    (f.service && org.services.find((s) => s.id === f.service)?.owner) ||
    (f.team && org.teams.find((t) => t.id === f.team)?.manager) ||
    'unassigned';
  const items: WorkItem[] = [
    ...actions.map((a) => ({
      id: `action:${a.id}`,
      kind: 'action' as const,
      title: a.title,
      owner: a.owner,
      scope: nameOf(org.teams, a.team),
      dueAt: a.dueAt,
      overdue: isOverdue(a.dueAt, a.completedAt, now),
      ref: a.incident,
      record: a,
    })),
    ...findings.map((f) => ({
      id: `finding:${f.id}`,
      kind: 'finding' as const,
      title: `${f.check} (${f.severity}, ${f.targetType})`,
      owner: ownerOf(f),
      scope: f.service ? nameOf(org.services, f.service) : nameOf(org.teams, f.team),
      dueAt: f.dueAt,
      overdue: isOverdue(f.dueAt, f.closedAt, now),
      record: f,
    })),
  ];
  return items.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity)
  );
}

export function byOwner(items: WorkItem[]) {
  const map = new Map<string, { id: string; owner: string; open: number; overdue: number }>();
  for (const i of items) {
    const o = map.get(i.owner) ?? { id: i.owner, owner: i.owner, open: 0, overdue: 0 };
    o.open++;
    o.overdue += i.overdue ? 1 : 0;
    map.set(i.owner, o);
  }
  return [...map.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open);
}

/** Inspections and actions: open findings and improvement actions by owner, overdue first. */
/**
 * Completing an action or closing a finding: the whole record back (`PUT /api/v1/{actions|findings}/{id}`,
 * Editors) with `completedAt` / `closedAt` now; the exporter records who did it.
 */
export async function finish(item: WorkItem, now = new Date().toISOString()): Promise<void> {
  const id = encodeURIComponent(item.record.id);
  if (item.kind === 'action') {
    await api.put(`/actions/${id}`, recordInput({ ...(item.record as Action), completedAt: now }));
  } else {
    await api.put(`/findings/${id}`, recordInput({ ...(item.record as Finding), closedAt: now }));
  }
}

export function ActionsPage({ filters }: { filters: Filters }) {
  const org = useOrg();
  const editable = canEdit();
  const [error, setError] = useState<string>();
  const done = async (item: WorkItem) => {
    setError(undefined);
    try {
      await finish(item);
      state.reload();
    } catch (e) {
      setError(`${item.title}: ${(e as ApiError).message}`);
    }
  };
  const scope = listParams(filters, false);
  const state = useAsync(async () => {
    const [actions, findings] = await Promise.all([
      api.list<Action>('/actions', { ...scope, open: true }, 5000),
      api.list<Finding>('/findings', { ...scope, open: true }, 5000),
    ]);
    return workItems(actions.items, findings.items, org);
  }, [filters.businessLine, filters.team, filters.service]);

  return (
    <div data-testid="page-actions">
      <FiltersBar filters={filters} showTime={false} />
      {error && (
        <Notice severity="error" title="The exporter refused the change" onRemove={() => setError(undefined)}>
          {error}
        </Notice>
      )}
      <Loadable
        state={state}
        what="open findings and actions"
        isEmpty={(d) => d.length === 0}
        empty="No open finding or improvement action in this scope."
      >
        {(items) => (
          <>
            <Section title="By owner" testId="by-owner">
              <Table
                rows={byOwner(items)}
                cols={[
                  { id: 'owner', header: 'Owner', cell: (o) => o.owner },
                  {
                    id: 'overdue',
                    header: 'Overdue',
                    cell: (o) => (o.overdue ? <Badge color="red" text={String(o.overdue)} /> : '0'),
                  },
                  { id: 'open', header: 'Open', cell: (o) => String(o.open) },
                ]}
              />
            </Section>
            <Section
              title={`Open items (${items.length}, ${items.filter((i) => i.overdue).length} overdue)`}
              testId="work-items"
            >
              <Table<WorkItem>
                rows={items}
                pageSize={50}
                cols={[
                  {
                    id: 'state',
                    header: '',
                    cell: (i) =>
                      i.overdue ? <Badge color="red" text="overdue" /> : <Badge color="blue" text="open" />,
                  },
                  { id: 'kind', header: 'Kind', cell: (i) => (i.kind === 'action' ? `action (${i.ref})` : 'finding') },
                  { id: 'title', header: 'What', cell: (i) => i.title },
                  { id: 'owner', header: 'Owner', cell: (i) => i.owner },
                  { id: 'scope', header: 'Service / team', cell: (i) => i.scope },
                  { id: 'dueAt', header: 'Due', cell: (i) => fmtDate(i.dueAt) },
                  ...(editable
                    ? [
                        {
                          id: 'done',
                          header: '',
                          cell: (i: WorkItem) => (
                            <ConfirmButton
                              size="sm"
                              confirmText={i.kind === 'action' ? 'Mark completed' : 'Mark closed'}
                              onConfirm={() => done(i)}
                            >
                              {i.kind === 'action' ? 'Complete' : 'Close'}
                            </ConfirmButton>
                          ),
                        },
                      ]
                    : []),
                ]}
              />
            </Section>
          </>
        )}
      </Loadable>
    </div>
  );
}
