/**
 * The `ingestion` section of the config file (BALLAST_CONFIG), read by its schema: each setting's
 * bounds refused naming the setting (the exporter does not start on a bad config), and the CSV
 * history reader's nested columns. Written against the mutants StrykerJS left alive
 * (`npm run mutate -- exporter-ingest`).
 *
 * Equivalent mutants left alive on purpose:
 * - the `.describe(…)` texts of the ingestion schema (mapping.ts, incident-mapping.ts) are read by
 *   nothing at run time (the config is no API body, so no OpenAPI document shows them);
 * - receivers.ts `replace(/-/g, '_')` without `g`: no source name has more than one dash.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/ingest/history.js';
import { defaultIngestion, splitConfigFile } from '../src/ingest/mapping.js';
import { issuesOf } from './ingest-adapter-fixtures.js';

const refused = (ingestion: unknown) => issuesOf(() => splitConfigFile({ ingestion })).map((i) => i.path);
const accepted = (ingestion: unknown) => splitConfigFile({ ingestion }).ingestion;

describe('ingestion config bounds', () => {
  it('takes a missing or null section as the defaults', () => {
    expect(splitConfigFile({ ingestion: null }).ingestion).toEqual(defaultIngestion());
    expect(splitConfigFile({ ingestion: undefined }).ingestion).toEqual(defaultIngestion());
  });

  it('refuses label names Prometheus would not accept', () => {
    for (const name of ['1abc', 'a-b', 'a b', '', 'ab$', 'é'])
      expect(refused({ alertmanager: { labels: { team: name } } })).toEqual(['ingestion.alertmanager.labels.team']);
    for (const name of ['_a', 'A1', 'a_b_C9', 'z'])
      expect(accepted({ alertmanager: { labels: { team: name } } }).alertmanager.labels.team).toBe(name);
    expect(refused({ findings: { targetTypeLabel: 'a-b' } })).toEqual(['ingestion.findings.targetTypeLabel']);
  });

  it('bounds the default severity, systems, patterns and rule lists', () => {
    expect(refused({ alertmanager: { defaultSeverity: '' } })).toEqual(['ingestion.alertmanager.defaultSeverity']);
    expect(refused({ alertmanager: { defaultSeverity: 's'.repeat(51) } })).toEqual([
      'ingestion.alertmanager.defaultSeverity',
    ]);
    expect(accepted({ alertmanager: { defaultSeverity: 's'.repeat(50) } }).alertmanager.defaultSeverity).toHaveLength(
      50
    );
    expect(refused({ systems: { github: 'not an id!' } })).toEqual(['ingestion.systems.github']);
    expect(refused({ cloudevents: { changeTypes: [] } })).toEqual(['ingestion.cloudevents.changeTypes']);
    expect(refused({ cloudevents: { changeTypes: [''] } })).toEqual(['ingestion.cloudevents.changeTypes[0]']);
    expect(refused({ cloudevents: { changeTypes: ['p'.repeat(301)] } })).toEqual([
      'ingestion.cloudevents.changeTypes[0]',
    ]);
    expect(accepted({ cloudevents: { changeTypes: ['p'.repeat(300)] } }).cloudevents.changeTypes).toEqual([
      'p'.repeat(300),
    ]);
    expect(refused({ services: [{ service: 'a', application: '' }] })).toEqual(['ingestion.services[0].application']);
    expect(refused({ services: [{ service: 'a', repository: 'r'.repeat(301) }] })).toEqual([
      'ingestion.services[0].repository',
    ]);
    expect(refused({ services: [{ service: 'a', labels: { k: '' } }] })).toEqual(['ingestion.services[0].labels.k']);
    expect(refused({ services: [{ service: 'a', application: 'x', extra: 1 }] })).toEqual([
      'ingestion.services[0].extra',
    ]);
    expect(accepted({ services: [{ service: 'a', labels: {} }] }).services).toEqual([{ service: 'a', labels: {} }]);
  });

  it('bounds the Jira settings', () => {
    expect(refused({ jira: { incidents: { issueTypes: [''] } } })).toEqual(['ingestion.jira.incidents.issueTypes[0]']);
    expect(refused({ jira: { actions: { labels: ['l'.repeat(201)] } } })).toEqual(['ingestion.jira.actions.labels[0]']);
    expect(refused({ jira: { incidents: { issueTypes: new Array(101).fill('x') } } })).toEqual([
      'ingestion.jira.incidents.issueTypes',
    ]);
    expect(
      accepted({ jira: { incidents: { issueTypes: new Array(100).fill('x') } } }).jira.incidents.issueTypes
    ).toHaveLength(100);
    for (const field of ['incident', 'startedAt', 'recoveredAt']) {
      expect(refused({ jira: { fields: { [field]: '' } } })).toEqual([`ingestion.jira.fields.${field}`]);
      expect(refused({ jira: { fields: { [field]: 'f'.repeat(101) } } })).toEqual([`ingestion.jira.fields.${field}`]);
    }
    expect(refused({ jira: { detectionSource: 'psychic' } })).toEqual(['ingestion.jira.detectionSource']);
    expect(refused({ jira: { actionDueDays: 0 } })).toEqual(['ingestion.jira.actionDueDays']);
    expect(refused({ jira: { actionDueDays: 3661 } })).toEqual(['ingestion.jira.actionDueDays']);
    expect(accepted({ jira: { actionDueDays: 3660 } }).jira.actionDueDays).toBe(3660);
    expect(refused({ jira: { incidents: { other: 1 } } })).toEqual(['ingestion.jira.incidents.other']);
    expect(refused({ jira: { fields: { other: 'x' } } })).toEqual(['ingestion.jira.fields.other']);
  });

  it('bounds the findings and chaos settings', () => {
    expect(refused({ findings: { defaultTargetType: 'fridge' } })).toEqual(['ingestion.findings.defaultTargetType']);
    // The empty key is named as the path's last, empty segment.
    expect(refused({ findings: { dueDays: { '': 5 } } })).toEqual(['ingestion.findings.dueDays.']);
    expect(refused({ findings: { dueDays: { ['s'.repeat(51)]: 5 } } })[0]).toMatch(/^ingestion\.findings\.dueDays/);
    expect(refused({ findings: { dueDays: { page: -1 } } })).toEqual(['ingestion.findings.dueDays.page']);
    expect(refused({ findings: { defaultDueDays: 0 } })).toEqual(['ingestion.findings.defaultDueDays']);
    expect(refused({ chaos: { labels: { service: '' } } })).toEqual(['ingestion.chaos.labels.service']);
    expect(refused({ chaos: { labels: { team: 't'.repeat(301) } } })).toEqual(['ingestion.chaos.labels.team']);
    expect(accepted({ chaos: { labels: { team: 't'.repeat(300) } } }).chaos.labels.team).toHaveLength(300);
    expect(refused({ chaos: { detectedAtAnnotation: '' } })).toEqual(['ingestion.chaos.detectedAtAnnotation']);
    expect(refused({ chaos: { detectionTargetMinutes: 0 } })).toEqual(['ingestion.chaos.detectionTargetMinutes']);
    expect(refused({ chaos: { detectionTargetMinutes: 10_081 } })).toEqual(['ingestion.chaos.detectionTargetMinutes']);
    expect(accepted({ chaos: { detectionTargetMinutes: 10_080 } }).chaos.detectionTargetMinutes).toBe(10_080);
    expect(refused({ chaos: { labels: { other: 'x' } } })).toEqual(['ingestion.chaos.labels.other']);
  });

  it('bounds the incident tools settings', () => {
    expect(refused({ incidents: { priorities: [{ match: '', priority: 'P1' }] } })).toEqual([
      'ingestion.incidents.priorities[0].match',
    ]);
    expect(refused({ incidents: { priorities: [{ match: 'x', priority: ' ' }] } })).toEqual([
      'ingestion.incidents.priorities[0].priority',
    ]);
    expect(refused({ incidents: { priorities: [{ match: 'x', priority: 'p'.repeat(21) }] } })).toEqual([
      'ingestion.incidents.priorities[0].priority',
    ]);
    expect(
      accepted({ incidents: { priorities: [{ match: 'x', priority: ' P1 ' }] } }).incidents.priorities[0]!.priority
    ).toBe('P1');
    expect(refused({ incidents: { priorities: [{ match: 'x', source: '', priority: 'P1' }] } })).toEqual([
      'ingestion.incidents.priorities[0].source',
    ]);
    expect(refused({ incidents: { priorities: [{ match: 'x', priority: 'P1', other: 1 }] } })).toEqual([
      'ingestion.incidents.priorities[0].other',
    ]);
    expect(refused({ incidents: { priorities: new Array(201).fill({ match: 'x', priority: 'P1' }) } })).toEqual([
      'ingestion.incidents.priorities',
    ]);
    expect(refused({ incidents: { defaultPriority: '' } })).toEqual(['ingestion.incidents.defaultPriority']);
    expect(refused({ incidents: { defaultPriority: 'p'.repeat(21) } })).toEqual([
      'ingestion.incidents.defaultPriority',
    ]);
    expect(accepted({ incidents: { defaultPriority: ' P4 ' } }).incidents.defaultPriority).toBe('P4');
    for (const url of [
      'ftp://grafana.example',
      'git+https://grafana.example',
      'httpx://grafana.example',
      'grafana.example',
    ])
      expect([url, refused({ incidents: { grafanaUrl: url } })]).toEqual([url, ['ingestion.incidents.grafanaUrl']]);
    expect(accepted({ incidents: { grafanaUrl: 'http://grafana.example:3000/' } }).incidents.grafanaUrl).toBe(
      'http://grafana.example:3000/'
    );
    for (const url of [
      'https://x/',
      'ftp://x/{id}',
      'xhttps://x/{id}',
      'https://x/{id} y',
      'https:/x/{id}',
      'https://x y/{id}',
    ])
      expect([url, refused({ incidents: { opsgenieAlertUrl: url } })]).toEqual([
        url,
        ['ingestion.incidents.opsgenieAlertUrl'],
      ]);
    expect(accepted({ incidents: { opsgenieAlertUrl: 'http://og/{id}' } }).incidents.opsgenieAlertUrl).toBe(
      'http://og/{id}'
    );
    expect(refused({ incidents: { incidentio: { timestamps: { startedAt: [] } } } })).toEqual([
      'ingestion.incidents.incidentio.timestamps.startedAt',
    ]);
    expect(refused({ incidents: { incidentio: { timestamps: { detectedAt: [' '] } } } })).toEqual([
      'ingestion.incidents.incidentio.timestamps.detectedAt[0]',
    ]);
    expect(refused({ incidents: { incidentio: { timestamps: { recoveredAt: new Array(21).fill('x') } } } })).toEqual([
      'ingestion.incidents.incidentio.timestamps.recoveredAt',
    ]);
    expect(refused({ incidents: { incidentio: { timestamps: { other: ['x'] } } } })).toEqual([
      'ingestion.incidents.incidentio.timestamps.other',
    ]);
    expect(refused({ incidents: { incidentio: { other: 1 } } })).toEqual(['ingestion.incidents.incidentio.other']);
    expect(
      accepted({ incidents: { incidentio: { timestamps: { resolvedAt: [' Done at '] } } } }).incidents.incidentio
        .timestamps.resolvedAt
    ).toEqual(['Done at']);
  });
});

describe('history CSV nesting', () => {
  it('nests dotted columns into objects and types them by the nested schema', () => {
    const [line] = parseCsv(
      'id,name,reason,scope.team,schedule.cron,schedule.durationMinutes\nf1,W,R,ledger,0 18 * * 5,600',
      'freezes'
    );
    expect(line!.record).toEqual({
      id: 'f1',
      name: 'W',
      reason: 'R',
      scope: { team: 'ledger' },
      schedule: { cron: '0 18 * * 5', durationMinutes: 600 },
    });
    // The schema is read once per collection; a second file reads the same.
    const [again] = parseCsv('id,schedule.durationMinutes\nf2,30', 'freezes');
    expect(again!.record).toEqual({ id: 'f2', schedule: { durationMinutes: 30 } });
  });
});
