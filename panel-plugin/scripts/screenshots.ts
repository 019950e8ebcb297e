/** Renders the built panel in the harness (headless Chromium) and saves docs/*.png. */
import path from 'node:path';
import { buildHost, openPanel, startHarness } from './harness';

const SHOTS: Array<[string, string]> = [
  ['scorecard-dark', 'view=scorecard&source=ballast&theme=dark&w=1400&h=560&lines=4&teams=4'],
  ['scorecard-light', 'view=scorecard&source=ballast&theme=light&w=1400&h=560&lines=4&teams=4'],
  ['scorecard-prometheus', 'view=scorecard&source=prometheus&theme=dark&w=1400&h=420&lines=3&teams=3&collapsed=1'],
  ['timeline-dark', 'view=timeline&theme=dark&w=1400&h=440&items=400&lanes=10'],
  ['timeline-light', 'view=timeline&theme=light&w=1400&h=440&items=400&lanes=10'],
];

async function main() {
  await buildHost();
  const h = await startHarness({ width: 1440, height: 640 });
  try {
    for (const [name, query] of SHOTS) {
      await openPanel(h, query);
      if (name === 'timeline-dark') {
        // Hover the first incident that has suspects, to show its tooltip.
        const bars = await h.page.$$('[data-kind="incident"]');
        for (const bar of bars) {
          await bar.hover({ force: true, timeout: 5000 });
          const text = await h.page.textContent('body');
          if (text && /Suspect changes \(/.test(text)) {
            break;
          }
        }
      }
      const panel = await h.page.$('#root > div');
      const file = path.join(__dirname, '..', 'docs', `${name}.png`);
      await (panel ?? h.page).screenshot({ path: file });
      console.log(`saved ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await h.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
