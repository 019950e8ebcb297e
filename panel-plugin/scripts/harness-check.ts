/**
 * Drives the harness page in headless Chromium and prints what it saw as JSON (one line), for
 * src/harness.chromium.test.ts, which runs it as a child process (esbuild and playwright need a
 * plain Node environment, not the tests' jsdom).
 */
import { buildHost, openPanel, startHarness } from './harness';

async function main() {
  await buildHost();
  const h = await startHarness();
  const out: Record<string, unknown> = {};
  try {
    await openPanel(h, 'view=scorecard&source=ballast&theme=light&lines=3&teams=3');
    out.ballastRows = await h.page.locator('[role="row"]').count();
    out.ballastMet = await h.page.locator('[data-status="met"]').count();
    out.scopeHref = await h.page.locator('[role="rowheader"] a').nth(2).getAttribute('href');

    await openPanel(h, 'view=scorecard&source=prometheus&theme=dark&lines=2&teams=3');
    out.promRows = await h.page.locator('[role="row"]').count();
    await h.page.getByRole('button', { name: 'Collapse bl-1' }).click();
    out.promRowsCollapsed = await h.page.locator('[role="row"]').count();

    await openPanel(h, 'view=timeline&theme=dark&items=400&lanes=8&w=1200&h=400');
    out.incidents = await h.page.locator('[data-kind="incident"]').count();
    for (const bar of await h.page.locator('[data-kind="incident"]').all()) {
      await bar.hover({ force: true, timeout: 5000 });
      const tip = await h.page
        .locator('[data-testid="incident-tooltip"]')
        .textContent()
        .catch(() => null);
      if (tip && /Suspect changes \(/.test(tip)) {
        out.tooltip = tip;
        break;
      }
    }
    const box = (await h.page.locator('svg[role="img"]').boundingBox())!;
    await h.page.mouse.move(box.x + 300, box.y + 300);
    await h.page.mouse.down();
    await h.page.mouse.move(box.x + 700, box.y + 300, { steps: 4 });
    await h.page.mouse.up();
    out.zoomed = await h.page.evaluate(() => (window as any).__zoomed ?? null);
  } finally {
    await h.close();
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
