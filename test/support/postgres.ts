// A throw-away PostgreSQL server: initdb + postgres in a fresh temp dir, listening only on
// 127.0.0.1:<free port> (plus a unix socket inside the temp dir), fsync off.
// PostgreSQL refuses to run as root, so when uid is 0 the cluster is created and run as the
// `postgres` system user (created by Debian's postgresql package).

import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresBinDir } from './binaries.js';
import { makeTempDir } from './cleanup.js';
import { freePort } from './ports.js';
import { addressInUse, startProcess, startupError, waitUntil, type ManagedProcess } from './process.js';

export interface PostgresOptions {
  /** Database created for the caller (default "ballast"). */
  database?: string;
  /** Superuser created by initdb (default "ballast"). */
  user?: string;
  /** Its password; TCP connections use scram-sha-256 (default "ballast"). */
  password?: string;
  /** Extra server settings, passed as `-c key=value`. */
  settings?: Record<string, string | number | boolean>;
  /** Start-up timeout (default 30 s). */
  timeoutMs?: number;
}

export interface PostgresServer {
  /** postgres://user:password@127.0.0.1:port/database */
  readonly url: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  /** The temp dir holding data/ and the unix socket dir sock/. */
  readonly dir: string;
  readonly socketDir: string;
  /** pid of the postmaster (e.g. to simulate a crash); a new one after restart(). */
  readonly pid: number;
  /** SIGSTOP of the postmaster and every backend: a hung server, its sockets open. Linux (/proc). */
  freeze(): void;
  /** SIGCONT of the same: the frozen server carries on where it stopped. */
  thaw(): void;
  /** `pg_ctl stop -m immediate`: SIGQUIT to the postmaster, backends quit without a checkpoint. */
  crash(): Promise<void>;
  /** Starts the server again on the same data dir and port (after crash()). */
  restart(): Promise<void>;
  /** Creates another empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  logTail(lines?: number): string;
  /** Fast shutdown, then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

function postgresUser(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let line: string;
  try {
    line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'startPostgres: running as root, and PostgreSQL refuses to run as root, but there is no `postgres` system user ' +
        "(Debian's postgresql package creates it: apt-get install postgresql)"
    );
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(file: string, args: string[], runAs: RunAs | undefined, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd,
        uid: runAs?.uid,
        gid: runAs?.gid,
        timeout: 60_000,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`.trim();
        if (err) reject(new Error(`${path.basename(file)} failed: ${err.message}\n${out}`));
        else resolve(out);
      }
    );
  });
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function buildUrl(user: string, password: string, port: number, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {}); // e.g. server shutting down under an idle client
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

// initdb takes most of the start-up time, so each distinct (binaries, user, password, owner)
// cluster is initialised once and kept as a template in <tmpdir>/ballast-pgtemplate-<hash>,
// shared by all test processes; each server starts from a copy. The template is built in a
// private dir and renamed into place, so a reader never sees a half-built one.
const TEMPLATE_FORMAT = 1; // bump when the initdb arguments change

async function templateDataDir(
  binDir: string,
  user: string,
  password: string,
  runAs: RunAs | undefined
): Promise<string> {
  const initdb = path.join(binDir, 'initdb');
  const st = statSync(path.join(binDir, 'postgres'));
  const owner = runAs?.uid ?? process.getuid?.() ?? -1;
  const key = createHash('sha256')
    .update(JSON.stringify([TEMPLATE_FORMAT, binDir, st.size, st.mtimeMs, user, password, owner]))
    .digest('hex')
    .slice(0, 16);
  const cacheDir = path.join(tmpdir(), `ballast-pgtemplate-${key}`);
  const cached = path.join(cacheDir, 'data');
  if (existsSync(path.join(cached, 'global', 'pg_control'))) return cached;

  const work = makeTempDir('pgtemplate');
  try {
    const dataDir = path.join(work.path, 'data');
    const pwFile = path.join(work.path, 'pwfile');
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (runAs) for (const p of [work.path, pwFile]) chownSync(p, runAs.uid, runAs.gid);
    await run(
      initdb,
      [
        '-D',
        dataDir,
        '-U',
        user,
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
        '--no-instructions',
      ],
      runAs,
      work.path
    );
    rmSync(pwFile);
    try {
      renameSync(work.path, cacheDir);
    } catch (err) {
      // another process won the race: use its template
      if (!['EEXIST', 'ENOTEMPTY'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  } finally {
    work.remove(); // no-op after the rename
  }
  return cached;
}

/**
 * The postmaster and its children: each backend calls setsid() (InitPostmasterChild), so they
 * are not in the postmaster's process group and must be found by parent pid.
 */
function signalServer(pid: number, signal: NodeJS.Signals): void {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ')'
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
  for (const target of [pid, ...children]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

export async function startPostgres(opts: PostgresOptions = {}): Promise<PostgresServer> {
  const database = opts.database ?? 'ballast';
  const user = opts.user ?? 'ballast';
  const password = opts.password ?? 'ballast';
  const binDir = postgresBinDir();
  const runAs = postgresUser();

  const tmp = makeTempDir('postgres');
  try {
    const dataDir = path.join(tmp.path, 'data');
    const socketDir = path.join(tmp.path, 'sock');
    mkdirSync(socketDir, { mode: 0o700 });
    if (runAs) {
      for (const p of [tmp.path, socketDir]) chownSync(p, runAs.uid, runAs.gid);
    }
    const template = await templateDataDir(binDir, user, password, runAs);
    // cp -a keeps the owner (postgres when we are root) and the 0700 mode postgres insists on.
    await run('cp', ['-a', template, dataDir], undefined, tmp.path);

    const settings: Record<string, string | number | boolean> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: socketDir,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      shared_buffers: '32MB',
      max_connections: 50,
      logging_collector: 'off',
      log_min_messages: 'warning',
      ...opts.settings,
    };
    const settingArgs = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${String(v)}`]);

    const launch = async (port: number): Promise<ManagedProcess> => {
      const proc = startProcess(
        'postgres',
        path.join(binDir, 'postgres'),
        ['-D', dataDir, '-p', String(port), ...settingArgs],
        {
          cwd: tmp.path,
          uid: runAs?.uid,
          gid: runAs?.gid,
          env: { ...process.env, LC_ALL: 'C' },
          stopSignal: 'SIGINT', // "fast" shutdown
        }
      );
      const adminUrl = buildUrl(user, password, port, 'postgres');
      try {
        await waitUntil(() => withClient(adminUrl, async (c) => (await c.query('select 1')).rowCount === 1), {
          proc,
          what: `postgres to accept connections on 127.0.0.1:${port}`,
          timeoutMs: opts.timeoutMs ?? 30_000,
          intervalMs: 50,
        });
        return proc;
      } catch (err) {
        await proc.stop({ timeoutMs: 2_000 });
        throw Object.assign(err as Error, { portTaken: addressInUse(proc) });
      }
    };
    let server: ManagedProcess | undefined;
    let port = 0;
    for (let attempt = 1; !server; attempt++) {
      port = await freePort();
      try {
        server = await launch(port);
      } catch (err) {
        if (attempt < 3 && (err as { portTaken?: boolean }).portTaken) continue;
        throw err;
      }
    }

    const createDatabase = async (name: string): Promise<string> => {
      await withClient(buildUrl(user, password, port, 'postgres'), (c) =>
        c.query(`create database ${quoteIdent(name)}`)
      );
      return buildUrl(user, password, port, name);
    };
    if (database !== 'postgres') {
      try {
        await createDatabase(database);
      } catch (err) {
        await server.stop({ timeoutMs: 2_000 });
        throw startupError(server, `could not create database ${database}`, err);
      }
    }

    let current: ManagedProcess = server;
    let stopping: Promise<void> | undefined;
    return {
      url: buildUrl(user, password, port, database),
      host: '127.0.0.1',
      port,
      database,
      user,
      password,
      dir: tmp.path,
      socketDir,
      get pid() {
        return current.pid;
      },
      createDatabase,
      logTail: (n) => current.logTail(n),
      freeze: () => signalServer(current.pid, 'SIGSTOP'),
      thaw: () => signalServer(current.pid, 'SIGCONT'),
      async crash() {
        process.kill(current.pid, 'SIGQUIT');
        await current.exited;
        await current.stop(); // reaps backends still in the group
      },
      async restart() {
        current = await launch(port);
      },
      stop: () =>
        (stopping ??= (async () => {
          try {
            signalServer(current.pid, 'SIGCONT'); // a frozen server cannot shut down
            await current.stop({ timeoutMs: 10_000 });
          } finally {
            tmp.remove();
          }
        })()),
    };
  } catch (err) {
    tmp.remove();
    throw err;
  }
}
