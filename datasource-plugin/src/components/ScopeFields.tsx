import React, { useEffect, useMemo, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { InlineField, Select } from '@grafana/ui';
import type { DataSource } from '../datasource';
import { Org } from '../types';

export const LABEL_WIDTH = 16;

/** Options for a scope field: `$variables` of the dashboard first, then the org's entries. */
export function variableOptions(): Array<SelectableValue<string>> {
  let names: string[] = [];
  try {
    names = getTemplateSrv()
      .getVariables()
      .map((v) => v.name);
  } catch {
    names = [];
  }
  return names.map((n) => ({ label: `$${n}`, value: `$${n}`, description: 'Template variable' }));
}

/** The org (business lines, teams, services) for the editors' drop-downs; undefined until loaded or when it fails. */
export function useOrg(datasource: DataSource | undefined): Org | undefined {
  const [org, setOrg] = useState<Org>();
  useEffect(() => {
    let live = true;
    datasource
      ?.getOrg()
      .then((o) => live && setOrg(o))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [datasource]);
  return org;
}

interface ScopeProps {
  org?: Org;
  businessLine?: string;
  team?: string;
  service?: string;
  showService?: boolean;
  onChange: (patch: { businessLine?: string; team?: string; service?: string }) => void;
}

function withCurrent(options: Array<SelectableValue<string>>, value: string | undefined) {
  return value && !options.some((o) => o.value === value) ? [{ label: value, value }, ...options] : options;
}

/** Business line, team and (optionally) service filters; each takes an id, a list or a `$variable`. */
export function ScopeFields({ org, businessLine, team, service, showService = true, onChange }: ScopeProps) {
  const vars = useMemo(() => variableOptions(), []);
  const lines = withCurrent(
    [...vars, ...(org?.businessLines ?? []).map((b) => ({ label: b.name, value: b.id, description: b.id }))],
    businessLine
  );
  const teams = withCurrent(
    [
      ...vars,
      ...(org?.teams ?? [])
        .filter(
          (t) => !businessLine || businessLine.startsWith('$') || businessLine.split(',').includes(t.businessLine)
        )
        .map((t) => ({ label: t.name, value: t.id, description: t.id })),
    ],
    team
  );
  const services = withCurrent(
    [
      ...vars,
      ...(org?.services ?? [])
        .filter((s) => !team || team.startsWith('$') || team.split(',').includes(s.team))
        .map((s) => ({ label: s.name, value: s.id, description: s.id })),
    ],
    service
  );
  const pick = (v: SelectableValue<string> | null) => (v?.value ? v.value : undefined);
  return (
    <>
      <InlineField
        label="Business line"
        labelWidth={LABEL_WIDTH}
        tooltip="Business line id, or a variable such as $businessLine"
      >
        <Select
          inputId="ballast-business-line"
          aria-label="Business line"
          width={24}
          isClearable
          allowCustomValue
          placeholder="all"
          options={lines}
          value={businessLine ?? null}
          onChange={(v) => onChange({ businessLine: pick(v) })}
        />
      </InlineField>
      <InlineField
        label="Team"
        labelWidth={8}
        tooltip="Team id, or a variable such as $team (multi-value and All work)"
      >
        <Select
          inputId="ballast-team"
          aria-label="Team"
          width={24}
          isClearable
          allowCustomValue
          placeholder="all"
          options={teams}
          value={team ?? null}
          onChange={(v) => onChange({ team: pick(v) })}
        />
      </InlineField>
      {showService && (
        <InlineField label="Service" labelWidth={10} tooltip="Service id, or a variable such as $service">
          <Select
            inputId="ballast-service"
            aria-label="Service"
            width={24}
            isClearable
            allowCustomValue
            placeholder="all"
            options={services}
            value={service ?? null}
            onChange={(v) => onChange({ service: pick(v) })}
          />
        </InlineField>
      )}
    </>
  );
}
