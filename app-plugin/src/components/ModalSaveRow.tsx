import React from 'react';
import { Alert, Button, Modal } from '@grafana/ui';

interface Props {
  /** Why the exporter refused the last save, if it did. */
  error?: string;
  /** The alert's title, naming what was refused. */
  errorTitle: string;
  saveLabel: string;
  saveDisabled: boolean;
  onSave: () => void;
  onCancel: () => void;
}

/** The foot of a form in a Modal that writes to the exporter: its refusal, then Cancel and save. */
export function ModalSaveRow({ error, errorTitle, saveLabel, saveDisabled, onSave, onCancel }: Props) {
  return (
    <>
      {error && (
        <Alert severity="error" title={errorTitle} data-testid="save-error">
          {error}
        </Alert>
      )}
      <Modal.ButtonRow>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button onClick={onSave} disabled={saveDisabled}>
          {saveLabel}
        </Button>
      </Modal.ButtonRow>
    </>
  );
}
