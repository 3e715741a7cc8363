import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../service-process';

const run = promisify(execFile);

/** A PostgreSQL server of a test's own (initdb + pg_ctl on a free port), so the test may crash it. */
export interface ThrowawayPostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  createDatabase(name: string): Promise<void>;
  /** `pg_ctl stop -m immediate`: every backend dies at once, as in a crash; the next start runs crash recovery. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** The server's log so far, for failure messages. */
  log(): string;
  /** Stops the server (fast) and deletes its data directory. */
  destroy(): Promise<void>;
}

/**
 * initdb refuses to run as root; then the server runs as PUSHMFA_TEST_PG_USER (default `postgres`, the Debian
 * package's user) through runuser, in a data directory it owns.
 */
function asServerUser(dir: string): { command: (binary: string, args: string[]) => [string, string[]] } {
  if (process.getuid?.() !== 0) return { command: (binary, args) => [binary, args] };
  const user = process.env.PUSHMFA_TEST_PG_USER ?? 'postgres';
  let uid: number;
  let gid: number;
  try {
    const passwd = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((line) => line.startsWith(`${user}:`));
    const fields = passwd?.split(':') ?? [];
    uid = Number(fields[2]);
    gid = Number(fields[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('not found');
  } catch {
    throw new Error(`throwaway PostgreSQL: running as root, initdb needs an unprivileged user; "${user}" does not exist (set PUSHMFA_TEST_PG_USER)`);
  }
  chownSync(dir, uid, gid);
  return { command: (binary, args) => ['runuser', ['-u', user, '--', binary, ...args]] };
}

async function exec(command: [string, string[]], what: string): Promise<void> {
  try {
    await run(command[0], command[1], { timeout: 60_000 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`throwaway PostgreSQL: ${what} failed (are initdb and pg_ctl installed and on PATH?): ${String(error)}\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

export async function startThrowawayPostgres(label: string): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(join(tmpdir(), `pushmfa-pg-${label}-`));
  const user = asServerUser(dir);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  await exec(user.command('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']), 'initdb');
  // fsync off: the data is thrown away and an immediate stop kills processes, not the machine, so what reached the
  // OS survives it. synchronous_commit stays on: a commit is seen only once it is in the WAL, as in production.
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=200',
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c shared_buffers=64MB',
  ].join(' ');
  const start = () => exec(user.command('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']), 'pg_ctl start');
  const stop = (mode: 'immediate' | 'fast') => exec(user.command('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']), `pg_ctl stop -m ${mode}`);
  await start();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    createDatabase: async (name) => {
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database "${name}"`);
      } finally {
        await client.end();
      }
    },
    crash: () => stop('immediate'),
    start,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    destroy: async () => {
      await stop('fast').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
