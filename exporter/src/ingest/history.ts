/**
 * History import: JSON Lines or CSV exports of any record collection, written through
 * RecordService.batch (the API's validation) in chunks. A bad line is reported with its line number
 * and left out; the good lines of its chunk are still written. Re-importing a file changes nothing.
 */
import { z } from 'zod';
import { COLLECTIONS, recordSchemas, type Collection } from '../domain/records.js';
import type { Issue } from '../domain/org.js';
import { ValidationError } from '../service/errors.js';
import type { RecordService } from '../service/records.js';

export interface SourceLine {
  /** 1-based line where the record starts. */
  line: number;
  collection?: Collection;
  record?: Record<string, unknown>;
  /** Why the line could not be read at all. */
  issues?: Issue[];
}

export interface Rejected {
  line: number;
  issues: Issue[];
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  rejected: Rejected[];
}

/** `incident`, `incidents`, `Incidents` → `incidents`. */
export function collectionOf(name: string | undefined): Collection | undefined {
  const n = name?.trim().toLowerCase();
  return COLLECTIONS.find((c) => c === n || c === `${n}s`);
}

/**
 * Reads the collection of a line: the --kind flag, else a `collection` field, else a `kind` field
 * that names a collection (a change's own kind then comes from `changeKind`).
 */
function assignCollection(raw: Record<string, unknown>, flag: Collection | undefined, line: number): SourceLine {
  if (flag) return { line, collection: flag, record: raw };
  const { collection: named, ...rest } = raw;
  if (named !== undefined) {
    const collection = collectionOf(String(named));
    return collection
      ? { line, collection, record: rest }
      : { line, issues: [{ path: 'collection', message: `unknown collection "${named}"` }] };
  }
  const { kind, changeKind, ...others } = raw;
  const collection = collectionOf(typeof kind === 'string' ? kind : undefined);
  if (!collection) {
    return {
      line,
      issues: [
        {
          path: 'kind',
          message:
            'give the collection with --kind, or in a "collection" or "kind" column (incidents, alerts, findings, changes, freezes, drills, actions)',
        },
      ],
    };
  }
  return { line, collection, record: changeKind !== undefined ? { ...others, kind: changeKind } : others };
}

