import React, { useState } from 'react';
import { Alert as Notice, Field, Input, Modal, Select, TextArea } from '@grafana/ui';
import { config } from '@grafana/runtime';
import { api } from '../api/client';
import { INCIDENT_STEPS, type IncidentStep } from '../constants';
import { fmtTime } from '../components/format';
import { ModalSaveRow } from '../components/ModalSaveRow';
import { useSave } from '../components/useSave';
import { Incident, IncidentStepRecord } from '../types';
import { STEP_TITLES } from './IncidentDetail';
import { localInput, toIso } from './DeclareIncident';

/** The out-of-order reason a step carries, if any (shown on the timeline). */
export function outOfOrderOf(step: IncidentStepRecord): string | null {
  const reason = (step as { outOfOrder?: string | null }).outOfOrder;
  return reason || null;
}

/**
 * Why a step at `at` would break the process order, or null: a recorded step of an earlier stage
 * later than it, or of a later stage earlier than it (the exporter's rule, docs/api.md "Incident
 * steps"; it then takes the step only with an `outOfOrder` reason).
 */
export function orderProblem(incident: Incident, step: IncidentStep, at: string): string | null {
  const rank = (s: string) => INCIDENT_STEPS.indexOf(s as IncidentStep);
  const t = Date.parse(at);
  for (const s of incident.steps ?? []) {
    if (rank(s.step) < rank(step) && Date.parse(s.at) > t) {
      return `${STEP_TITLES[s.step]} (an earlier stage) was recorded at ${fmtTime(s.at)}, after this time`;
    }
    if (rank(s.step) > rank(step) && Date.parse(s.at) < t) {
      return `${STEP_TITLES[s.step]} (a later stage) was recorded at ${fmtTime(s.at)}, before this time`;
    }
  }
  return null;
}

/** The signed-in Grafana user's name, the default owner of a step. */
export function currentUserName(): string {
  const user = config.bootData?.user as { name?: string; login?: string } | undefined;
  return user?.name || user?.login || '';
}

/** The next step of the process not yet recorded (the usual one to record). */
function nextStep(incident: Incident): IncidentStep {
  const done = new Set((incident.steps ?? []).map((s) => s.step));
  return INCIDENT_STEPS.find((s) => !done.has(s)) ?? 'postmortem';
}

/**
 * Records one process step (`POST /api/v1/incidents/{id}/steps`, Editors): the step, when, who owned
 * it, a note, and, when it breaks the process order, the reason it does (required then).
 */
export function StepEditor({
  incident,
  onClose,
  onSaved,
}: {
  incident: Incident;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [step, setStep] = useState<IncidentStep>(() => nextStep(incident));
  const [at, setAt] = useState(() => localInput(new Date().toISOString()));
  const [owner, setOwner] = useState(currentUserName);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const atIso = toIso(at);
  const problem = atIso ? orderProblem(incident, step, atIso) : null;

  const { save, saving, error } = useSave(
    () =>
      api.post(`/incidents/${encodeURIComponent(incident.id)}/steps`, {
        step,
        at: atIso,
        owner: owner.trim(),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(problem && reason.trim() ? { outOfOrder: reason.trim() } : {}),
      }),
    onSaved
  );

  return (
    <Modal title={`Record a step: ${incident.title}`} isOpen onDismiss={onClose}>
      <Field label="Step">
        <Select
          aria-label="Step"
          options={INCIDENT_STEPS.map((s) => ({ label: STEP_TITLES[s], value: s }))}
          value={step}
          onChange={(v) => setStep(v.value as IncidentStep)}
        />
      </Field>
      <Field label="At" required>
        <Input aria-label="At" type="datetime-local" value={at} onChange={(e) => setAt(e.currentTarget.value)} />
      </Field>
      <Field label="Owner" required description="Who owned this step.">
        <Input aria-label="Owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value)} />
      </Field>
      <Field label="Note">
        <TextArea aria-label="Note" rows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
      </Field>
      {problem && (
        <>
          <Notice severity="warning" title="Out of process order" data-testid="order-warning">
            {problem}. The exporter records it only with the reason.
          </Notice>
          <Field label="Why out of order" required>
            <Input aria-label="Why out of order" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          </Field>
        </>
      )}
      <ModalSaveRow
        error={error}
        errorTitle="The exporter refused the step"
        saveLabel={saving ? 'Recording…' : 'Record step'}
        saveDisabled={saving || !atIso || !owner.trim() || Boolean(problem && !reason.trim())}
        onSave={save}
        onCancel={onClose}
      />
    </Modal>
  );
}
