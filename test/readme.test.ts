// The newcomer path, as written: every shell command of README.md, docs/*.md and the folder
// READMEs is either run against the demo exporter that `npm start` starts (on a free port, with a
// temporary data dir), or checked another way (npm scripts exist; CI YAML run step by step), or
// excluded with the reason it cannot run here. A command in a doc that none of these covers fails
// the suite, so a new example cannot slip in untried.
//
// What is substituted, and only that: the exporter's address (`localhost:9464`, `<exporter>:9464`,
// `https://ballast.example.com`) by the demo's, `sudo ` (the tests already run as the user that
// owns the folders), Grafana's plugins folder `/var/lib/grafana/plugins` by a temporary one.
// Commands run from the repository root with `node_modules/.bin` on PATH (as after `npm ci`),
// BALLAST_DATA_DIR set to the demo's data dir (so `ballast import` writes into the demo's store,
// as after `npm start`, which uses ./data), and npm_config_yes=false so a missing local bin fails
// instead of fetching some other package called "ballast" from the registry.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeTempDir, type TempDir } from './support/cleanup.js';
import { freePort } from './support/ports.js';
import { startProcess, type ManagedProcess } from './support/process.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);
/** Words an inline code span starts with when it is a command someone would type. */
const COMMAND_WORDS =
  /^(npm|npx|node|curl|ballast|docker|gh|promtool|amtool|sudo|unzip|grafana|grafana-cli|systemctl) \S/;

const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(ROOT, { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() &&
        !['node_modules', '.git'].includes(d.name) &&
        existsSync(path.join(ROOT, d.name, 'README.md'))
    )
    .map((d) => `${d.name}/README.md`),
].sort();

interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}
interface Inline {
  file: string;
  line: number;
  text: string;
}

