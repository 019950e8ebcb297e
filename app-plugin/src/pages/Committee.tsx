import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import {
  Badge,
  Button,
  Field,
  IconButton,
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
import { api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { ROUTES } from '../constants';
import { FiltersBar } from '../components/FiltersBar';
import { fmtDate, fmtDuration, fmtKpi, fmtTime, secondsBetween } from '../components/format';
import { StatusBadge } from '../components/StatusBadge';
import { pageUrl } from '../components/links';
import { Loadable } from '../components/Loadable';
import { ModalSaveRow } from '../components/ModalSaveRow';
import { nameOf, useOrg } from '../components/OrgContext';
import { canEdit } from '../components/roles';
import { useSave } from '../components/useSave';
import { ScorecardTable } from '../components/ScorecardTable';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, setQuery } from '../components/urlState';
import {
  Action,
  Incident,
  KpiColumn,
  Review,
  ReviewChange,
  ReviewDecision,
  ReviewPeriod,
  SavedReviewSummary,
} from '../types';

const PERIODS: Array<{ label: string; value: ReviewPeriod }> = [
  { label: 'Week', value: 'week' },
  { label: 'Month', value: 'month' },
  { label: 'Quarter', value: 'quarter' },
];
const PERIOD_TITLE: Record<ReviewPeriod, string> = { week: 'Weekly', month: 'Monthly', quarter: 'Quarterly' };

/**
 * The one scope the review is drafted for: the most specific filter set (the filters bar keeps
 * service within team within business line), as the API takes at most one.
 */
export function reviewScopeParams(filters: Filters): Record<string, string> {
  if (filters.service) return { service: filters.service };
  if (filters.team) return { team: filters.team };
  if (filters.businessLine) return { business_line: filters.businessLine };
  return {};
}

/** "previous → value (±x %)" of a change, in the KPI's unit. */
export function changeText(c: ReviewChange, kpi: KpiColumn | undefined): string {
  const unit = kpi?.unit ?? 'count';
  const pct = c.relative === null ? 'from 0' : `${c.relative > 0 ? '+' : ''}${(c.relative * 100).toFixed(1)} %`;
  return `${fmtKpi(c.previous, unit)} → ${fmtKpi(c.value, unit)} (${pct})`;
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

/**
 * Committee review: a week, month or quarter of the org, or of the business line, team or service
 * chosen in the filters bar, against its goals; printable, saved as snapshots with attendees and
 * decisions (recorded by the exporter as improvement actions).
 */
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
  const period: ReviewPeriod = PERIODS.find((p) => p.value === query.period)?.value ?? 'week';
  const at = query.at && /^\d{4}-\d{2}-\d{2}$/.test(query.at) ? query.at : '';
  const atIso = at ? new Date(`${at}T12:00:00`).toISOString() : undefined;
  const scope = reviewScopeParams(filters);
  const scopeKey = JSON.stringify(scope);
  const review = useAsync(
    () =>
      savedId
        ? api.get<Review>(`/reviews/${encodeURIComponent(savedId)}`)
        : api.get<Review>('/reviews/draft', { period, at: atIso, ...scope }),
    [savedId, period, at, scopeKey]
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
                options={PERIODS}
                value={period}
                onChange={(v) => setQuery({ period: v === 'week' ? undefined : v }, false)}
              />
            </InlineField>
            <InlineField
              label="Containing"
              tooltip="Any day of the week, month or quarter to review; empty: the current one"
            >
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
                  { id: 'scope', header: 'Scope', cell: (s) => s.scope?.name ?? 'Organization' },
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
          request={{ period, ...(atIso ? { at: atIso } : {}), ...scope }}
          incidents={review.data.topIncidents}
          defaultTitle={`${PERIOD_TITLE[period]} review${
            review.data.scope && review.data.scope.level !== 'org' ? ` of ${review.data.scope.name}` : ''
          } ${fmtDate(review.data.from)}`}
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
  const scopeName = review.scope && review.scope.level !== 'org' ? ` of ${review.scope.name}` : '';
  const total = review.overdueActionsTotal ?? review.overdueActions.length;
  return (
    <div data-testid="review" className={styles.review}>
      <h2 className={styles.title}>
        {review.title ?? `Stability review${scopeName}: ${review.period} of ${fmtDate(review.from)}`}
      </h2>
      <p className={styles.meta}>
        {fmtTime(review.from)} – {fmtTime(review.to)} · compared with {fmtDate(review.previousFrom)} –{' '}
        {fmtDate(review.previousTo)} ·{' '}
        {review.savedAt ? (
          <Badge
            color="blue"
            icon="lock"
            text={`snapshot saved ${fmtTime(review.savedAt)}${review.savedBy ? ` by ${review.savedBy}` : ''}: numbers as they were`}
          />
        ) : (
          <Badge color="orange" text={`live draft, computed ${fmtTime(review.generatedAt)}`} />
        )}
      </p>
      {review.attendees && review.attendees.length > 0 && (
        <p data-testid="review-attendees">Attendees: {review.attendees.join(', ')}</p>
      )}
      {review.notes && <p className={styles.notes}>{review.notes}</p>}
      <Section title="KPIs against goals" testId="review-kpis">
        <ScorecardTable kpis={review.kpis} scopes={review.scopes} showPrevious />
      </Section>
      <Section title="What changed since the previous review" testId="review-changes">
        <Changes review={review} />
      </Section>
      {review.decisions && review.decisions.length > 0 && (
        <Section title={`Decisions (${review.decisions.length})`} testId="review-decisions">
          <Table<ReviewDecision & { id: string }>
            rows={review.decisions.map((d) => ({ ...d, id: d.actionId }))}
            cols={[
              { id: 'title', header: 'Decision', cell: (d) => d.title },
              { id: 'owner', header: 'Owner', cell: (d) => d.owner },
              { id: 'due', header: 'Due', cell: (d) => fmtDate(d.dueAt) },
              {
                id: 'incident',
                header: 'Incident',
                cell: (d) => (
                  <TextLink href={pageUrl(`${ROUTES.Incidents}/${encodeURIComponent(d.incident)}`, filters)}>
                    {d.incident}
                  </TextLink>
                ),
              },
              { id: 'action', header: 'Recorded as action', cell: (d) => d.actionId },
            ]}
          />
        </Section>
      )}
      <Section title={`Top incidents (${review.topIncidents.length})`} testId="review-incidents">
        {review.topIncidents.length === 0 ? (
          <p className={styles.meta}>No high-priority incident in the period.</p>
        ) : (
          <Table<Incident>
            rows={review.topIncidents}
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
      <Section title={`Overdue actions (${total})`} testId="review-actions">
        {review.overdueActions.length === 0 ? (
          <p className={styles.meta}>No overdue action.</p>
        ) : (
          <Table<Action>
            rows={review.overdueActions}
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

/** The exporter's "what changed" (moves past the org's threshold, status changes), worse and better, largest first. */
function Changes({ review }: { review: Review }) {
  const styles = useStyles2(getStyles);
  if (!review.changes) {
    return <p className={styles.meta}>This review was saved before the exporter listed what changed.</p>;
  }
  if (review.changes.length === 0) {
    return (
      <p className={styles.meta}>
        No KPI moved by {((review.changeThreshold ?? 0) * 100).toFixed(0)} % or more, and no status changed.
      </p>
    );
  }
  const kpis = new Map<string, KpiColumn>(review.kpis.map((k) => [k.key, k]));
  return (
    <div className={styles.columns}>
      {(['worse', 'better'] as const).map((side) => (
        <div key={side} data-testid={`changes-${side}`}>
          <h4>{side === 'worse' ? 'Worse' : 'Better'}</h4>
          <ul>
            {review
              .changes!.filter((c) => c.better === (side === 'better'))
              .map((c) => (
                <li key={`${c.level}:${c.scope}:${c.kpi}`}>
                  {c.scopeName}: {kpis.get(c.kpi)?.title ?? c.kpi} {changeText(c, kpis.get(c.kpi))}
                  {c.reasons.includes('status') && (
                    <>
                      {' '}
                      <StatusBadge status={c.statusBefore} /> → <StatusBadge status={c.status} />
                    </>
                  )}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

interface DecisionDraft {
  title: string;
  owner: string;
  /** yyyy-mm-dd of the date input. */
  due: string;
  incident: string;
}

/** Comma- or line-separated names, trimmed, empty ones dropped. */
export function parseNames(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((n) => n.trim())
    .filter((n) => n !== '');
}

function SaveReview({
  request,
  incidents,
  defaultTitle,
  onClose,
  onSaved,
}: {
  /** period, at and scope of the draft being saved. */
  request: Record<string, string>;
  incidents: Incident[];
  defaultTitle: string;
  onClose: () => void;
  onSaved: (r: Review) => void;
}) {
  const styles = useStyles2(getStyles);
  const [title, setTitle] = useState(defaultTitle);
  const [notes, setNotes] = useState('');
  const [attendees, setAttendees] = useState('');
  const [decisions, setDecisions] = useState<DecisionDraft[]>([]);
  const update = (i: number, patch: Partial<DecisionDraft>) =>
    setDecisions((list) => list.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  const complete = decisions.every((d) => d.title.trim() && d.owner.trim() && d.due && d.incident.trim());
  const { save, saving, error } = useSave(() => {
    const names = parseNames(attendees);
    return api.post<Review>('/reviews', {
      ...request,
      title,
      ...(notes ? { notes } : {}),
      ...(names.length > 0 ? { attendees: names } : {}),
      ...(decisions.length > 0
        ? {
            decisions: decisions.map((d) => ({
              title: d.title.trim(),
              owner: d.owner.trim(),
              // Due at the end of the chosen day, in the browser's timezone.
              dueAt: new Date(`${d.due}T23:59:59`).toISOString(),
              incident: d.incident.trim(),
            })),
          }
        : {}),
    });
  }, onSaved);
  return (
    <Modal title="Save the review as a snapshot" isOpen onDismiss={onClose}>
      <p>
        The exporter stores the numbers as they are now; late data will not change the saved review. Each decision
        becomes an improvement action with its owner and due date.
      </p>
      <Field label="Title" required>
        <Input aria-label="Review title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <Field label="Attendees" description="Names, separated by commas">
        <Input aria-label="Attendees" value={attendees} onChange={(e) => setAttendees(e.currentTarget.value)} />
      </Field>
      <Field label="Notes">
        <TextArea aria-label="Review notes" rows={4} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
      </Field>
      <Field label="Decisions" description="Recorded as improvement actions of the incident's team">
        <div>
          {decisions.map((d, i) => (
            <div key={i} className={styles.decision} data-testid={`decision-${i + 1}`}>
              <Input
                aria-label={`Decision ${i + 1}`}
                placeholder="What was decided"
                value={d.title}
                onChange={(e) => update(i, { title: e.currentTarget.value })}
              />
              <Input
                aria-label={`Decision ${i + 1} owner`}
                placeholder="Owner"
                value={d.owner}
                onChange={(e) => update(i, { owner: e.currentTarget.value })}
              />
              <Input
                aria-label={`Decision ${i + 1} due date`}
                type="date"
                value={d.due}
                onChange={(e) => update(i, { due: e.currentTarget.value })}
              />
              <Input
                aria-label={`Decision ${i + 1} incident`}
                placeholder="Incident id"
                list="review-incidents"
                value={d.incident}
                onChange={(e) => update(i, { incident: e.currentTarget.value })}
              />
              <IconButton
                name="trash-alt"
                tooltip={`Remove decision ${i + 1}`}
                onClick={() => setDecisions((list) => list.filter((_, j) => j !== i))}
              />
            </div>
          ))}
          <datalist id="review-incidents">
            {incidents.map((i) => (
              <option key={i.id} value={i.id}>
                {i.title}
              </option>
            ))}
          </datalist>
          <Button
            icon="plus"
            variant="secondary"
            size="sm"
            onClick={() =>
              setDecisions((list) => [...list, { title: '', owner: '', due: '', incident: incidents[0]?.id ?? '' }])
            }
          >
            Add decision
          </Button>
        </div>
      </Field>
      <ModalSaveRow
        error={error}
        errorTitle="The exporter refused to save the review"
        saveLabel="Save snapshot"
        saveDisabled={saving || !title.trim() || !complete}
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
  decision: css({
    display: 'grid',
    gridTemplateColumns: '2fr 1fr 1fr 1fr auto',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  }),
  columns: css({
    display: 'grid',
    gridTemplateColumns: '1fr 1fr',
    gap: theme.spacing(2),
    ul: { paddingLeft: theme.spacing(2) },
  }),
});