export function parseJsonLines(text: string, flag?: Collection): SourceLine[] {
  const result: SourceLine[] = [];
  text.split(/\r?\n/).forEach((content, i) => {
    if (content.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      result.push({ line: i + 1, issues: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      result.push({ line: i + 1, issues: [{ path: '', message: 'must be a JSON object' }] });
      return;
    }
    result.push(assignCollection(value as Record<string, unknown>, flag, i + 1));
  });
  return result;
}

/** RFC 4180 CSV: a header row, quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsvRows(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      rowLine = ++line;
    } else cell += c;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

export function parseCsv(text: string, flag?: Collection): SourceLine[] {
  const [header, ...rows] = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (!header) return [];
  const columns = header.cells.map((c) => c.trim());
  return rows.map(({ line, cells }) => {
    if (cells.length !== columns.length) {
      return { line, issues: [{ path: '', message: `has ${cells.length} cells; the header has ${columns.length}` }] };
    }
    const raw: Record<string, string> = {};
    columns.forEach((column, i) => {
      if (cells[i] !== '') raw[column] = cells[i]!;
    });
    const assigned = assignCollection(raw, flag, line);
    if (!assigned.collection || !assigned.record) return assigned;
    try {
      return { ...assigned, record: typed(assigned.collection, assigned.record as Record<string, string>) };
    } catch (error) {
      if (error instanceof ValidationError) return { line, issues: error.issues };
      throw error;
    }
  });
}

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[] };
const shapes = new Map<Collection, JsonSchema>();

/** CSV cells are text: give booleans, numbers, nested (`scope.team`) and JSON (`steps`) their type, per the record schema. */
function typed(collection: Collection, cells: Record<string, string>): Record<string, unknown> {
  let shape = shapes.get(collection);
  if (!shape) {
    shape = z.toJSONSchema(recordSchemas[collection], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    shapes.set(collection, shape);
  }
  const record: Record<string, unknown> = {};
  for (const [column, text] of Object.entries(cells)) {
    const path = column.split('.');
    let schema: JsonSchema | undefined = shape;
    let target = record;
    path.forEach((key, i) => {
      schema = schema?.properties?.[key];
      if (i < path.length - 1) target = (target[key] ??= {}) as Record<string, unknown>;
    });
    target[path[path.length - 1]!] = cellValue(text, typeOf(schema), column);
  }
  return record;
}

function typeOf(schema: JsonSchema | undefined): string | undefined {
  const types = [schema?.type, ...(schema?.anyOf ?? []).map((s) => s.type)].flat().filter((t) => t && t !== 'null');
  return types[0] as string | undefined;
}

function cellValue(text: string, type: string | undefined, column: string): unknown {
  const v = text.trim();
  switch (type) {
    case 'boolean':
      if (/^(true|yes|1)$/i.test(v)) return true;
      if (/^(false|no|0)$/i.test(v)) return false;
      throw new ValidationError([{ path: column, message: 'must be true or false' }]);
    case 'number':
    case 'integer':
      if (v === '' || Number.isNaN(Number(v)))
        throw new ValidationError([{ path: column, message: 'must be a number' }]);
      return Number(v);
    case 'array':
    case 'object':
      try {
        return JSON.parse(v);
      } catch {
        throw new ValidationError([{ path: column, message: 'must be JSON' }]);
      }
    default:
      return text;
  }
}

/** Changes before the incidents that name them (causedByChange), incidents before their actions. */
const ORDER: Collection[] = ['changes', 'incidents', 'alerts', 'findings', 'freezes', 'drills', 'actions'];

export const IMPORT_CHUNK = 1000;

export async function importLines(
  records: RecordService,
  lines: SourceLine[],
  onProgress: (done: number) => void = () => {}
): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, rejected: [] };
  const firstLine = new Map<string, number>();
  const byCollection = new Map<Collection, SourceLine[]>();
  for (const line of lines) {
    if (line.issues) {
      summary.rejected.push({ line: line.line, issues: line.issues });
      continue;
    }
    // A later line with the same id would make every re-run report an update: refuse it.
    const key = `${line.collection}|${String(line.record!.id)}`;
    const first = firstLine.get(key);
    if (line.record!.id !== undefined && first !== undefined) {
      summary.rejected.push({ line: line.line, issues: [{ path: 'id', message: `duplicate of line ${first}` }] });
      continue;
    }
    firstLine.set(key, line.line);
    byCollection.set(line.collection!, [...(byCollection.get(line.collection!) ?? []), line]);
  }
  let done = summary.rejected.length;
  onProgress(done);
  for (const collection of ORDER) {
    const all = byCollection.get(collection) ?? [];
    for (let i = 0; i < all.length; i += IMPORT_CHUNK) {
      const chunk = all.slice(i, i + IMPORT_CHUNK);
      await writeChunk(records, collection, chunk, summary);
      done += chunk.length;
      onProgress(done);
    }
  }
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}

/** Writes a chunk; lines the validation names are set aside and the rest written again. */
async function writeChunk(records: RecordService, collection: Collection, chunk: SourceLine[], summary: ImportSummary) {
  let pending = chunk;
  while (pending.length > 0) {
    try {
      const result = await records.batch(collection, { records: pending.map((l) => l.record) });
      summary.created += result.created;
      summary.updated += result.updated;
      summary.unchanged += result.unchanged;
      return;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const bad = new Map<number, Issue[]>();
      for (const issue of error.issues) {
        const match = /^records\[(\d+)\]\.?(.*)$/.exec(issue.path);
        if (!match) throw error;
        const index = Number(match[1]);
        bad.set(index, [...(bad.get(index) ?? []), { path: match[2]!, message: issue.message }]);
      }
      for (const [index, issues] of bad) summary.rejected.push({ line: pending[index]!.line, issues });
      pending = pending.filter((_, index) => !bad.has(index));
    }
  }
}