/** Fenced code blocks (``` at any indentation, closed by a fence of the same indentation). */
function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^ {${indent}}\`\`\`\\s*$`).test(lines[j]!); j++)
      body.push(lines[j]!.slice(indent));
    blocks.push({ file, line: i + 1, lang: open[2]!, text: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** Inline code spans outside fenced blocks that are commands (start with a command word). */
function inlineCommands(file: string): Inline[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const found: Inline[] = [];
  let fence: string | undefined;
  lines.forEach((text, i) => {
    const f = /^( *)```/.exec(text);
    if (f) {
      fence = fence === undefined ? f[1] : fence === f[1] ? undefined : fence;
      return;
    }
    if (fence !== undefined) return;
    for (const m of text.matchAll(/`([^`]+)`/g))
      if (COMMAND_WORDS.test(m[1]!)) found.push({ file, line: i + 1, text: m[1]! });
  });
  return found;
}

const packageJson = (dir: string) =>
  JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
    workspaces?: string[];
  };
const WORKSPACES = new Map(
  (packageJson('.').workspaces ?? []).map(
    (w) => [(JSON.parse(readFileSync(path.join(ROOT, w, 'package.json'), 'utf8')) as { name: string }).name, w] as const
  )
);

/** Why an `npm …` command would not run as written, or undefined when it would (its script exists). */
function npmProblem(command: string): string | undefined {
  const words = command
    .replace(/\s+#.*$/, '')
    .trim()
    .split(/\s+/);
  if (words[0] !== 'npm') return `not an npm command: ${command}`;
  const sub = words[1];
  if (sub === 'ci' || sub === 'install') return undefined; // installs; the suite itself runs after it
  const wsIndex = words.findIndex((w) => w === '-w' || w === '--workspace');
  const ws = wsIndex > 0 ? words[wsIndex + 1]! : undefined;
  const dir = ws === undefined ? '.' : (WORKSPACES.get(ws) ?? ws);
  if (ws !== undefined && !(packageJson('.').workspaces ?? []).includes(dir)) return `${command}: no workspace ${ws}`;
  const script = sub === 'run' ? words[2] : sub === 'test' || sub === 'start' ? sub : undefined;
  if (script === undefined) return `${command}: not an npm run/test/start command`;
  if (!packageJson(dir).scripts?.[script]) return `${command}: ${dir}/package.json has no "${script}" script`;
  return undefined;
}

const npmParts = (line: string) =>
  line
    .replace(/\s+#.*$/, '')
    .split('&&')
    .map((p) => p.trim())
    .filter((p) => p.startsWith('npm '));

/** Commands that cannot run on this machine, each with the reason and where it is checked instead. */
const EXCLUDED: { match: RegExp; why: string }[] = [
  {
    match: /^docker\b|\bdocker compose\b/,
    why: 'no Docker engine here; docker-compose.yml and the Dockerfile are checked in provisioning-static.test.ts',
  },
  {
    match: /^gh api\b/,
    why: 'GitHub CLI against github.com (no network); the deployment payload fields are the GitHub receiver’s, tested in exporter/test/ingest.test.ts',
  },
  {
    match: /^amtool alert add\b/,
    why: 'needs a running Alertmanager; the moved-startsAt case it describes runs with a real one in alertmanager-webhook.test.ts',
  },
  { match: /^promtool test rules/, why: 'run on the shipped rules by provisioning-rules.test.ts' },
  { match: /^(sudo )?systemctl restart grafana-server/, why: 'restarts a Grafana service; no Grafana runs here' },
  { match: /^grafana cli\b/, why: 'no Grafana here; named to say why the zips are unzipped instead' },
];

interface Env {
  url: string;
  port: number;
  dataDir: string;
  plugins: string;
  scratch: string;
}

function substitute(text: string, env: Env): string {
  return text
    .replaceAll('https://ballast.example.com', env.url)
    .replace(/(?<![\w.-])(localhost|127\.0\.0\.1|<exporter>):9464\b/g, `127.0.0.1:${env.port}`)
    .replace(/(^|\s|\()sudo /gm, '$1')
    .replaceAll('/var/lib/grafana/plugins', env.plugins);
}

function shell(script: string, env: Env, extra: NodeJS.ProcessEnv = {}, cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-eo', 'pipefail', '-c', script], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      BALLAST_DATA_DIR: env.dataDir,
      BALLAST_URL: env.url,
      BALLAST_TOKEN: '',
      npm_config_yes: 'false',
      ...extra,
    },
  });
}

/**
 * A gate command answers either way: 0 and a checkId (on stdout, unless the snippet captures it),
 * or "frozen" (CLI exit 1, curl exit 22 on the 423): the demo has org-wide year-end and holiday
 * windows, and a recurring weekend freeze for Payments.
 */
function expectGateAnswer(run: SpawnSyncReturns<string>, what: string, checkIdOnStdout = true) {
  const frozen =
    (run.status === 1 && /is frozen/.test(run.stderr)) || (run.status === 22 && /"allowed":false/.test(run.stdout));
  if (!frozen) expect(run.status, `${what}\n${run.stdout}\n${run.stderr}`).toBe(0);
  if (run.status === 0 && checkIdOnStdout) expect(run.stdout).toMatch(/gc-[0-9a-f-]{36}/);
}

describe('README and docs commands run as written against `npm start`’s demo', () => {
  let demo: ManagedProcess;
  let data: TempDir;
  let scratch: TempDir;
  let env: Env;

  beforeAll(async () => {
    // `npm start` is "<build the exporter> && node exporter/dist/cli/main.js serve --demo": run its
    // serve part (the suite has built already) on a free port with a temp data dir.
    const start = packageJson('.').scripts!.start!;
    const [, serve] = start.split('&&').map((s) => s.trim());
    expect(start).toMatch(/^npm run build -w exporter && node \S+ serve --demo$/);
    const [node, main, ...args] = serve!.split(/\s+/);
    expect(node).toBe('node');
    expect(existsSync(path.join(ROOT, main!)), `${main} is missing: npm run build -w exporter`).toBe(true);
    data = makeTempDir('readme');
    scratch = makeTempDir('readmescratch');
    const port = await freePort();
    demo = startProcess(
      'npm-start-demo',
      process.execPath,
      [main!, ...args, '--port', String(port), '--data-dir', data.path],
      { cwd: ROOT }
    );
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const up = await fetch(`${url}/api/v1/health`).then(
        (r) => r.ok,
        () => false
      );
      if (up) break;
      if (demo.exitStatus || Date.now() > deadline)
        throw new Error(`the demo exporter did not start:\n${demo.logTail(40)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const plugins = path.join(scratch.path, 'grafana-plugins');
    mkdirSync(plugins);
    env = { url, port, dataDir: data.path, plugins, scratch: scratch.path };
  }, 120_000);

  afterAll(async () => {
    await demo?.stop();
    data?.remove();
    scratch?.remove();
  });

  it('the first screen of the README gives exactly the two commands, and .ci/run runs the second', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const firstScreen = readme.split(/^---$/m)[0]!;
    const blocks = fencedBlocks('README.md').filter((b) => firstScreen.includes(b.text));
    expect(blocks).toHaveLength(1);
    const commands = blocks[0]!.text
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    expect(readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm ci && npm test$/m);
  });

  it('every npm command in the docs names a script that exists (in the workspace it names)', () => {
    const problems: string[] = [];
    for (const file of DOCS) {
      for (const b of fencedBlocks(file).filter((x) => SHELL_LANGS.has(x.lang))) {
        for (const line of b.text.split('\n'))
          for (const part of npmParts(line))
            problems.push(...[npmProblem(part)].filter((p) => p).map((p) => `${file}:${b.line}: ${p}`));
      }
      for (const c of inlineCommands(file))
        for (const part of npmParts(c.text))
          problems.push(...[npmProblem(part)].filter((p) => p).map((p) => `${file}:${c.line}: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it('every shell block runs (blocks of npm commands only are the check above; Docker and network ones are excluded with a reason)', async () => {
    const results: string[] = [];
    for (const file of DOCS) {
      for (const b of fencedBlocks(file).filter((x) => SHELL_LANGS.has(x.lang))) {
        const lines = b.text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
        const excluded = EXCLUDED.find((e) => lines.some((l) => e.match.test(l.trim())));
        if (excluded) {
          results.push(`${file}:${b.line} excluded: ${excluded.why}`);
          continue;
        }
        if (lines.every((l) => /^(webpack|vitest) .*\.\.\/\.config\//.test(l))) {
          // .config/README.md: what each plugin's `npm run build` / `npm test` run in its folder
          const commands = lines.map((l) => l.replace(/\s+#.*$/, '').trim());
          for (const dir of ['datasource-plugin', 'panel-plugin', 'app-plugin']) {
            const scripts = packageJson(dir).scripts ?? {};
            expect([scripts.build, scripts.test], `${dir}/package.json`).toEqual(commands);
          }
          results.push(`${file}:${b.line} checked: the plugins' build and test scripts are these commands`);
          continue;
        }
        if (lines.every((l) => l.trim().startsWith('npm '))) {
          results.push(`${file}:${b.line} npm scripts checked`);
          continue;
        }
        if (/^(sudo )?unzip .*release\//m.test(b.text)) {
          // docs/plugins.md: the release zips of `npm run package` (the suite has built the plugins)
          const zipped = spawnSync(
            process.execPath,
            ['scripts/package.mjs', '--out', path.join(env.scratch, 'release')],
            { cwd: ROOT, encoding: 'utf8' }
          );
          expect(zipped.status, zipped.stderr).toBe(0);
          const run = shell(substitute(b.text, env), env, {}, env.scratch);
          expect(run.status, `${file}:${b.line}\n${run.stderr}`).toBe(0);
          for (const id of ['ballast-stability-datasource', 'ballast-scorecard-panel', 'ballast-stability-app']) {
            expect(JSON.parse(readFileSync(path.join(env.plugins, id, 'plugin.json'), 'utf8')).id).toBe(id);
          }
          results.push(`${file}:${b.line} ran`);
          continue;
        }
        const run = shell(substitute(b.text, env), env);
        if (/ballast gate|\/api\/v1\/gate/.test(b.text)) expectGateAnswer(run, `${file}:${b.line}`);
        else expect(run.status, `${file}:${b.line}\n${run.stdout}\n${run.stderr}`).toBe(0);
        results.push(`${file}:${b.line} ran`);
      }
    }
    // the examples this test exists for
    expect(results).toContain(
      `README.md:${fencedBlocks('README.md').find((b) => b.text.includes('/api/v1/incidents/inc-42'))!.line} ran`
    );
    expect(results.filter((r) => r.endsWith(' ran')).length).toBeGreaterThanOrEqual(3);
  });

  it('the README incident example was written, with its service resolved to a demo team', async () => {
    const incident = await (await fetch(`${env.url}/api/v1/incidents/inc-42`)).json();
    expect(incident).toMatchObject({ id: 'inc-42', service: 'checkout-gateway', team: 'payments-checkout' });
  });

  it('every inline command runs, names a real subcommand, or is excluded with a reason', async () => {
    const help = shell('npx ballast --help', env);
    expect(help.status, help.stderr).toBe(0);
    const subcommands = new Set([...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!));
    expect([...subcommands]).toEqual(expect.arrayContaining(['serve', 'demo', 'gate', 'import']));

    const unhandled: string[] = [];
    for (const file of DOCS) {
      for (const c of inlineCommands(file)) {
        const where = `${file}:${c.line} \`${c.text}\``;
        const text = c.text.trim();
        if (EXCLUDED.some((e) => e.match.test(text)) || /\bdocker\b/.test(text)) continue;
        if (text.startsWith('npm ')) continue; // the npm-script check above
        if (/^(npx )?ballast serve$/.test(text)) {
          // a server: started as written plus a free port and its own store, answered, stopped
          const port = await freePort();
          const dir = path.join(env.scratch, `serve-${port}`);
          const server = startProcess('doc-serve', 'bash', ['-c', `${text} --port ${port} --data-dir ${dir}`], {
            cwd: ROOT,
            env: {
              ...process.env,
              PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
              npm_config_yes: 'false',
            },
          });
          try {
            let ok = false;
            for (let i = 0; i < 120 && !ok && !server.exitStatus; i++) {
              ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
                (r) => r.ok,
                () => false
              );
              if (!ok) await new Promise((r) => setTimeout(r, 250));
            }
            if (!ok) unhandled.push(`${where}: did not answer\n${server.logTail(20)}`);
          } finally {
            await server.stop();
          }
          continue;
        }
        // a subcommand's name in prose (`ballast gate`, `ballast import FILE…`): it must exist
        const named = /^(?:npx )?ballast(?: ([a-z]+)(?: FILE…)?)?$/.exec(text);
        if (named) {
          if (named[1] !== undefined && !subcommands.has(named[1])) unhandled.push(`${where}: no such subcommand`);
          continue;
        }
        if (/^(npx )?ballast |^curl |^node /.test(text)) {
          const run = shell(substitute(text, env), env);
          if (/ballast gate|\/api\/v1\/gate/.test(text)) expectGateAnswer(run, where);
          else if (run.status !== 0) unhandled.push(`${where}: exit ${run.status}\n${run.stdout}\n${run.stderr}`);
          continue;
        }
        unhandled.push(`${where}: neither run, checked nor excluded by this test`);
      }
    }
    expect(unhandled).toEqual([]);
  });

  it('the CI snippets run step by step: GitHub Actions and GitLab CI get a checkId from the gate', () => {
    const readme = fencedBlocks('README.md').filter((b) => b.lang === 'yaml');
    expect(readme).toHaveLength(2);
    const github = parseYaml(readme[0]!.text) as { name: string; env?: Record<string, string>; run: string }[];
    const gateStep = github.find((s) => /npx ballast gate/.test(s.run))!;
    expect(gateStep.env?.BALLAST_URL).toBeDefined();
    const out = path.join(env.scratch, 'github-output');
    const gh = shell(substitute(gateStep.run, env), env, {
      BALLAST_URL: substitute(gateStep.env!.BALLAST_URL!, env),
      GITHUB_OUTPUT: out,
    });
    expectGateAnswer(gh, 'README GitHub Actions gate step', false);
    if (gh.status === 0) expect(readFileSync(out, 'utf8')).toMatch(/^check=gc-[0-9a-f-]{36}$/m);

    const gitlab = parseYaml(readme[1]!.text) as Record<
      string,
      { variables?: Record<string, string>; before_script?: string[]; script: string[] }
    >;
    const job = gitlab['freeze-gate']!;
    // its install step is `npm ci && npm run build -w exporter`, the one this suite runs after
    expect(job.before_script?.flatMap(npmParts)).toEqual(['npm ci', 'npm run build -w exporter']);
    const cwd = path.join(ROOT, 'test', 'artifacts', `readme-gitlab-${process.pid}`);
    mkdirSync(cwd, { recursive: true });
    try {
      const gl = shell(
        job.script.map((l) => substitute(l, env)).join('\n'),
        env,
        { BALLAST_URL: substitute(job.variables!.BALLAST_URL!, env) },
        cwd
      );
      expectGateAnswer(gl, 'README GitLab CI freeze-gate job', false);
      if (gl.status === 0)
        expect(readFileSync(path.join(cwd, 'gate.env'), 'utf8')).toMatch(/^BALLAST_GATE_CHECK=gc-[0-9a-f-]{36}$/m);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('`npx ballast` resolves right after `npm ci`: its bin is a committed file that explains a missing build', () => {
    const exporter = JSON.parse(readFileSync(path.join(ROOT, 'exporter', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = exporter.bin.ballast!;
    // npm links a workspace's bin only when the target exists at install time: it must be a source
    // file a clone has (not ignored by git, not under the built dist/), not a build output
    expect(bin.startsWith('dist/'), bin).toBe(false);
    const ignored = spawnSync('git', ['check-ignore', '-q', `exporter/${bin}`], { cwd: ROOT });
    expect(ignored.status, `exporter/${bin} is ignored by git`).toBe(1);
    expect(readFileSync(path.join(ROOT, 'exporter', bin), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    // without dist/ it says how to build (a copy of the shim in a tree without dist/)
    const bare = path.join(env.scratch, 'unbuilt', 'exporter');
    mkdirSync(path.join(bare, 'bin'), { recursive: true });
    cpSync(path.join(ROOT, 'exporter', bin), path.join(bare, bin));
    const unbuilt = spawnSync(process.execPath, [path.join(bare, bin), '--help'], { encoding: 'utf8' });
    expect(unbuilt.status).toBe(2);
    expect(unbuilt.stderr).toMatch(/not built yet .*\n.*npm run build -w exporter/);
  });
});
