import React, { useState } from 'react';
import { dateTimeFormat } from '@grafana/data';
import { Field, Input, Modal, Select } from '@grafana/ui';
import { DETECTION_SOURCES, INCIDENT_CAUSES, type DetectionSource, type IncidentCause } from '@ballast/contract';
import { api } from '../api/client';
import { ModalSaveRow } from '../components/ModalSaveRow';
import { useSave } from '../components/useSave';
import { ownerOptions, useOrg } from '../components/OrgContext';
import { Incident } from '../types';

/** An ISO time as a datetime-local input value (local time), and back. */
export const localInput = (iso?: string | null) => (iso ? dateTimeFormat(iso, { format: 'YYYY-MM-DDTHH:mm' }) : '');
export const toIso = (value: string) => {
  const ms = value ? new Date(value).getTime() : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};

/** A new incident's id: time-ordered and unique enough for one person declaring at a time. */
export const newIncidentId = (now = Date.now()) =>
  `inc-${now.toString(36)}-${Math.floor(Math.random() * 36 ** 3).toString(36)}`;

/**
 * Declare an incident (`PUT /api/v1/incidents/{id}`, Editors): what, how bad, whose, when it
 * started and was detected, how. The exporter records who declared it (the Grafana user).
 */
export function DeclareIncident({ onClose, onSaved }: { onClose: () => void; onSaved: (id: string) => void }) {
  const org = useOrg();
  const [id] = useState(() => newIncidentId());
  const [title, setTitle] = useState('');
  const [priority, setPriority] = useState('P1');
  const [owner, setOwner] = useState('');
  const now = localInput(new Date().toISOString());
  const [startedAt, setStartedAt] = useState(now);
  const [detectedAt, setDetectedAt] = useState(now);
  const [detectionSource, setDetectionSource] = useState<DetectionSource>('monitoring');
  const [cause, setCause] = useState<IncidentCause>('unknown');
  const owners = ownerOptions(org);
  const [kind, ownerId] = owner.split(/:(.*)/s);
  const started = toIso(startedAt);
  const detected = toIso(detectedAt);

  const { save, saving, error } = useSave(
    () => {
      const input: Partial<Incident> = {
        title: title.trim(),
        priority: priority.trim(),
        [kind === 'team' ? 'team' : 'service']: ownerId,
        startedAt: started,
        detectedAt: detected,
        detectionSource,
        cause,
      };
      return api.put(`/incidents/${encodeURIComponent(id)}`, input);
    },
    () => onSaved(id)
  );

  return (
    <Modal title="Declare an incident" isOpen onDismiss={onClose}>
      <Field label="Title" required>
        <Input aria-label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <Field label="Priority" required description="The org policy says which priorities are high (e.g. P0, P1).">
        <Input aria-label="Priority" value={priority} onChange={(e) => setPriority(e.currentTarget.value)} />
      </Field>
      <Field label="Service or team" required>
        <Select
          aria-label="Service or team"
          options={owners}
          value={owner || null}
          onChange={(v) => setOwner(v.value!)}
        />
      </Field>
      <Field label="Started" required>
        <Input
          aria-label="Started"
          type="datetime-local"
          value={startedAt}
          onChange={(e) => setStartedAt(e.currentTarget.value)}
        />
      </Field>
      <Field label="Detected" required>
        <Input
          aria-label="Detected"
          type="datetime-local"
          value={detectedAt}
          onChange={(e) => setDetectedAt(e.currentTarget.value)}
        />
      </Field>
      <Field label="Detected by">
        <Select
          aria-label="Detected by"
          options={DETECTION_SOURCES.map((d) => ({ label: d, value: d }))}
          value={detectionSource}
          onChange={(v) => setDetectionSource(v.value as DetectionSource)}
        />
      </Field>
      <Field label="Cause">
        <Select
          aria-label="Cause"
          options={INCIDENT_CAUSES.map((c) => ({ label: c.replace(/_/g, ' '), value: c }))}
          value={cause}
          onChange={(v) => setCause(v.value as IncidentCause)}
        />
      </Field>
      <ModalSaveRow
        error={error}
        errorTitle="The exporter refused the incident"
        saveLabel={saving ? 'Declaring…' : 'Declare'}
        saveDisabled={saving || !title.trim() || !priority.trim() || !owner || !started || !detected}
        onSave={save}
        onCancel={onClose}
      />
    </Modal>
  );
}
