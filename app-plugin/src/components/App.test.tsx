import React from 'react';
import { render, screen } from '@testing-library/react';
import { AppRootProps } from '@grafana/data';
import { App } from './App';
import { AppSettings } from '../types';

test('the placeholder root page renders', () => {
  const props = { meta: { id: 'ballast-stability-app' }, basename: '/a/ballast-stability-app' } as unknown as AppRootProps<AppSettings>;
  render(<App {...props} />);
  expect(screen.getByTestId('ballast-app-root')).toHaveTextContent('ballast-stability-app');
});
