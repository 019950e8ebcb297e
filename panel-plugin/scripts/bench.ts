/**
 * Render-time benchmark of the BUILT panel in headless Chromium (harness page): the scorecard at
 * 200 teams × 12 KPIs (20 business lines × 10 teams + org) and the timeline with 5,000 items.
 * Median of 7 runs after a warm-up: "commit" is root.render to the committed DOM (React's work);
 * "frame" adds style, layout and paint up to the next animation frame.
 * Targets: scorecard < 100 ms, timeline < 300 ms. Exit code 1 when a target is missed.
 */
import { buildHost, openPanel, startHarness } from './harness';

const CASES = [
  {
    name: 'scorecard 200 teams × 12 KPIs (Ballast frame)',
    query: 'view=scorecard&source=ballast&lines=20&teams=10&w=1600&h=800&bench=1',
    target: 100,
  },
  {
    name: 'scorecard 200 teams × 12 KPIs (Prometheus frames)',
    query: 'view=scorecard&source=prometheus&lines=20&teams=10&w=1600&h=800&bench=1',
    target: 100,
  },
  { name: 'timeline 5,000 items', query: 'view=timeline&items=5000&lanes=40&w=1600&h=800&bench=1', target: 300 },
];

async function main() {
  await buildHost();
  const h = await startHarness({ width: 1700, height: 900 });
  let failed = false;
  try {
    for (const c of CASES) {
      await openPanel(h, c.query);
      const r = (await h.page.evaluate(() => (window as any).__bench)) as {
        commitMs: number;
        frameMs: number;
        runs: number;
        cells: number;
        rows: number;
        items: number;
      };
      const ok = r.frameMs < c.target;
      failed ||= !ok;
      const dom = c.name.startsWith('timeline')
        ? `${r.items} items in the DOM`
        : `${r.rows - 1} rows / ${r.cells} cells in the DOM (virtualised)`;
      console.log(
        `${c.name}: commit ${r.commitMs.toFixed(1)} ms, to next frame ${r.frameMs.toFixed(1)} ms (target < ${c.target} ms: ${ok ? 'met' : 'MISSED'}); ${dom}; median of ${r.runs}`
      );
    }
  } finally {
    await h.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
