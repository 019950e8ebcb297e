/** The org config file: the shipped example loads, and a bad reference is refused with its path. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseTokens, roleOf } from '../src/api/auth.js';
import { INGEST_SOURCES, RECEIVERS, webhookSecretEnv, webhookSecretsFromEnv } from '../src/ingest/receivers.js';
import { OrgService } from '../src/service/org.js';
import { ValidationError } from '../src/service/errors.js';

const EXAMPLE = join(import.meta.dirname, '../../provisioning/ballast/org.example.yaml');

describe('org config', () => {
  it('loads the shipped example with defaults applied', async () => {
    const org = OrgService.parse(YAML.parse(await readFile(EXAMPLE, 'utf8')));
    expect(org.teams).toHaveLength(3);
    expect(org.policy).toEqual({
      highPriorities: ['P0', 'P1'],
      highSeverities: ['critical'],
      timezone: 'Europe/Berlin',
      transientAlertMinutes: null,
    });
  });

  it('names the path of an unknown team, business line or KPI', () => {
    const bad = {
      businessLines: [{ id: 'bl', name: 'BL', owner: 'O' }],
      teams: [{ id: 't', name: 'T', businessLine: 'nope', manager: 'M' }],
      services: [{ id: 's', name: 'S', team: 'ghost', owner: 'O' }],
      goals: [{ year: 2026, kpi: 'happiness', target: 1 }],
    };
    const kpiError = (() => {
      try {
        OrgService.parse(bad);
      } catch (error) {
        return error as ValidationError;
      }
    })();
    expect(kpiError?.issues.map((i) => i.path)).toEqual(['goals[0].kpi']);
    const refs = (() => {
      try {
        OrgService.parse({ ...bad, goals: [], policy: { timezone: 'Mars/Olympus' } });
      } catch (error) {
        return error as ValidationError;
      }
    })();
    expect(refs?.issues).toEqual([
      { path: 'teams[0].businessLine', message: 'unknown business line "nope"' },
      { path: 'services[0].team', message: 'unknown team "ghost"' },
      { path: 'policy.timezone', message: 'unknown IANA timezone "Mars/Olympus"' },
    ]);
  });
});

describe('tokens', () => {
  it('parses role:token pairs and grants each its role', () => {
    const tokens = parseTokens('read:aaaaaaaaaaaaaaaa1, admin:bbbbbbbbbbbbbbbb2');
    expect(roleOf(tokens, 'aaaaaaaaaaaaaaaa1')).toBe('read');
    expect(roleOf(tokens, 'bbbbbbbbbbbbbbbb2')).toBe('admin');
    expect(roleOf(tokens, 'bbbbbbbbbbbbbbbb')).toBeNull();
  });

  it('refuses a malformed or short token without echoing it', () => {
    expect(() => parseTokens('root:aaaaaaaaaaaaaaaa')).toThrow(/entry 1 must be role:name:token \(or role:token\)/);
    expect(() => parseTokens('read:short')).toThrow(/at least 16 characters/);
    try {
      parseTokens('read:short');
    } catch (error) {
      expect(String(error)).not.toContain('short');
    }
  });
});

describe('webhook secrets of the signing receivers', () => {
  const signing = INGEST_SOURCES.filter((s) => RECEIVERS[s].signature);

  it('reads BALLAST_<SOURCE>_WEBHOOK_SECRET for each signing receiver, and nothing for the others', () => {
    expect(webhookSecretEnv('pagerduty-incidents')).toBe('BALLAST_PAGERDUTY_INCIDENTS_WEBHOOK_SECRET');
    const env = Object.fromEntries(INGEST_SOURCES.map((s) => [webhookSecretEnv(s), `secret-${s}`]));
    expect(webhookSecretsFromEnv(env)).toEqual(Object.fromEntries(signing.map((s) => [s, `secret-${s}`])));
    expect(signing).toEqual(expect.arrayContaining(['github', 'jira', 'pagerduty-incidents', 'incidentio']));
  });

  it('documents each variable in docs/ingestion.md', async () => {
    const doc = await readFile(join(import.meta.dirname, '../../docs/ingestion.md'), 'utf8');
    for (const source of signing) expect(doc, source).toContain(`\`${webhookSecretEnv(source)}\``);
  });
});
