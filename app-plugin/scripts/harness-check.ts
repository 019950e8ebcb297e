/**
 * Drives the built app in headless Chromium against a real, demo-seeded exporter and prints one
 * JSON line of what it saw (read by src/harness.chromium.test.ts). With --screenshots it also
 * saves docs/*.png.
 */
import path from 'node:path';
import { ADMIN_TOKEN, buildHost, openPage, READ_TOKEN, settle, startExporter, startHarness } from './harness';

const APP = '/a/ballast-stability-app';
const shots = process.argv.includes('--screenshots');

async function main() {
  await buildHost();
  const exporter = await startExporter();
  const h = await startHarness(exporter.url);
  const seen: Record<string, unknown> = {};
  const text = () => h.page.innerText('body');
  const count = (sel: string) => h.page.locator(sel).count();
  const shot = async (name: string) => {
    if (shots) {
      await h.page.screenshot({ path: path.join(__dirname, '..', 'docs', `${name}.png`), fullPage: true });
    }
  };
  const api = async (p: string) =>
    (await fetch(`${exporter.url}/api/v1${p}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
  try {
    // Overview
    await openPage(h, APP);
    seen.overviewBlocks = await count('[data-testid="report-block"]');
    seen.overviewScorecardRows = await count('[data-testid="scorecard-table"] tbody tr');
    seen.overviewErrors = await count('[data-testid="state-error"]');
    await shot('overview-dark');
    await openPage(h, APP, { theme: 'light' });
    await shot('overview-light');

    // Incidents list and detail
    await openPage(h, `${APP}/incidents?highPriority=true&from=now-90d`);
    seen.incidentRows = await count('[data-testid="incidents-table"] tbody tr');
    await shot('incidents');
    const href = await h.page.locator('[data-testid="incidents-table"] tbody tr a').first().getAttribute('href');
    seen.incidentHref = href;
    // The detail of an incident that has improvement actions (the demo links actions to incidents).
    const withActions = (await api('/actions?limit=20')).items.map((a: { incident: string }) => a.incident)[0];
    await openPage(h, withActions ? `${APP}/incidents/${encodeURIComponent(withActions)}` : href!);
    seen.detailActions = await count('[data-testid="incident-actions"] tbody tr');
    seen.timelineRecorded = await count('[data-testid="incident-timeline"] [data-recorded="true"]');
    seen.timelineSteps = await count('[data-testid="incident-timeline"] [data-step]');
    seen.detailErrors = await count('[data-testid="state-error"]');
    await shot('incident-detail');

    // Change control: Viewer read-only, Editor creates a freeze through the proxy
    await openPage(h, `${APP}/changes`, { role: 'Viewer' });
    seen.viewerNewFreeze = await count('button:has-text("New freeze")');
    seen.viewerReadOnly = (await text()).includes('read-only (Editor role needed to change freezes)');
    seen.gateAnswers = await count('[data-testid="gate-answer"]');
    seen.changeRows = await count('[data-testid="changes-table"] tbody tr');
    await openPage(h, `${APP}/changes?businessLine=payments`, { role: 'Editor' });
    await shot('change-control');
    await h.page.click('button:has-text("New freeze")');
    await h.page.fill('input[aria-label="Freeze id"]', 'harness-freeze');
    await h.page.fill('input[aria-label="Freeze name"]', 'Harness freeze');
    await h.page.fill('textarea[aria-label="Freeze reason"]', 'Created from the app harness');
    await h.page.click('button:has-text("Save")');
    await h.page.waitForSelector('text=Harness freeze', { timeout: 30_000 });
    await settle(h);
    const stored = await api('/freezes/harness-freeze');
    seen.freezeStored = stored.name === 'Harness freeze';
    // Viewer write is refused by the proxy route's reqRole even if attempted
    const viewerPut = await fetch(
      `${h.url}/api/plugin-proxy/ballast-stability-app/ballast/api/v1/freezes/harness-freeze`,
      { method: 'DELETE', headers: { cookie: 'grafana_session=viewer' } }
    );
    seen.viewerWriteStatus = viewerPut.status;
    seen.viewerWriteMessage = ((await viewerPut.json()) as { message: string }).message;

    // Alert governance: a verdict through the proxy
    await openPage(h, `${APP}/alerts?from=now-90d`, { role: 'Editor' });
    seen.queueRows = await count('[data-testid="queue-table"] tbody tr');
    seen.noisiestRows = await count('[data-testid="noisiest"] tbody tr');
    await shot('alert-governance');
    if ((seen.queueRows as number) > 0) {
      await h.page.locator('[data-testid="queue-table"] tbody tr').first().locator('button:has-text("Noise")').click();
      await h.page.waitForSelector('text=marked noise', { timeout: 30_000 });
      seen.verdictWritten = true;
    }

    // Inspections and actions, drills
    await openPage(h, `${APP}/actions`);
    seen.workRows = await count('[data-testid="work-items"] tbody tr');
    seen.firstWorkOverdue = (await h.page.locator('[data-testid="work-items"] tbody tr').first().innerText()).includes(
      'overdue'
    );
    await shot('inspections-actions');
    // Red lines: the demo org's ledger (computed by the exporter), read-only for a Viewer
    await openPage(h, `${APP}/red-lines?from=now-90d`);
    seen.redLineRows = await count('[data-testid="violations-table"] tbody tr');
    seen.redLineErrors = await count('[data-testid="state-error"]');
    await shot('red-lines');
    await openPage(h, `${APP}/drills?from=now-1y`);
    seen.drillTeams = await count('[data-testid="drills-by-team"] tbody tr');
    await shot('drills');

    // Committee review: draft, save as snapshot, reopen
    await openPage(h, `${APP}/committee?period=month`, { role: 'Admin' });
    seen.committeeError =
      (await count('[data-testid="state-error"]')) > 0
        ? await h.page.locator('[data-testid="state-error"]').first().innerText()
        : null;
    seen.reviewKpiRows = await count('[data-testid="review-kpis"] tbody tr');
    await shot('committee-review');
    if (!seen.committeeError) {
      await h.page.click('button:has-text("Save as snapshot")');
      await h.page.fill('input[aria-label="Review title"]', 'Harness review');
      await h.page.fill('textarea[aria-label="Review notes"]', 'Saved by the harness');
      await h.page.click('button:has-text("Save snapshot")');
      await h.page.waitForURL(/\/committee\/[^/?#]+/, { timeout: 30_000 });
      await settle(h);
      seen.savedReviewShown = (await text()).includes('snapshot saved');
      seen.savedReviewUrl = new URL(h.page.url()).pathname;
      await shot('committee-saved');
      await h.page.emulateMedia({ media: 'print' });
      seen.printHidesTabs = !(await h.page
        .locator('[role="tablist"]')
        .first()
        .isVisible()
        .catch(() => false));
      if (shots) {
        // Browsers print without backgrounds by default (page.pdf below does too); so does this picture.
        await h.page.addStyleTag({ content: '#root > div { background: #fff !important; }' });
        await h.page.screenshot({ path: path.join(__dirname, '..', 'docs', 'committee-print.png'), fullPage: true });
      }
      if (shots) {
        await h.page
          .pdf?.({
            path: path.join(__dirname, '..', 'docs', 'committee-review.pdf'),
            format: 'A4',
            printBackground: false,
          })
          .catch(() => {});
      }
      await h.page.emulateMedia({ media: 'screen' });
    }

    // Which token each method travelled with, on the pages (before the config page probes tokens).
    seen.tokensByMethod = [
      ...new Set(
        h.host.log.filter((e) => e.forwarded).map((e) => `${e.method} ${e.forwarded!.authorization?.split('-')[1]}`)
      ),
    ].sort();

    // Config page: the connection check through the proxy (every token), then a bad read token
    // saved: the page reloads, as the create-plugin template does, and the reloaded page checks.
    await openPage(h, '/plugins/ballast-stability-app', { role: 'Admin' });
    await h.page.click('button:has-text("Test connection")');
    await h.page.waitForSelector('[data-testid="connection-result"]');
    const configText = await h.page.innerText('[data-testid="connection-result"]');
    seen.configOk = configText.includes('Connected to the Ballast exporter');
    seen.configSteps = (configText.match(/✓/g) ?? []).length;
    await shot('config');
    await h.page.click('button:has-text("Reset") >> nth=0');
    await h.page.fill('input[aria-label="Read token"]', 'not-a-known-token-000000');
    const reloaded = h.page.waitForNavigation({ timeout: 30_000 });
    await h.page.click('button:has-text("Save and test")');
    await reloaded;
    await h.page.waitForFunction(() => (window as any).__ready, null, { timeout: 60_000 });
    await h.page.waitForSelector('[data-testid="connection-result"]', { timeout: 30_000 });
    seen.configReloaded = true;
    seen.configBadToken = await h.page.innerText('[data-testid="connection-result"]');
    seen.savedReadToken = h.settings.secureJsonData.readToken === 'not-a-known-token-000000';
    h.settings.secureJsonData.readToken = READ_TOKEN;

    // Every request the pages made went through the app's declared routes (the one refusal is the
    // Viewer DELETE above), and each reached the exporter with the token of its route.
    seen.proxied = h.host.log.length;
    seen.upstream5xx = h.host.log.filter((e) => e.status >= 500).map((e) => `${e.method} ${e.url}: ${e.status}`);
    seen.refusals = h.host.log
      .filter((e) => e.refused)
      .map((e) => `${e.method} ${e.url} as ${e.role}: ${e.refused!.status}`);
  } finally {
    await h.close();
    await exporter.close();
  }
  console.log(JSON.stringify(seen));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
