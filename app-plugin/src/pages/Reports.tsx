import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, BadgeColor, TextLink, useStyles2 } from '@grafana/ui';
import type { DeliveryStatus, ReportDetail, ReportListResponse, ReportSummary, ReportTone } from '@ballast/contract';
import { api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { ROUTES } from '../constants';
import { fmtTime } from '../components/format';
import { pageUrl } from '../components/links';
import { Loadable } from '../components/Loadable';
import { Section } from '../components/Section';
import { Table } from '../components/Table';

const STATUS_COLOR: Record<DeliveryStatus, BadgeColor> = {
  pending: 'blue',
  sending: 'blue',
  retrying: 'orange',
  delivered: 'green',
  failed: 'red',
  interrupted: 'red',
};
const TONE_COLOR: Record<ReportTone, BadgeColor> = { bad: 'red', warn: 'orange', good: 'green', neutral: 'blue' };
const KIND_TITLE: Record<string, string> = {
  daily: 'Daily report',
  week: 'Weekly pack',
  month: 'Monthly pack',
  review: 'Review pack',
};

/** Reports: every scheduled report as it was sent (newest first), and one report with its deliveries. */
export function ReportsPage({ id }: { id?: string }) {
  return id ? <ReportDetailView id={id} /> : <ReportList />;
}

function deliverySummary(d: ReportSummary['deliveries']) {
  const statuses = (Object.keys(STATUS_COLOR) as DeliveryStatus[]).filter((s) => (d[s] ?? 0) > 0);
  if (d.total === 0) {
    return <span>no destination</span>;
  }
  return (
    <>
      {statuses.map((s) => (
        <Badge key={s} color={STATUS_COLOR[s]} text={`${d[s]} ${s}`} />
      ))}
    </>
  );
}

function ReportList() {
  const reports = useAsync(() => api.get<ReportListResponse>('/reports', { limit: 200 }), []);
  return (
    <div data-testid="page-reports">
      <Section title="Reports sent" testId="report-list">
        <Loadable
          state={reports}
          what="reports"
          isEmpty={(r) => r.items.length === 0}
          empty="No report has been produced yet. Scheduled reports are set up in the org config (reports:)."
        >
          {(r) => (
            <Table<ReportSummary>
              rows={r.items}
              testId="reports-table"
              cols={[
                {
                  id: 'title',
                  header: 'Report',
                  cell: (x) => (
                    <TextLink href={pageUrl(`${ROUTES.Reports}/${encodeURIComponent(x.id)}`)}>{x.title}</TextLink>
                  ),
                },
                { id: 'kind', header: 'Kind', cell: (x) => KIND_TITLE[x.kind] ?? x.kind },
                { id: 'producedAt', header: 'Produced', cell: (x) => fmtTime(x.producedAt) },
                { id: 'deliveries', header: 'Deliveries', cell: (x) => deliverySummary(x.deliveries) },
              ]}
            />
          )}
        </Loadable>
      </Section>
    </div>
  );
}

function ReportDetailView({ id }: { id: string }) {
  const styles = useStyles2(getStyles);
  const report = useAsync(() => api.get<ReportDetail>(`/reports/${encodeURIComponent(id)}`), [id]);
  return (
    <div data-testid="page-report">
      <TextLink href={pageUrl(ROUTES.Reports)} icon="arrow-left">
        All reports
      </TextLink>
      <Loadable state={report} what="the report" isEmpty={() => false}>
        {(r) => (
          <>
            <Section title="Deliveries" testId="report-deliveries">
              <Table
                rows={r.deliveries.map((d) => ({ ...d, id: d.destination }))}
                testId="deliveries-table"
                cols={[
                  { id: 'destination', header: 'Destination', cell: (d) => `${d.destination} (${d.destinationKind})` },
                  {
                    id: 'status',
                    header: 'Status',
                    cell: (d) => <Badge color={STATUS_COLOR[d.status]} text={d.status} />,
                  },
                  { id: 'attempts', header: 'Attempts', cell: (d) => String(d.attempts) },
                  {
                    id: 'when',
                    header: 'When',
                    cell: (d) =>
                      d.deliveredAt
                        ? `delivered ${fmtTime(d.deliveredAt)}`
                        : d.nextAttemptAt
                          ? `next attempt ${fmtTime(d.nextAttemptAt)}`
                          : fmtTime(d.updatedAt),
                  },
                  { id: 'lastError', header: 'Last error', cell: (d) => d.lastError ?? '' },
                ]}
              />
            </Section>
            <Section title={r.title} testId="report-content">
              <div className={styles.subtitle}>
                {r.content.subtitle} Produced {fmtTime(r.producedAt)} by {r.producedBy}.
              </div>
              <div className={styles.grid}>
                {r.content.sections.map((s) => (
                  <div key={s.id} className={styles.block} data-testid="report-section">
                    <div className={styles.head}>
                      <TextLink href={s.link} inline={false} external>
                        {s.title}
                      </TextLink>
                      <Badge color={TONE_COLOR[s.tone]} text={s.summary} />
                    </div>
                    {s.items.length === 0 ? (
                      <div className={styles.muted}>None</div>
                    ) : (
                      <ul className={styles.list}>
                        {s.items.map((i, n) => (
                          <li key={n}>
                            {i.link ? (
                              <TextLink href={i.link} external>
                                {i.text}
                              </TextLink>
                            ) : (
                              i.text
                            )}{' '}
                            {i.meta && <span className={styles.muted}>{i.meta}</span>}
                          </li>
                        ))}
                        {s.more > 0 && <li className={styles.muted}>and {s.more} more</li>}
                      </ul>
                    )}
                  </div>
                ))}
              </div>
            </Section>
          </>
        )}
      </Loadable>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  subtitle: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(1.5) }),
  grid: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(340px, 1fr))', gap: theme.spacing(2) }),
  block: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
  }),
  head: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  }),
  list: css({ margin: 0, paddingLeft: theme.spacing(2), fontSize: theme.typography.bodySmall.fontSize }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
