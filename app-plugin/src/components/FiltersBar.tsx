import React from 'react';
import { css } from '@emotion/css';
import { dateTime, GrafanaTheme2, SelectableValue, TimeRange } from '@grafana/data';
import { InlineField, Select, TimeRangePicker, useStyles2 } from '@grafana/ui';
import { useOrg } from './OrgContext';
import { Filters, setQuery, timeRangeOf } from './urlState';

interface Props {
  filters: Filters;
  /** Pages without a time range (e.g. open work) hide the picker. */
  showTime?: boolean;
  children?: React.ReactNode;
}

const ALL: SelectableValue<string> = { label: 'All', value: '' };

/** Business line / team / service and the time range, all kept in the URL. */
export function FiltersBar({ filters, showTime = true, children }: Props) {
  const styles = useStyles2(getStyles);
  const org = useOrg();
  const teams = org.teams.filter((t) => !filters.businessLine || t.businessLine === filters.businessLine);
  const teamIds = new Set(teams.map((t) => t.id));
  const services = org.services.filter((s) => (filters.team ? s.team === filters.team : teamIds.has(s.team)));
  const range = timeRangeOf(filters);

  const onRange = (r: TimeRange) => {
    const raw = (v: unknown) => (typeof v === 'string' ? v : dateTime(v as number).toISOString());
    setQuery({ from: raw(r.raw.from), to: raw(r.raw.to) }, false);
  };
  const shift = (factor: number) => {
    const span = range.to.valueOf() - range.from.valueOf();
    setQuery(
      {
        from: new Date(range.from.valueOf() + factor * span).toISOString(),
        to: new Date(range.to.valueOf() + factor * span).toISOString(),
      },
      false
    );
  };

  return (
    <div className={styles.bar} data-testid="filters-bar">
      <InlineField label="Business line">
        <Select
          aria-label="Business line"
          width={20}
          options={[ALL, ...org.businessLines.map((b) => ({ label: b.name, value: b.id }))]}
          value={filters.businessLine ?? ''}
          onChange={(v) => setQuery({ businessLine: v.value, team: undefined, service: undefined }, false)}
        />
      </InlineField>
      <InlineField label="Team">
        <Select
          aria-label="Team"
          width={24}
          options={[ALL, ...teams.map((t) => ({ label: t.name, value: t.id }))]}
          value={filters.team ?? ''}
          onChange={(v) => setQuery({ team: v.value, service: undefined }, false)}
        />
      </InlineField>
      <InlineField label="Service">
        <Select
          aria-label="Service"
          width={24}
          options={[ALL, ...services.map((s) => ({ label: s.name, value: s.id }))]}
          value={filters.service ?? ''}
          onChange={(v) => setQuery({ service: v.value }, false)}
        />
      </InlineField>
      {children}
      {showTime && (
        <div className={styles.time}>
          <TimeRangePicker
            value={range}
            onChange={onRange}
            onChangeTimeZone={() => {}}
            onMoveBackward={() => shift(-0.5)}
            onMoveForward={() => shift(0.5)}
            onZoom={() => {
              const span = range.to.valueOf() - range.from.valueOf();
              setQuery(
                {
                  from: new Date(range.from.valueOf() - span / 2).toISOString(),
                  to: new Date(range.to.valueOf() + span / 2).toISOString(),
                },
                false
              );
            }}
          />
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(2),
    '@media print': { display: 'none' },
  }),
  time: css({ marginLeft: 'auto' }),
});
