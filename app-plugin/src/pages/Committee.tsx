import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import {
  Badge,
  Button,
  Field,
  InlineField,
  Input,
  LinkButton,
  Modal,
  RadioButtonGroup,
  Stack,
  TextArea,
  TextLink,
  useStyles2,
} from '@grafana/ui';
import { api, ApiError } from '../api/client';
import { useAsync } from '../api/useAsync';
import { ROUTES } from '../constants';
import { FiltersBar } from '../components/FiltersBar';
import { fmtDate, fmtDuration, fmtKpi, fmtTime, secondsBetween } from '../components/format';
import { pageUrl } from '../components/links';
import { Loadable } from '../components/Loadable';
import { ModalSaveRow } from '../components/ModalSaveRow';
import { nameOf, useOrg } from '../components/OrgContext';
import { canEdit } from '../components/roles';
import { ScorecardTable } from '../components/ScorecardTable';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, setQuery } from '../components/urlState';
import { Action, Incident, Review, ReviewPeriod, SavedReviewSummary } from '../types';

export interface Movement {
  id: string;
  scope: string;
  kpi: string;
  text: string;
  better: boolean;
}

/** What moved since the previous period, per scope and KPI (better or worse given the KPI's direction). */
export function movements(review: Review): Movement[] {
  const out: Movement[] = [];
  for (const s of review.scopes) {
    for (const k of review.kpis) {
      const c = s.cells[k.key];
      if (!c || c.value === null || c.previous === null || c.value === c.previous) {
        continue;
      }
      const better = c.value < c.previous === (k.direction === 'lower');
      out.push({
        id: `${s.id}:${k.key}`,
        scope: s.name,
        kpi: k.title,
        text: `${fmtKpi(c.previous, k.unit)} → ${fmtKpi(c.value, k.unit)}`,
        better,
      });
    }
  }
  return out;
}

/**
 * Prints the review (the browser's "Save as PDF" gives the PDF). Grafana's kiosk mode (`?kiosk`)
 * hides its navigation and header first; the page's own print styles hide the app's tabs, filters
 * and buttons and print dark-on-white whatever the theme.
 */
export function printReview() {
  if (locationService.getSearchObject().kiosk === undefined) {
    locationService.partial({ kiosk: true }, true);
    setTimeout(() => window.print(), 400);
    return;
  }
  window.print();
}

