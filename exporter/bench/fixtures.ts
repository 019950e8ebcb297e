/** Inputs shared by the bench sections, fixed so that runs compare. */
import { generateDemo, type DemoData } from '../src/demo/generate.js';
import { DEFAULT_DEMO_SEED } from '../src/demo/seed.js';

/** The end of the generated history: fixed, so every run writes the same records. */
export const BENCH_NOW = Date.parse('2026-03-15T12:00:00Z');

let demo: { data: DemoData; generateMs: number } | null = null;

/** The demo data set, generated once per bench run, and how long generating it took. */
export function demoData(): { data: DemoData; generateMs: number } {
  if (!demo) {
    const started = performance.now();
    const data = generateDemo({ seed: DEFAULT_DEMO_SEED, now: BENCH_NOW });
    demo = { data, generateMs: performance.now() - started };
  }
  return demo;
}
