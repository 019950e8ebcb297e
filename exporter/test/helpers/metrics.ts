/** The Prometheus text exposition, parsed for assertions (shared by the /metrics tests). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (our label values hold no quotes or newlines). */
export function parseMetrics(text: string): { samples: Sample[]; help: Set<string>; types: Map<string, string> } {
  const samples: Sample[] = [];
  const help = new Set<string>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) help.add(line.split(' ')[2]!);
    else if (line.startsWith('# TYPE ')) types.set(line.split(' ')[2]!, line.split(' ')[3]!);
    else if (line.trim() !== '') {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`unparsable line: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
      samples.push({ name: m[1]!, labels, value: Number(m[3]) });
    }
  }
  return { samples, help, types };
}
