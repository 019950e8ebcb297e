import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  loading: boolean;
  error?: Error;
  data?: T;
  reload: () => void;
}

/** Runs `fn` when `deps` change (and on reload); keeps the last answer, drops answers that arrive out of order. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ loading: boolean; error?: Error; data?: T }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const id = ++seq.current;
    // Show loading as soon as the inputs change; the answer itself arrives asynchronously below.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setState((s) => ({ loading: true, data: s.data }));
    fn().then(
      (data) => id === seq.current && setState({ loading: false, data }),
      (error: Error) => id === seq.current && setState({ loading: false, error })
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