/** Committee review: a week or month of each business line against its goals, printable, saved as snapshots. */
export function CommitteePage({
  filters,
  query = {},
  savedId,
}: {
  filters: Filters;
  query?: Record<string, string>;
  savedId?: string;
}) {
  const styles = useStyles2(getStyles);
  const period: ReviewPeriod = query.period === 'month' ? 'month' : 'week';
  const at = query.at && /^\d{4}-\d{2}-\d{2}$/.test(query.at) ? query.at : '';
  const atIso = at ? new Date(`${at}T12:00:00`).toISOString() : undefined;
  const review = useAsync(
    () =>
      savedId
        ? api.get<Review>(`/reviews/${encodeURIComponent(savedId)}`)
        : api.get<Review>('/reviews/draft', { period, at: atIso }),
    [savedId, period, at]
  );
  const saved = useAsync(() => api.get<{ items: SavedReviewSummary[] }>('/reviews'), []);
  const [saving, setSaving] = useState(false);

  return (
    <div data-testid="page-committee">
      <FiltersBar filters={filters} showTime={false}>
        {!savedId && (
          <>
            <InlineField label="Period">
              <RadioButtonGroup
                options={[
                  { label: 'Week', value: 'week' },
                  { label: 'Month', value: 'month' },
                ]}
                value={period}
                onChange={(v) => setQuery({ period: v === 'week' ? undefined : v }, false)}
              />
            </InlineField>
            <InlineField label="Containing" tooltip="Any day of the week or month to review; empty: the current one">
              <Input
                aria-label="Review date"
                type="date"
                value={at}
                onChange={(e) => setQuery({ at: e.currentTarget.value || undefined }, false)}
                width={20}
              />
            </InlineField>
          </>
        )}
      </FiltersBar>
      <div className={styles.noPrint}>
        <Stack gap={1} wrap="wrap">
          <Button icon="file-alt" variant="secondary" onClick={printReview}>
            Print / PDF
          </Button>
          {savedId ? (
            <LinkButton icon="arrow-left" variant="secondary" href={pageUrl(ROUTES.Committee, filters)}>
              Live draft
            </LinkButton>
          ) : canEdit() ? (
            <Button icon="save" onClick={() => setSaving(true)} disabled={!review.data}>
              Save as snapshot
            </Button>
          ) : (
            <Badge color="darkgrey" icon="lock" text="read-only (Editor role needed to save reviews)" />
          )}
        </Stack>
      </div>
      <Loadable state={review} what={savedId ? `saved review ${savedId}` : 'the review'}>
        {(r) => <ReviewView review={r} filters={filters} />}
      </Loadable>
      <div className={styles.noPrint}>
        <Section title="Saved reviews" testId="saved-reviews">
          <Loadable
            state={saved}
            what="saved reviews"
            isEmpty={(d) => d.items.length === 0}
            empty="No review has been saved yet."
          >
            {(d) => (
              <Table<SavedReviewSummary>
                rows={d.items}
                cols={[
                  {
                    id: 'title',
                    header: 'Review',
                    cell: (s) => (
                      <TextLink href={pageUrl(`${ROUTES.Committee}/${encodeURIComponent(s.id)}`, filters)}>
                        {s.title}
                      </TextLink>
                    ),
                  },
                  { id: 'period', header: 'Period', cell: (s) => `${s.period} ${fmtDate(s.from)} – ${fmtDate(s.to)}` },
                  { id: 'savedAt', header: 'Saved', cell: (s) => fmtTime(s.savedAt) },
                ]}
              />
            )}
          </Loadable>
        </Section>
      </div>
      {saving && review.data && (
        <SaveReview
          period={period}
          at={atIso}
          defaultTitle={`${period === 'week' ? 'Weekly' : 'Monthly'} review ${fmtDate(review.data.from)}`}
          onClose={() => setSaving(false)}
          onSaved={(r) => {
            setSaving(false);
            saved.reload();
            locationService.push(pageUrl(`${ROUTES.Committee}/${encodeURIComponent(r.id ?? '')}`, filters));
          }}
        />
      )}
    </div>
  );
}

