import React from 'react';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import { AsyncState } from '../api/useAsync';

interface Props<T> {
  state: AsyncState<T>;
  /** What is loading, for the placeholder and the error title. */
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: React.ReactNode;
  children: (data: T) => React.ReactNode;
}

/** The four states of a section: loading, error (with the API's message), empty, data. */
export function Loadable<T>({ state, what, isEmpty, empty, children }: Props<T>) {
  if (state.error) {
    return (
      <Alert severity="error" title={`Could not load ${what}`} data-testid="state-error">
        {state.error.message}
      </Alert>
    );
  }
  if (state.data === undefined) {
    return <LoadingPlaceholder text={`Loading ${what}…`} data-testid="state-loading" />;
  }
  if (isEmpty?.(state.data)) {
    return (
      <div data-testid="state-empty">
        <Alert severity="info" title={`No ${what}`}>
          {empty ?? 'Nothing matches the filters and time range.'}
        </Alert>
      </div>
    );
  }
  return <>{children(state.data)}</>;
}
