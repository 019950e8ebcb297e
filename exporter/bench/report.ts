/** The bench's readable output: headings, lines and aligned tables on stdout. */
export class Report {
  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  heading(title: string): void {
    this.write(`\n== ${title} ==\n`);
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  table(headers: string[], rows: (string | number)[][]): void {
    const cells = [headers, ...rows.map((r) => r.map(String))];
    const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
    const format = (r: string[]) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    this.write(`${format(headers)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
    for (const row of cells.slice(1)) this.write(`${format(row)}\n`);
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const perSecond = (count: number, ms: number) => `${Math.round(count / (ms / 1000)).toLocaleString('en-US')}/s`;
export const count = (n: number) => n.toLocaleString('en-US');
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
