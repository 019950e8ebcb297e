/**
 * `ballast import FILE…`: loads JSON Lines (.jsonl, .ndjson) or CSV (.csv) history straight into the
 * store (the same --data-dir / --database-url as `serve`, and --config to apply the org first).
 * A progress bar on a terminal, then a summary; exit 1 when any line was rejected (the rest is written).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Collection } from '../domain/records.js';
import {
  collectionOf,
  importLines,
  parseCsv,
  parseJsonLines,
  type ImportSummary,
  type SourceLine,
} from '../ingest/history.js';
import { openServices } from '../server.js';

export interface ImportOptions {
  kind?: string;
  format?: 'jsonl' | 'csv';
}

export async function importCommand(
  files: string[],
  config: Config,
  logger: Logger,
  options: ImportOptions
): Promise<number> {
  const flag = options.kind !== undefined ? collectionOf(options.kind) : undefined;
  if (options.kind !== undefined && !flag) throw new Error(`--kind: unknown collection "${options.kind}"`);
  const parsed: { file: string; lines: SourceLine[] }[] = [];
  for (const file of files) {
    const format = options.format ?? (extname(file).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
    const text = await readFile(file, 'utf8');
    parsed.push({
      file,
      lines: format === 'csv' ? parseCsv(text, flag) : parseJsonLines(text, flag as Collection | undefined),
    });
  }
  const services = await openServices(config, logger);
  let failed = false;
  try {
    for (const { file, lines } of parsed) {
      const bar = progressBar(file, lines.length);
      const summary = await importLines(services.records, lines, bar.update);
      bar.done();
      process.stdout.write(report(file, summary));
      failed ||= summary.rejected.length > 0;
    }
  } finally {
    await services.store.close();
  }
  return failed ? 1 : 0;
}

export function report(file: string, s: ImportSummary): string {
  const lines = [
    `${file}: ${s.created} imported, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected.length} rejected`,
  ];
  for (const r of s.rejected) {
    for (const issue of r.issues)
      lines.push(`  ${file}:${r.line}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Redrawn in place on a terminal; silent when stderr is a pipe or a file (CI logs). */
function progressBar(file: string, total: number) {
  const tty = process.stderr.isTTY === true;
  const draw = (done: number) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    process.stderr.write(
      `\r${file} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done}/${total} lines`
    );
  };
  return {
    update: (done: number) => tty && draw(done),
    done: () => tty && process.stderr.write('\n'),
  };
}
