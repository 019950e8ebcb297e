/**
 * Prometheus frames as samples (metric, labels, value), whatever format the query used:
 * - time series: a number field per series with its labels (`__name__` among them), one frame per
 *   series or several series in one frame; a range query gives its last point;
 * - table: a row per series, a column per label (`__name__` included) and a `Value` column.
 */
import { DataFrame, Field, FieldType, Labels } from '@grafana/data';
import { numberAt, rowCount, textAt, timeAt } from './fields';

export interface Sample {
  refId: string | undefined;
  metric: string;
  labels: Labels;
  value: number;
  /** When the sample was taken (epoch ms), if the frame says. */
  time: number | null;
}

/** Without `__name__` (some expressions drop it), the name Grafana shows may still start with it. */
function metricFromName(...names: Array<string | undefined>): string | null {
  for (const name of names) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{|$)/.exec(name ?? '');
    if (m && m[1] !== 'Value') {
      return m[1];
    }
  }
  return null;
}

const timeFieldOf = (frame: DataFrame) => frame.fields.find((f) => f.type === FieldType.time);

function lastValueRow(field: Field): number {
  for (let i = field.values.length - 1; i >= 0; i--) {
    if (numberAt(field, i) !== null) {
      return i;
    }
  }
  return -1;
}

type Visit = (sample: Sample) => void;

function seriesSamples(frame: DataFrame, visit: Visit) {
  const time = timeFieldOf(frame);
  for (const field of frame.fields) {
    if (field.type !== FieldType.number) {
      continue;
    }
    const labels = field.labels ?? {};
    const metric = labels.__name__ ?? metricFromName(field.name, field.config?.displayNameFromDS, frame.name);
    const row = lastValueRow(field);
    if (metric && row >= 0) {
      visit({ refId: frame.refId, metric, labels, value: numberAt(field, row)!, time: timeAt(time, row) });
    }
  }
}

function tableSamples(frame: DataFrame, nameField: Field, visit: Visit) {
  const time = timeFieldOf(frame);
  const value = [...frame.fields].reverse().find((f) => f.type === FieldType.number);
  const labelFields = frame.fields.filter((f) => f !== nameField && f.type === FieldType.string);
  const rows = rowCount(frame);
  for (let row = 0; row < rows; row++) {
    const metric = textAt(nameField, row);
    const v = numberAt(value, row);
    if (metric === null || v === null) {
      continue;
    }
    const labels: Labels = { __name__: metric };
    for (const f of labelFields) {
      const text = textAt(f, row);
      if (text !== null) {
        labels[f.name] = text;
      }
    }
    visit({ refId: frame.refId, metric, labels, value: v, time: timeAt(time, row) });
  }
}

/** Calls `visit` for each sample of a frame (no array per frame: there can be thousands of frames). */
export function forEachSample(frame: DataFrame, visit: Visit) {
  const nameField = frame.fields.find((f) => f.name === '__name__');
  nameField ? tableSamples(frame, nameField, visit) : seriesSamples(frame, visit);
}
