/** `ballast gate`: exit codes and one-line reasons for allowed, frozen, unreachable (closed / --fail-open), refused. */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateCommand, GATE_EXIT } from '../src/cli/gate.js';
import { freePort } from '../../test/support/ports.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, TOKENS, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const CLI = join(import.meta.dirname, '../src/cli/main.ts');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('ballast gate', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await STORE_TARGETS[0]!.fresh());
    await server.call('PUT', '/api/v1/org', { body: smallOrg() });
    const now = Date.now();
    await server.call('PUT', '/api/v1/freezes/release-freeze', {
      body: {
        name: 'Release freeze',
        reason: 'Quarter close',
        scope: { team: 'ledger' },
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
      },
    });
  });
  afterAll(() => server?.close());

  it('exits 0 with the checkId on stdout when allowed', async () => {
    const { io, out, err } = capture();
    expect(await gateCommand({ service: 'checkout-api', url: server.url, token: TOKENS.read }, io)).toBe(
      GATE_EXIT.allowed
    );
    expect(out).toEqual([expect.stringMatching(/^gc-/)]);
    const check = await (await server.call('GET', `/api/v1/gate/checks/${out[0]}`, { role: 'read' })).json();
    expect(check).toMatchObject({ allowed: true, service: 'checkout-api' });
    expect(err).toHaveLength(1);
  });

  it('exits 1 with one line naming the window, reason and end when frozen', async () => {
    const { io, out, err } = capture();
    expect(await gateCommand({ team: 'ledger', url: server.url, token: TOKENS.read }, io)).toBe(GATE_EXIT.frozen);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/team ledger is frozen: "Release freeze" \(Quarter close\) until \d{4}-\d\d-\d\dT/);
  });

  it('fails closed when the exporter cannot be reached, unless --fail-open', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const closed = capture();
    expect(await gateCommand({ service: 'checkout-api', url, token: TOKENS.read }, closed.io)).toBe(GATE_EXIT.noAnswer);
    expect(closed.err[0]).toMatch(/no answer \(cannot reach .*ECONNREFUSED\); refusing/);
    const open = capture();
    expect(await gateCommand({ service: 'checkout-api', url, failOpen: true }, open.io)).toBe(GATE_EXIT.allowed);
    expect(open.err[0]).toMatch(/allowing service checkout-api because of --fail-open/);
  });

  it('fails on a refused request even with --fail-open (a bad token is no outage)', async () => {
    const { io, err } = capture();
    expect(
      await gateCommand(
        { service: 'checkout-api', url: server.url, token: 'wrong-token-0123456789', failOpen: true },
        io
      )
    ).toBe(GATE_EXIT.noAnswer);
    expect(err[0]).toMatch(/refused the request \(401\)/);
  });

  it('names each invalid field of a 400 (the body\'s issues), not only "the request has invalid fields"', async () => {
    const { io, out, err } = capture();
    expect(await gateCommand({ service: 'no-such-service', url: server.url, token: TOKENS.read }, io)).toBe(
      GATE_EXIT.noAnswer
    );
    expect(out).toEqual([]);
    expect(err).toEqual([
      'ballast gate: the exporter refused the request (400): the request has invalid fields; service: unknown service "no-such-service"',
    ]);
  });

  it('says so when the URL answers but is not the exporter (HTML instead of a gate answer), even with --fail-open', async () => {
    const other = createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>')
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { io, err } = capture();
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      expect(await gateCommand({ service: 'checkout-api', url, failOpen: true }, io)).toBe(GATE_EXIT.noAnswer);
      expect(err).toEqual([
        `ballast gate: ${url} refused the request (404) without a gate answer; is it the Ballast exporter?`,
      ]);
    } finally {
      other.close();
    }
  });

  it('exits 2, never 1, on a usage error', async () => {
    expect(await gateCommand({ service: 'checkout-api' }, capture().io)).toBe(GATE_EXIT.noAnswer);
    expect(await gateCommand({ url: server.url }, capture().io)).toBe(GATE_EXIT.noAnswer);
  });

  it('runs as a subcommand, taking the token from BALLAST_TOKEN', async () => {
    // Asynchronously: the server answering lives in this process.
    const failed = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', CLI, 'gate', '--team', 'ledger', '--url', server.url],
      {
        env: { PATH: process.env.PATH ?? '', BALLAST_TOKEN: TOKENS.read },
      }
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error
    );
    expect(failed.code).toBe(GATE_EXIT.frozen);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toContain('Release freeze');
  });
});
