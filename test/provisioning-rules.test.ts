// The shipped Prometheus and Alertmanager configuration, checked by the real promtool and amtool:
// config and rule syntax, the rule unit tests, and what the rules promise (every alert documented
// and unit-tested both ways, every non-count KPI in the recording rules with its direction).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { KPI_DEFINITIONS } from '../exporter/src/domain/kpis.js';
import { INGEST_SOURCES } from '../exporter/src/ingest/receivers.js';
import { requireBinary } from './support/binaries.js';
import { promtool } from './support/prometheus.js';
import {
  alertRules,
  readText,
  readYaml,
  recordingRules,
  ruleFiles,
  ruleTestFiles,
  RULES_DIR,
} from './provisioning-files.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'ballast-provisioning-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('prometheus.yml', () => {
  it('passes promtool check config, with its rules', async () => {
    const config = readYaml('provisioning/prometheus/prometheus.yml');
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yml']);
    // the compose mount point, pointed at the repository folder
    config.rule_files = [path.join(RULES_DIR, '*.rules.yml')];
    const file = path.join(tmp, 'prometheus.yml');
    writeFileSync(file, YAML.stringify(config));
    const result = await promtool(['check', 'config', file]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('scrapes the exporter as job "ballast", which BallastExporterDown selects', () => {
    const config = readYaml('provisioning/prometheus/prometheus.yml');
    const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'ballast');
    expect(job.static_configs[0].targets).toEqual(['exporter:9464']);
    expect(alertRules().find((r) => r.alert === 'BallastExporterDown')?.expr).toContain('job="ballast"');
  });
});

describe('rule files', () => {
  it.each(ruleFiles().map((f) => [path.basename(f), f]))('%s passes promtool check rules', async (_name, file) => {
    const result = await promtool(['check', 'rules', file]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it.each(ruleTestFiles().map((f) => [path.basename(f), f]))('%s passes promtool test rules', async (_name, file) => {
    const result = await promtool(['test', 'rules', path.basename(file)], { cwd: RULES_DIR });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('unit-tests every alert rule both firing and not firing', () => {
    const cases = ruleTestFiles().flatMap((f) =>
      (
        readYaml<{ tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] }>(f).tests ?? []
      ).flatMap((t) => t.alert_rule_test ?? [])
    );
    const names = alertRules().map((r) => r.alert);
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) {
      const mine = cases.filter((c) => c.alertname === name);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${name} firing`
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${name} not firing`
      ).toBe(true);
    }
  });

  it('covers the alerts the issue asks for', () => {
    const exprs = alertRules()
      .map((r) => r.expr)
      .join('\n');
    for (const metric of [
      'stability_mttr_seconds',
      'stability_alert_accuracy_ratio',
      'stability_inspection_findings_overdue',
      'stability_freeze_violations',
      'stability_high_priority_alerts_per_day',
      'up{job="ballast"}',
      'ballast_kpi_last_refresh_timestamp_seconds',
    ]) {
      expect(exprs).toContain(metric);
    }
  });

  it('gives every alert a summary, a description and a runbook section that exists', () => {
    const runbooks = readText('docs/runbooks.md');
    // GitHub-style anchors of the "## " headings
    const anchors = new Set(
      [...runbooks.matchAll(/^##+ (.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-')
      )
    );
    for (const rule of alertRules()) {
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning|info)$/);
      const url = rule.annotations?.runbook_url ?? '';
      expect(url, rule.alert).toMatch(/\/docs\/runbooks\.md#/);
      const anchor = url.split('#')[1]!;
      expect(anchor).toBe(rule.alert.toLowerCase());
      expect(anchors.has(anchor), `docs/runbooks.md has a "## ${rule.alert}" section`).toBe(true);
    }
  });

  it('records every KPI against its window target without naming one, the direction from stability_kpi_info', () => {
    const recording = readText('provisioning/prometheus/rules/ballast-recording.rules.yml');
    const byName = (name: string) => recordingRules().filter((r) => r.record === name);
    // Generic: a KPI added to the registry is recorded without editing the rules.
    for (const d of KPI_DEFINITIONS) expect(recording, d.key).not.toMatch(new RegExp(`\\b${d.key}\\b`));
    // The exporter's targets, not re-derived ones: the window target (counts pro-rated), never the yearly one.
    expect(recording).not.toContain('stability_kpi_target');
    const [targeted] = byName('stability:kpi_value:targeted');
    expect(targeted?.expr).toMatch(/label_replace\([\s\S]*"kpi", "\$1", "__name__", "stability_\(\.\+\)"/);
    expect(targeted?.expr).toContain('stability_kpi_window_target');
    const [ratio] = byName('stability:kpi_to_target:ratio');
    expect(ratio?.expr).toContain('(stability_kpi_window_target > 0)');
    const [off] = byName('stability:kpi_off_target:bool');
    // lower is better: off above the target; higher is better: off below it.
    expect(off?.expr.replace(/\s+/g, ' ')).toMatch(
      /> bool on\([^)]*\) stability_kpi_window_target \) and on\(job, instance, kpi\) stability_kpi_info\{direction="lower"\}/
    );
    expect(off?.expr.replace(/\s+/g, ' ')).toMatch(
      /< bool on\([^)]*\) stability_kpi_window_target \) and on\(job, instance, kpi\) stability_kpi_info\{direction="higher"\}/
    );
    expect(new Set(KPI_DEFINITIONS.map((d) => d.direction))).toEqual(new Set(['lower', 'higher']));
  });

  it('alerts compare KPIs with the window target the exporter exports', () => {
    for (const rule of alertRules().filter((r) => r.expr.includes('target'))) {
      expect(rule.expr, rule.alert).not.toContain('stability_kpi_target');
      expect(rule.expr, rule.alert).toMatch(
        /on\(job, instance, window, business_line, team\)\s+stability_kpi_window_target\{kpi="/
      );
    }
  });
});

describe('alertmanager.yml', () => {
  const amtool = (args: string[]) =>
    new Promise<{ code: number; stdout: string; out: string }>((resolve) => {
      execFile(requireBinary('amtool'), args, { encoding: 'utf8' }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, out: stdout + stderr })
      );
    });

  it('passes amtool check-config', async () => {
    const result = await amtool(['check-config', path.join(RULES_DIR, '../../alertmanager/alertmanager.yml')]);
    expect(result.code, result.out).toBe(0);
  });

  it('sends every alert to the exporter webhook and, with continue, to a placeholder receiver', async () => {
    const config = readYaml('provisioning/alertmanager/alertmanager.yml');
    const [first, ...rest] = config.route.routes;
    expect(first.continue).toBe(true);
    expect(first.matchers ?? first.match ?? first.match_re).toBeUndefined();
    const ballast = config.receivers.find((r: { name: string }) => r.name === first.receiver);
    const webhook = ballast.webhook_configs[0];
    expect(INGEST_SOURCES).toContain('alertmanager');
    expect(webhook.url).toBe('http://exporter:9464/api/v1/ingest/alertmanager');
    expect(webhook.send_resolved).toBe(true);
    expect(webhook.http_config.authorization.credentials_file).toBeTruthy();
    expect(rest.length).toBeGreaterThan(0);
    expect(
      rest.some((r: { receiver: string; matchers?: unknown }) => r.receiver !== first.receiver && !r.matchers)
    ).toBe(true);
    // amtool's own routing test: an arbitrary alert reaches both receivers
    const routed = await amtool([
      'config',
      'routes',
      'test',
      '--config.file',
      path.join(RULES_DIR, '../../alertmanager/alertmanager.yml'),
      'alertname=Anything',
      'team=checkout',
    ]);
    expect(
      routed.stdout
        .trim()
        .split(/[,\s]+/)
        .sort(),
      routed.out
    ).toEqual([first.receiver, 'on-call'].sort());
  });
});
