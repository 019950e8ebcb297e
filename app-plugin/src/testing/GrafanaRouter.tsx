import React, { useEffect, useState } from 'react';
import { locationService } from '@grafana/runtime';
import { Router } from 'react-router-dom-v5-compat';

/**
 * Grafana renders app pages inside its router, driven by locationService's history (the
 * react-router v6 compat layer that @grafana/ui's links use); the tests and the harness do the same.
 */
export function GrafanaRouter({ children }: { children: React.ReactNode }) {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useEffect(() => history.listen(() => setLocation(history.location)), [history]);
  return (
    <Router location={location} navigator={history as unknown as React.ComponentProps<typeof Router>['navigator']}>
      {children}
    </Router>
  );
}
