/*
 * Test setup shared by the three plugins: jest-dom matchers and the browser APIs jsdom lacks that
 * @grafana/ui components touch (matchMedia, ResizeObserver, IntersectionObserver, canvas).
 */
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

afterEach(() => cleanup());

if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: vi.fn(),
      removeListener: vi.fn(),
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      dispatchEvent: vi.fn(),
    }),
  });
}

class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
for (const name of ['ResizeObserver', 'IntersectionObserver'] as const) {
  if (!(name in window)) {
    Object.defineProperty(window, name, { writable: true, value: NoopObserver });
    Object.defineProperty(globalThis, name, { writable: true, value: NoopObserver });
  }
}

HTMLCanvasElement.prototype.getContext = (() => null) as unknown as typeof HTMLCanvasElement.prototype.getContext;

// @grafana/ui's Icon loads its SVG asynchronously (react-inlinesvg) and updates state outside
// act(); create-plugin's Jest setup mocks the module for the same reason. The warning says nothing
// about the code under test, so only that one is dropped.
const consoleError = console.error;
console.error = (...args: unknown[]) => {
  const text = args.map(String).join(' ');
  if (text.includes('not wrapped in act(') && text.includes('ReactInlineSVG')) {
    return;
  }
  consoleError(...args);
};
