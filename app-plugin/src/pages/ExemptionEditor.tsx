import React, { useState } from 'react';
import { Alert as Notice, Field, Modal, TextArea } from '@grafana/ui';
import { recordInput, writerApi } from '../api/client';
import { ModalSaveRow } from '../components/ModalSaveRow';
import { useSave } from '../components/useSave';
import { isAdmin } from '../components/roles';
import { Change } from '../types';

/**
 * A change as the API takes it back in a PUT. `controlled` is what the SENDER said
 * (`controlledClaim`), never the exporter's counted verdict: sending that back would turn the
 * verdict into a claim of the app's own.
 */
export function changeInput(c: Change) {
  const { controlled: _counted, controlledClaim, ...rest } = c;
  const input = recordInput(rest as Change);
  return typeof controlledClaim === 'boolean' ? { ...input, controlled: controlledClaim } : input;
}

/**
 * Grant an exemption to a change that started inside a freeze (`PUT /api/v1/changes/{id}` with
 * `exemption`): an Admin through the Admin route; an Editor through the Editor route, which the
 * exporter accepts only when the org's changeControl.grafanaEditorsGrantExemptions allows it (its
 * 403 is shown). The exporter records who granted it and when.
 */
export function ExemptionEditor({
  change,
  onClose,
  onSaved,
}: {
  change: Change;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [reason, setReason] = useState('');
  const { save, saving, error } = useSave(
    () =>
      writerApi().put(`/changes/${encodeURIComponent(change.id)}`, {
        ...changeInput(change),
        exemption: reason.trim(),
      }),
    onSaved
  );
  return (
    <Modal title={`Grant an exemption: ${change.title ?? change.id}`} isOpen onDismiss={onClose}>
      {!isAdmin() && (
        <Notice severity="info" title="As an Editor">
          The exporter takes an exemption from an Editor only when the org allows Editors to grant them.
        </Notice>
      )}
      <Field label="Reason" required description="Why this change may run inside the freeze.">
        <TextArea aria-label="Reason" rows={3} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <ModalSaveRow
        error={error}
        errorTitle="The exporter refused the exemption"
        saveLabel={saving ? 'Granting…' : 'Grant exemption'}
        saveDisabled={saving || !reason.trim()}
        onSave={save}
        onCancel={onClose}
      />
    </Modal>
  );
}
