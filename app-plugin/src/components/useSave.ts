import { useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/client';

/**
 * The save state of a form in a Modal that writes to the exporter (its foot is ModalSaveRow):
 * `saving` while `write` runs, `error` with the exporter's refusal, and `onSaved` with the write's
 * answer only when it succeeded. Every modal used to hand-write the same try/catch/finally; this
 * one copy also ignores a second click while a write is running and sets no state once the modal
 * is gone (onSaved usually closes it). `setError` lets a form report its own validation message.
 * `save` passes its arguments on to `write`.
 */
export function useSave<A extends unknown[], T>(write: (...args: A) => Promise<T>, onSaved: (result: T) => void) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const running = useRef(false);
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const save = async (...args: A) => {
    if (running.current) {
      return;
    }
    running.current = true;
    setSaving(true);
    setError(undefined);
    try {
      onSaved(await write(...args));
    } catch (e) {
      if (mounted.current) {
        setError((e as ApiError).message);
      }
    } finally {
      running.current = false;
      if (mounted.current) {
        setSaving(false);
      }
    }
  };

  return { save, saving, error, setError };
}
