/** The `ballast serve` process: start-up messages, refusal to expose itself, draining on SIGTERM. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '../src/cli/main.ts');
const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'ballast-cli-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--data-dir', dataDir], {
    env: { PATH: process.env.PATH ?? '', BALLAST_LOG_LEVEL: 'info', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = async () => {
    for (let i = 0; i < 600 && !/Ballast exporter (\S+)/.test(stdout); i++) {
      // 30 s: tsx start-up on a loaded machine
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const match = /Ballast exporter (\S+)/.exec(stdout);
    if (!match) throw new Error(`the exporter did not start:\n${stdout}\n${stderr}`);
    return match[1]!;
  };
  return { child, exited, url, output: () => ({ stdout, stderr }) };
}

describe('ballast serve', () => {
  it('refuses to listen beyond loopback without tokens, saying why', async () => {
    const proc = await run(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(await proc.exited).toBe(1);
    expect(proc.output().stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without tokens: set BALLAST_TOKENS/);
  });

  it('prints its URLs, logs JSON without tokens and drains in-flight requests on SIGTERM', async () => {
    const token = 'admin-secret-token-123456';
    const proc = await run(['serve', '--port', '0'], { BALLAST_TOKENS: `admin:${token}` });
    const url = await proc.url();
    const { stdout } = proc.output();
    expect(stdout).toContain(`API docs: ${url}/api/v1/openapi.json`);
    expect(stdout).toContain(`Metrics:  ${url}/metrics`);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const org = {
      businessLines: [{ id: 'bl', name: 'BL', owner: 'O' }],
      teams: [{ id: 't', name: 'T', businessLine: 'bl', manager: 'M' }],
    };
    expect((await fetch(`${url}/api/v1/org`, { method: 'PUT', headers: auth, body: JSON.stringify(org) })).status).toBe(
      200
    );
    // The request is in flight for certain: headers and half the body are sent before SIGTERM, the
    // rest only once the process has logged that it is draining. A process that exits at once (or
    // closes open sockets) resets this connection; one that drains answers it.
    const records = Array.from({ length: 3 }, (_, i) => ({
      id: `a-${i}`,
      name: 'Slow',
      severity: 'critical',
      team: 't',
      startsAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    }));
    const body = Buffer.from(JSON.stringify({ records }));
    const { hostname, port } = new URL(url);
    const request = httpRequest({
      hostname,
      port,
      method: 'POST',
      path: '/api/v1/alerts/batch',
      agent: false,
      headers: { ...auth, 'content-length': body.length },
    });
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      request.on('error', reject);
    });
    request.write(body.subarray(0, body.length >> 1));
    await new Promise((r) => setTimeout(r, 300)); // the server has read the headers and waits for the body
    proc.child.kill('SIGTERM');
    for (let i = 0; i < 200 && !proc.output().stdout.includes('shutting down: draining requests'); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(proc.output().stdout).toContain('shutting down: draining requests');
    await new Promise((r) => setTimeout(r, 300)); // an exporter that does not drain is gone by now
    expect(proc.child.exitCode, 'the exporter exited with a request in flight').toBeNull();
    // It stops accepting while it drains: a new connection is refused.
    await expect(fetch(`${url}/api/v1/health`)).rejects.toThrow();
    request.end(body.subarray(body.length >> 1));
    const response = await inFlight;
    expect(response.status, response.text).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(await proc.exited).toBe(0);
    const lines = proc
      .output()
      .stdout.split('\n')
      .filter((l) => l.startsWith('{'));
    const messages = lines.map((l) => JSON.parse(l).msg);
    expect(messages).toContain('shutting down: draining requests');
    expect(messages).toContain('stopped');
    expect(proc.output().stdout).not.toContain(token);
  });
});
