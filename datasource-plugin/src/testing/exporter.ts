/**
 * Starts the REAL Ballast exporter for a test: `node exporter/dist/cli/main.js serve --demo` on a
 * free loopback port with its own data directory and tokens, waits for GET /api/v1/health, and
 * stops it afterwards. The exporter must be built first (`npm run build -w exporter`; the root
 * `npm test` builds every workspace before testing). BALLAST_EXPORTER_CLI may point at another
 * build of the same CLI.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const EXPORTER_CLI =
  process.env.BALLAST_EXPORTER_CLI ?? path.resolve(__dirname, '../../../exporter/dist/cli/main.js');

export interface RunningExporter {
  url: string;
  readToken: string;
  adminToken: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startExporter(timeoutMs = 90_000): Promise<RunningExporter> {
  if (!fs.existsSync(EXPORTER_CLI)) {
    throw new Error(`${EXPORTER_CLI} does not exist: build the exporter first (npm run build -w exporter)`);
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-ds-test-'));
  const readToken = `read-${Math.random().toString(36).slice(2)}-0123456789`;
  const adminToken = `admin-${Math.random().toString(36).slice(2)}-0123456789`;
  const child: ChildProcess = spawn(
    process.execPath,
    [EXPORTER_CLI, 'serve', '--demo', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir],
    {
      env: { ...process.env, BALLAST_TOKENS: `read:${readToken},admin:${adminToken}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the exporter exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) {
        return { url, readToken, adminToken, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the exporter did not become ready within ${timeoutMs} ms:\n${output}`);
}
