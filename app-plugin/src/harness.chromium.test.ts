/**
 * The BUILT app in headless Chromium against a REAL exporter seeded with demo data: the harness
 * page (harness/host.tsx) loads dist/module.js as an AMD module with the real React and @grafana/*
 * packages; the harness server plays Grafana's plugin proxy (adds the token, refuses Viewer writes).
 * scripts/harness-check.ts drives it in a child process (esbuild and playwright need plain Node).
 * Skipped when Chromium, dist/ or exporter/dist is missing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ready =
  fs.existsSync(chromiumPath) && fs.existsSync(path.join(root, 'dist', 'module.js')) && fs.existsSync(path.join(root, '..', 'exporter', 'dist', 'cli', 'main.js'));

describe.runIf(ready)('the built app in headless Chromium against a demo exporter', () => {
  let seen: Record<string, any>;
  beforeAll(() => {
    const tsx = require.resolve('tsx/cli');
    const stdout = execFileSync(process.execPath, [tsx, path.join(root, 'scripts', 'harness-check.ts')], { cwd: root, encoding: 'utf8', timeout: 400_000 });
    seen = JSON.parse(stdout.trim().split('\n').pop()!);
  }, 420_000);

  it('overview: the six report blocks and the scorecard (17 KPIs), no error', () => {
    expect(seen.overviewBlocks).toBe(6);
    expect(seen.overviewScorecardRows).toBe(17);
    expect(seen.overviewErrors).toBe(0);
  });
  it('incidents: list and a detail with the 8-step process and its actions', () => {
    expect(seen.incidentRows).toBeGreaterThan(0);
    expect(seen.incidentHref).toMatch(/^\/a\/ballast-stability-app\/incidents\/[^?]+\?from=now-90d$/);
    expect(seen.timelineSteps).toBe(8);
    expect(seen.timelineRecorded).toBeGreaterThan(0);
    expect(seen.detailActions).toBeGreaterThan(0);
    expect(seen.detailErrors).toBe(0);
  });
  it('change control: Viewers read-only, the gate answers, an Editor creates a freeze stored by the exporter', () => {
    expect(seen.viewerNewFreeze).toBe(0);
    expect(seen.viewerReadOnly).toBe(true);
    expect(seen.gateAnswers).toBeGreaterThan(0);
    expect(seen.changeRows).toBeGreaterThan(0);
    expect(seen.freezeStored).toBe(true);
    expect(seen.viewerWriteStatus).toBe(403);
  });
  it('alert governance: review queue, noisiest names, a verdict written through the proxy', () => {
    expect(seen.queueRows).toBeGreaterThan(0);
    expect(seen.noisiestRows).toBeGreaterThan(0);
    expect(seen.verdictWritten).toBe(true);
  });
  it('inspections and actions (overdue first) and drills by team', () => {
    expect(seen.workRows).toBeGreaterThan(0);
    expect(seen.firstWorkOverdue).toBe(true);
    expect(seen.drillTeams).toBeGreaterThan(0);
  });
  it('committee review: the draft, saved as a snapshot and reopened; print hides the navigation', () => {
    expect(seen.committeeError).toBeNull();
    expect(seen.reviewKpiRows).toBe(17);
    expect(seen.savedReviewShown).toBe(true);
    expect(seen.savedReviewUrl).toMatch(/^\/a\/ballast-stability-app\/committee\/.+/);
    expect(seen.printHidesTabs).toBe(true);
  });
  it('config: the connection check passes, and names a refused token', () => {
    expect(seen.configOk).toBe(true);
    expect(seen.configBadToken).toMatch(/refused the token \(401/);
  });
});
