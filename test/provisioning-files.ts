// The shipped provisioning files (provisioning/, docker-compose.yml) as the provisioning tests read
// them, and the rewrites that point them at servers on loopback instead of compose service names.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROVISIONING = path.join(ROOT, 'provisioning');
export const RULES_DIR = path.join(PROVISIONING, 'prometheus', 'rules');
export const DASHBOARDS_DIR = path.join(PROVISIONING, 'grafana', 'dashboards');

export const readText = (file: string) => readFileSync(path.resolve(ROOT, file), 'utf8');
export const readYaml = <T = any>(file: string): T => YAML.parse(readText(file), { merge: true }) as T;

export const ruleFiles = () =>
  readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.rules.yml'))
    .map((f) => path.join(RULES_DIR, f));
export const ruleTestFiles = () =>
  readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.test.yml'))
    .map((f) => path.join(RULES_DIR, f));

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}
type Rule = AlertRule | RecordingRule;

export function rules(): Rule[] {
  return ruleFiles().flatMap((f) =>
    (readYaml<{ groups: { rules: Rule[] }[] }>(f).groups ?? []).flatMap((g) => g.rules)
  );
}
export const alertRules = () => rules().filter((r): r is AlertRule => 'alert' in r);
export const recordingRules = () => rules().filter((r): r is RecordingRule => 'record' in r);

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  annotations: {
    list: {
      name: string;
      iconColor?: string;
      datasource?: { type?: string; uid?: string };
      builtIn?: number;
      target?: { queryType?: string; annotationSource?: string };
    }[];
  };
  templating: {
    list: {
      name: string;
      type: string;
      datasource?: { type?: string; uid?: string };
      query?: unknown;
      definition?: string;
    }[];
  };
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { refId: string; expr?: string; datasource?: { type?: string; uid?: string }; [k: string]: unknown }[];
  panels?: Panel[];
  fieldConfig?: {
    defaults?: { links?: { url: string }[] };
    overrides?: { properties: { id: string; value: unknown }[] }[];
  };
}

export function dashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: f, dashboard: JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, f), 'utf8')) as Dashboard }));
}

export const allPanels = (d: Dashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

/** Every PromQL expression of a dashboard: panel targets and Prometheus query variables. */
export function promExpressions(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of allPanels(d)) {
    for (const t of p.targets ?? []) {
      const ds = t.datasource ?? p.datasource;
      if (ds?.type === 'prometheus' && typeof t.expr === 'string')
        out.push({ where: `${d.uid} panel "${p.title}" ${t.refId}`, expr: t.expr });
    }
  }
  for (const v of d.templating.list) {
    if (v.type === 'query' && v.datasource?.type === 'prometheus' && v.definition) {
      // label_values(<selector>, label) is a Grafana helper; its selector is the PromQL part
      const m = /^label_values\((.*),\s*\w+\)$/.exec(v.definition);
      out.push({ where: `${d.uid} variable ${v.name}`, expr: m ? m[1]! : v.definition });
    }
  }
  return out;
}

/** Dashboard variables as Grafana would interpolate them for "All" and the default window. */
export function interpolate(expr: string): string {
  const values: Record<string, string> = {
    window: '30d',
    business_line: '.*',
    team: '.*',
    __rate_interval: '1m',
    __interval: '15s',
    __range: '1h',
  };
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)/g,
    (all, a: string | undefined, b: string | undefined) => values[(a ?? b)!] ?? all
  );
}