function ReviewView({ review, filters }: { review: Review; filters: Filters }) {
  const styles = useStyles2(getStyles);
  const org = useOrg();
  const scopes = review.scopes.filter(
    (s) => s.level === 'org' || !filters.businessLine || s.id === filters.businessLine
  );
  const moved = movements({ ...review, scopes });
  const incidents = review.topIncidents.filter((i) => !filters.businessLine || i.businessLine === filters.businessLine);
  const actions = review.overdueActions.filter((a) => !filters.businessLine || a.businessLine === filters.businessLine);
  return (
    <div data-testid="review" className={styles.review}>
      <h2 className={styles.title}>
        {review.title ?? `Stability review: ${review.period === 'week' ? 'week' : 'month'} of ${fmtDate(review.from)}`}
      </h2>
      <p className={styles.meta}>
        {fmtTime(review.from)} – {fmtTime(review.to)} · compared with {fmtDate(review.previousFrom)} –{' '}
        {fmtDate(review.previousTo)} ·{' '}
        {review.savedAt ? (
          <Badge color="blue" icon="lock" text={`snapshot saved ${fmtTime(review.savedAt)}: numbers as they were`} />
        ) : (
          <Badge color="orange" text={`live draft, computed ${fmtTime(review.generatedAt)}`} />
        )}
      </p>
      {review.notes && <p className={styles.notes}>{review.notes}</p>}
      <Section title="KPIs against goals" testId="review-kpis">
        <ScorecardTable kpis={review.kpis} scopes={scopes} showPrevious />
      </Section>
      <Section title="What changed since the previous review" testId="review-changes">
        {moved.length === 0 ? (
          <p className={styles.meta}>No KPI moved.</p>
        ) : (
          <div className={styles.columns}>
            {(['worse', 'better'] as const).map((side) => (
              <div key={side}>
                <h4>{side === 'worse' ? 'Worse' : 'Better'}</h4>
                <ul>
                  {moved
                    .filter((m) => m.better === (side === 'better'))
                    .map((m) => (
                      <li key={m.id}>
                        {m.scope}: {m.kpi} {m.text}
                      </li>
                    ))}
                </ul>
              </div>
            ))}
          </div>
        )}
      </Section>
      <Section title={`Top incidents (${incidents.length})`} testId="review-incidents">
        {incidents.length === 0 ? (
          <p className={styles.meta}>No high-priority incident in the period.</p>
        ) : (
          <Table<Incident>
            rows={incidents}
            cols={[
              { id: 'priority', header: 'Priority', cell: (i) => i.priority },
              {
                id: 'title',
                header: 'Incident',
                cell: (i) => (
                  <TextLink href={pageUrl(`${ROUTES.Incidents}/${encodeURIComponent(i.id)}`, filters)}>
                    {i.title}
                  </TextLink>
                ),
              },
              { id: 'bl', header: 'Business line', cell: (i) => nameOf(org.businessLines, i.businessLine) },
              { id: 'started', header: 'Started', cell: (i) => fmtTime(i.startedAt) },
              {
                id: 'duration',
                header: 'Duration',
                cell: (i) => fmtDuration(secondsBetween(i.startedAt, i.recoveredAt ?? review.to)),
              },
              { id: 'cause', header: 'Cause', cell: (i) => i.cause.replace(/_/g, ' ') },
            ]}
          />
        )}
      </Section>
      <Section title={`Overdue actions (${actions.length})`} testId="review-actions">
        {actions.length === 0 ? (
          <p className={styles.meta}>No overdue action.</p>
        ) : (
          <Table<Action>
            rows={actions}
            pageSize={100}
            cols={[
              { id: 'title', header: 'Action', cell: (a) => a.title },
              { id: 'owner', header: 'Owner', cell: (a) => a.owner },
              { id: 'team', header: 'Team', cell: (a) => nameOf(org.teams, a.team) },
              { id: 'due', header: 'Due', cell: (a) => fmtDate(a.dueAt) },
              { id: 'incident', header: 'Incident', cell: (a) => a.incident },
            ]}
          />
        )}
      </Section>
    </div>
  );
}

function SaveReview({
  period,
  at,
  defaultTitle,
  onClose,
  onSaved,
}: {
  period: ReviewPeriod;
  at?: string;
  defaultTitle: string;
  onClose: () => void;
  onSaved: (r: Review) => void;
}) {
  const [title, setTitle] = useState(defaultTitle);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onSaved(
        await api.post<Review>('/reviews', { period, ...(at ? { at } : {}), title, ...(notes ? { notes } : {}) })
      );
    } catch (e) {
      setError((e as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="Save the review as a snapshot" isOpen onDismiss={onClose}>
      <p>The exporter stores the numbers as they are now; late data will not change the saved review.</p>
      <Field label="Title" required>
        <Input aria-label="Review title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <Field label="Notes and decisions">
        <TextArea aria-label="Review notes" rows={5} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
      </Field>
      <ModalSaveRow
        error={error}
        errorTitle="The exporter refused to save the review"
        saveLabel="Save snapshot"
        saveDisabled={busy || !title.trim()}
        onSave={save}
        onCancel={onClose}
      />
    </Modal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  noPrint: css({ marginBottom: theme.spacing(2), '@media print': { display: 'none' } }),
  review: css({
    '@media print': {
      fontSize: 11,
      '&, & *': { color: '#000 !important', boxShadow: 'none !important' },
      'th, td': { borderColor: '#bbb !important' },
      'a, a:visited': { textDecoration: 'none' },
      // the table pagers and expanders of the screen have no use on paper
      'nav, [aria-label*="page" i]': { display: 'none' },
    },
  }),
  title: css({ ...theme.typography.h3, marginBottom: theme.spacing(0.5) }),
  meta: css({ color: theme.colors.text.secondary }),
  notes: css({
    whiteSpace: 'pre-wrap',
    borderLeft: `3px solid ${theme.colors.primary.border}`,
    paddingLeft: theme.spacing(1),
  }),
  columns: css({
    display: 'grid',
    gridTemplateColumns: '1fr 1fr',
    gap: theme.spacing(2),
    ul: { paddingLeft: theme.spacing(2) },
  }),
});
