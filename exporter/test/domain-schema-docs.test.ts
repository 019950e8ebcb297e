/**
 * The org config's documentation: the field descriptions its schema carries into the OpenAPI
 * document (api/openapi.ts reads the JSON Schema of the zod schemas), written out here so a
 * description emptied or lost shows. Pure.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orgSchema } from '../src/domain/org.js';

/** Every `description` of a JSON Schema, however deep. */
function descriptions(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => descriptions(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'description' && typeof v === 'string') out.add(v);
      else descriptions(v, out);
    }
  }
  return out;
}

describe('the org schema as documented', () => {
  it('describes the reorg, policy, change-control, review, report and red-line fields', () => {
    const found = descriptions(z.toJSONSchema(orgSchema, { io: 'input', unrepresentable: 'any' }));
    for (const text of [
      'Kept for history; new records may not name it.',
      'Kept for history; new records go to this id of the same kind (ingestion follows it).',
      'IANA timezone of calendar windows such as ytd.',
      'When set, an unreviewed alert that resolved sooner than this counts as noise.',
      'A cited gate check counts only when asked at most this long before the change started.',
      'Whether Grafana Editors (not only Admins) may grant freeze exemptions through the app.',
      'Grace in days before a record crosses the line.',
      'Red lines (docs/metrics.md "Red lines"): each rule named is on, with its grace in days.',
      'Name of the environment variable holding the secret (read when delivering, never stored or logged).',
      'The daily report, sent once a day at `time` in `timezone`, about the day before.',
      'Relative move (0.05 = 5 % of the previous value) from which "what changed" lists a KPI; a status change (met, at risk, missed) is listed whatever its size.',
    ])
      expect(found.has(text), text).toBe(true);
  });
});
