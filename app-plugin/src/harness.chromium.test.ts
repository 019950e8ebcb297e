/**
 * The BUILT app in headless Chromium against a REAL exporter seeded with demo data: the harness
 * page (harness/host.tsx) loads dist/module.js as an AMD module with the real React and @grafana/*
 * packages; the harness server is the Grafana host emulation (.config/grafana-host) with the app's
 * built plugin.json routes (tokens added by the proxy, Viewer writes refused as Grafana does).
 * scripts/harness-check.ts drives it in a child process (esbuild and playwright need plain Node).
 * A missing Chromium, dist/ or exporter/dist fails these tests, naming the command that provides it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { KPI_KEYS } from '@ballast/contract';
import { BUILT_EXPORTER, builtPlugin, CHROMIUM, requirePrerequisites } from '../../.config/vitest/prerequisites.ts';

const root = path.join(__dirname, '..');

describe('the built app in headless Chromium against a demo exporter', () => {
  let seen: Record<string, any>;
  beforeAll(async () => {
    // A missing Chromium or build fails every test below with the command to fix it.
    requirePrerequisites([CHROMIUM, builtPlugin(root), BUILT_EXPORTER]);
    const tsx = require.resolve('tsx/cli');
    // Asynchronously: a synchronous child would block this worker's RPC with Vitest for minutes.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [tsx, path.join(root, 'scripts', 'harness-check.ts')],
      { cwd: root, encoding: 'utf8', timeout: 400_000, maxBuffer: 16 * 1024 * 1024 }
    );
    seen = JSON.parse(stdout.trim().split('\n').pop()!);
  }, 420_000);

  it('overview: the six report blocks and the scorecard (every KPI of the registry), no error', () => {
    expect(seen.overviewBlocks).toBe(6);
    expect(seen.overviewScorecardRows).toBe(KPI_KEYS.length);
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
  it('red lines: the demo ledger shows violations, no error', () => {
    expect(seen.redLineRows).toBeGreaterThan(0);
    expect(seen.redLineErrors).toBe(0);
  });
  it('inspections and actions (overdue first) and drills by team', () => {
    expect(seen.workRows).toBeGreaterThan(0);
    expect(seen.firstWorkOverdue).toBe(true);
    expect(seen.drillTeams).toBeGreaterThan(0);
  });
  it('committee review: the draft, saved as a snapshot and reopened; print hides the navigation', () => {
    expect(seen.committeeError).toBeNull();
    expect(seen.reviewKpiRows).toBe(KPI_KEYS.length);
    expect(seen.savedReviewShown).toBe(true);
    expect(seen.savedReviewUrl).toMatch(/^\/a\/ballast-stability-app\/committee\/.+/);
    expect(seen.printHidesTabs).toBe(true);
  });
  it('config: the connection check passes for the three tokens; a saved bad token reloads the page, which names it', () => {
    expect(seen.configOk).toBe(true);
    expect(seen.configSteps).toBe(4);
    expect(seen.configReloaded).toBe(true);
    expect(seen.savedReadToken).toBe(true);
    expect(seen.configBadToken).toMatch(/Settings saved\. The connection check failed/);
    expect(seen.configBadToken).toMatch(/refused the read token \(401: unknown token\)/);
  });
  it('every request went through the declared routes (Grafana host emulation), each with its role’s token', () => {
    expect(seen.proxied).toBeGreaterThan(30);
    expect(seen.refusals).toEqual([
      expect.stringMatching(
        /^DELETE \/api\/plugin-proxy\/ballast-stability-app\/ballast\/api\/v1\/freezes\/harness-freeze as Viewer: 403$/
      ),
    ]);
    expect(seen.viewerWriteMessage).toBe('plugin proxy route access denied');
    // GET with the read token; verdicts with the ingest token; freezes and reviews with the admin token
    expect(seen.tokensByMethod).toEqual(expect.arrayContaining(['GET read', 'PUT ingest', 'PUT admin', 'POST admin']));
    expect((seen.tokensByMethod as string[]).filter((t) => t.startsWith('GET')).length).toBe(1);
  });
});
