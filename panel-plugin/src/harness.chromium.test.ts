/**
 * The BUILT panel in headless Chromium: the harness page (harness/host.tsx) loads dist/module.js
 * as an AMD module with the real React and @grafana/* packages and renders it in PanelChrome.
 * scripts/harness-check.ts drives the page in a child process (esbuild and playwright need plain
 * Node, not this jsdom environment). A missing Chromium or dist/ fails
 * these tests, naming the command that provides it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { builtPlugin, CHROMIUM, requirePrerequisites } from '../../.config/vitest/prerequisites.ts';

const root = path.join(__dirname, '..');

describe('the built panel in headless Chromium (harness page)', () => {
  let seen: Record<string, any>;
  beforeAll(async () => {
    // A missing Chromium or build fails every test below with the command to fix it.
    requirePrerequisites([CHROMIUM, builtPlugin(root)]);
    const tsx = require.resolve('tsx/cli');
    // Asynchronously: a synchronous child blocks this worker's RPC with Vitest ("Timeout calling onTaskUpdate").
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [tsx, path.join(root, 'scripts', 'harness-check.ts')],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 240_000,
        maxBuffer: 16 * 1024 * 1024,
      }
    );
    seen = JSON.parse(stdout.trim().split('\n').pop()!);
  }, 300_000);

  it('scorecard from a Ballast frame: org, 3 business lines, 9 teams; statuses; scope links', () => {
    expect(seen.ballastRows).toBe(1 + 1 + 3 + 9);
    expect(seen.ballastMet).toBeGreaterThan(0);
    expect(seen.scopeHref).toMatch(/^\/d\/ballast-team\?var-team=bl-\d+-/);
  });

  it('scorecard from Prometheus frames, and a business line collapses', () => {
    expect(seen.promRows).toBe(1 + 1 + 2 + 6);
    expect(seen.promRowsCollapsed).toBe(1 + 1 + 2 + 3);
  });

  it('timeline: incident bars, a tooltip listing suspect changes, drag-select zoom', () => {
    expect(seen.incidents).toBeGreaterThan(5);
    expect(seen.tooltip).toMatch(/Suspect changes \(\d+, ≤ 120 min before start\)/);
    expect(seen.zoomed.to - seen.zoomed.from).toBeGreaterThan(0);
    expect(seen.zoomed.to - seen.zoomed.from).toBeLessThan(7 * 86400e3 * 0.5);
  });
});
