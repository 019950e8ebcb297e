/**
 * `npm run bench`: runs every section of sections.ts (or those whose name contains one of the
 * command-line words) and prints a readable report.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { createContext } from './context.js';
import { Report, seconds } from './report.js';
import { SECTIONS } from './sections.js';

async function main() {
  const filters = process.argv.slice(2).map((a) => a.toLowerCase());
  const chosen = SECTIONS.filter((s) => filters.length === 0 || filters.some((f) => s.name.toLowerCase().includes(f)));
  const report = new Report();
  // The load average tells whether other work shared the machine (the figures are then lower).
  const load = () => loadavg()[0]!.toFixed(1);
  report.line(
    `Ballast bench: Node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${load()}`
  );
  const ctx = createContext(report);
  const started = performance.now();
  const failed: string[] = [];
  try {
    for (const section of chosen) {
      report.heading(section.name);
      const sectionStarted = performance.now();
      const cpuBefore = process.cpuUsage();
      // One broken section must not hide the figures of the others.
      try {
        await section.run(ctx);
      } catch (error) {
        failed.push(section.name);
        report.line(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      // CPU time of this process (not the PostgreSQL server's) varies less than wall time on a busy machine.
      const cpu = process.cpuUsage(cpuBefore);
      report.line(
        `(wall ${seconds(performance.now() - sectionStarted)}, bench process CPU ${seconds((cpu.user + cpu.system) / 1000)})`
      );
    }
  } finally {
    await ctx.dispose();
  }
  report.line(`\nbench finished in ${seconds(performance.now() - started)} (load average ${load()})`);
  if (failed.length > 0) {
    report.line(`failed sections: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
