import React, { useState } from 'react';
import { dateTimeFormat } from '@grafana/data';
import { Alert, Field, Input, Modal, Select, Stack, TextArea } from '@grafana/ui';
import { api } from '../api/client';
import { ModalSaveRow } from '../components/ModalSaveRow';
import { useOrg } from '../components/OrgContext';
import { useSave } from '../components/useSave';
import { Freeze } from '../types';

const local = (iso?: string | null) => (iso ? dateTimeFormat(iso, { format: 'YYYY-MM-DDTHH:mm' }) : '');
const toIso = (value: string) => (value ? new Date(value).toISOString() : undefined);

/** The input the exporter takes for a freeze (PUT /api/v1/freezes/{id}, admin token). */
export function freezeInput(f: Partial<Freeze>) {
  const scope: Record<string, string> = {};
  for (const k of ['businessLine', 'team', 'service'] as const) {
    if (f.scope?.[k]) {
      scope[k] = f.scope[k] as string;
    }
  }
  return {
    name: f.name,
    reason: f.reason,
    scope,
    ...(f.startsAt ? { startsAt: f.startsAt } : {}),
    ...(f.endsAt ? { endsAt: f.endsAt } : {}),
    ...(f.schedule ? { schedule: f.schedule } : {}),
  };
}

/** Create or edit a freeze window; the exporter's error text is shown when it refuses. */
export function FreezeEditor({
  freeze,
  onClose,
  onSaved,
}: {
  freeze?: Freeze;
  onClose: () => void;
  onSaved: () => void;
}) {
  const org = useOrg();
  const [id, setId] = useState(() => freeze?.id ?? `freeze-${Date.now().toString(36)}`);
  const [name, setName] = useState(freeze?.name ?? '');
  const [reason, setReason] = useState(freeze?.reason ?? '');
  const [scope, setScope] = useState(freeze?.scope ?? {});
  const [startsAt, setStartsAt] = useState(() => local(freeze?.startsAt ?? new Date().toISOString()));
  const [endsAt, setEndsAt] = useState(() => local(freeze?.endsAt ?? new Date(Date.now() + 86_400_000).toISOString()));
  const scopeValue = scope.service
    ? `service:${scope.service}`
    : scope.team
      ? `team:${scope.team}`
      : scope.businessLine
        ? `businessLine:${scope.businessLine}`
        : '';
  const scopeOptions = [
    { label: 'Whole org', value: '' },
    ...org.businessLines.map((b) => ({ label: `Business line: ${b.name}`, value: `businessLine:${b.id}` })),
    ...org.teams.map((t) => ({ label: `Team: ${t.name}`, value: `team:${t.id}` })),
    ...org.services.map((s) => ({ label: `Service: ${s.name}`, value: `service:${s.id}` })),
  ];

  const { save, saving, error } = useSave(() => {
    const times = freeze?.schedule
      ? { startsAt: freeze.startsAt, endsAt: freeze.endsAt }
      : { startsAt: toIso(startsAt), endsAt: toIso(endsAt) };
    const body = freezeInput({ ...freeze, name, reason, scope, ...times });
    return api.put(`/freezes/${encodeURIComponent(id)}`, body);
  }, onSaved);

  return (
    <Modal title={freeze ? `Edit freeze ${freeze.name}` : 'New freeze window'} isOpen onDismiss={onClose}>
      {!freeze && (
        <Field label="Id" description="Letters, digits and . _ : @ -">
          <Input aria-label="Freeze id" value={id} onChange={(e) => setId(e.currentTarget.value)} />
        </Field>
      )}
      <Field label="Name" required>
        <Input aria-label="Freeze name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label="Reason" required>
        <TextArea aria-label="Freeze reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <Field label="Scope">
        <Select
          aria-label="Freeze scope"
          options={scopeOptions}
          value={scopeValue}
          onChange={(v) => {
            const [k, val] = (v.value ?? '').split(':');
            setScope(k ? { [k]: val } : {});
          }}
        />
      </Field>
      {freeze?.schedule ? (
        <Alert severity="info" title="Recurring freeze">
          {freeze.schedule.cron} for {freeze.schedule.durationMinutes} minutes ({freeze.schedule.timezone}); the
          schedule is kept as it is.
        </Alert>
      ) : (
        <Stack gap={2}>
          <Field label="Starts">
            <Input
              aria-label="Starts at"
              type="datetime-local"
              value={startsAt}
              onChange={(e) => setStartsAt(e.currentTarget.value)}
            />
          </Field>
          <Field label="Ends">
            <Input
              aria-label="Ends at"
              type="datetime-local"
              value={endsAt}
              onChange={(e) => setEndsAt(e.currentTarget.value)}
            />
          </Field>
        </Stack>
      )}
      <ModalSaveRow
        error={error}
        errorTitle="The exporter refused the freeze"
        saveLabel="Save"
        saveDisabled={saving}
        onSave={save}
        onCancel={onClose}
      />
    </Modal>
  );
}
