/**
 * The SQL that gives the app a PostgreSQL role of its own (checklist C3), run by the master user at deploy
 * time (lib/data/app-role-handler.ts) and, in the tests, against a real PostgreSQL. The app role owns the
 * app's database and its schema, so the app's migrations can create, change and drop what they need, and holds
 * nothing else: no superuser, database, role, replication or row-security bypass attribute, no membership of
 * any other role (rds_superuser included), no way into any other database.
 *
 * Written for RDS and Aurora PostgreSQL 14 to 18, where the master user is not a superuser: it has CREATEROLE
 * and CREATEDB and is a member of rds_superuser.
 *
 * Identifiers and literals never reach the server by string concatenation of their raw text: names are
 * validated, then quoted with pg's `escapeIdentifier`/`escapeLiteral` or by the server itself (`format('%I')`),
 * and the password is sent only as a SCRAM-SHA-256 verifier.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { appRoleNameProblem, PLAIN_IDENTIFIER, rotationCloneOf } from './app-role-contract';

/** What the provisioning needs of a client: pg's `Client` has it. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- catalog rows are untyped
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface AppRoleRequest {
  /** The app role: owner of the app's database and schema. */
  readonly roleName: string;
  /** The app's database; the client must be connected to it. */
  readonly databaseName: string;
  /**
   * The login whose password is set: the app role itself, or its rotation twin (`<role>_clone`) once a
   * multi-user rotation has swapped the secret over to it. The other login's password is left as it is.
   */
  readonly login: { readonly username: string; readonly password: string };
  /**
   * The schema the app's tables live in; objects the master user created in it before (when the app ran
   * as the master user) are handed to the app role.
   * @default 'public'
   */
  readonly schemaName?: string;
}

/** What a provisioning run did. */
export interface AppRoleOutcome {
  /** Roles created by this run (the app role and its rotation twin, the first time). */
  readonly createdRoles: readonly string[];
  /** Memberships of other roles the app role or its twin held and lost (`role` names). */
  readonly revokedMemberships: readonly string[];
  /** Objects of the app's schema that the master user owned and that now belong to the app role. */
  readonly reassigned: readonly string[];
  /** Other databases that PUBLIC (so the app) could connect to and no longer can. */
  readonly closedDatabases: readonly string[];
  /** Every statement run, in order, with the password verifier masked: for the function's log. */
  readonly statements: readonly string[];
}

/** Serializes concurrent runs (a stack update retried while the first run still holds its locks). */
const ADVISORY_LOCK_KEY = 'secure-scheduling:app-role';
/** How long a statement waits for a lock (a migration holding a table) before the run fails and says so. */
const LOCK_TIMEOUT = '30s';
/** SCRAM-SHA-256 iterations: PostgreSQL's own default (`scram_iterations`). */
const SCRAM_ITERATIONS = 4096;

/**
 * Makes (or repairs) the app role, its rotation twin and their ownership of the app's database and schema,
 * in one transaction: either all of it happens or none of it. Running it again changes nothing but the
 * password verifier's salt.
 */
export async function provisionAppRole(client: Queryable, request: AppRoleRequest): Promise<AppRoleOutcome> {
  const role = request.roleName;
  const clone = rotationCloneOf(role);
  const schema = request.schemaName ?? 'public';
  const problem = appRoleNameProblem(role);
  if (problem) {
    throw new Error(`app role name '${role}' ${problem}`);
  }
  if (!PLAIN_IDENTIFIER.test(request.databaseName) || !PLAIN_IDENTIFIER.test(schema)) {
    throw new Error(
      `database '${request.databaseName}' and schema '${schema}' must be plain lower-case identifiers`,
    );
  }
  if (request.login.username !== role && request.login.username !== clone) {
    throw new Error(
      `the app secret's username must be '${role}' or its rotation twin '${clone}', got '${request.login.username}'`,
    );
  }

  const statements: string[] = [];
  const run = async (sql: string, logged = sql) => {
    statements.push(logged);
    await client.query(sql);
  };
  const ident = escapeIdentifier;
  const outcome = {
    createdRoles: [] as string[],
    revokedMemberships: [] as string[],
    reassigned: [] as string[],
    closedDatabases: [] as string[],
  };

  await client.query('BEGIN');
  try {
    await run(`SET LOCAL lock_timeout = ${escapeLiteral(LOCK_TIMEOUT)}`);
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [ADVISORY_LOCK_KEY]);
    const {
      rows: [session],
    } = await client.query(
      `SELECT current_user AS master, current_database() AS database,
              current_setting('server_version_num')::int AS version`,
    );
    if (session.database !== request.databaseName) {
      throw new Error(
        `connected to database '${session.database}', expected the app's database '${request.databaseName}'`,
      );
    }
    const master: string = session.master;
    if (master === role || master === clone) {
      throw new Error(`the master user '${master}' cannot provision itself as the app role`);
    }
    // PostgreSQL 16 split membership into ADMIN, INHERIT and SET options; before, membership was one thing.
    // https://www.postgresql.org/docs/16/release-16.html#RELEASE-16-MIGRATION (CREATEROLE, role membership)
    const canSet = session.version >= 160000 ? 'SET' : 'MEMBER';

    // 1. The two logins, with no attribute beyond LOGIN. A superuser, replication or RLS-bypass attribute
    //    can only be removed by a superuser, which the RDS master is not: such a role is refused, not used.
    for (const name of [role, clone]) {
      const { rows } = await client.query(
        'SELECT rolsuper, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1',
        [name],
      );
      if (rows.length === 0) {
        await run(
          `CREATE ROLE ${ident(name)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT`,
        );
        outcome.createdRoles.push(name);
      } else {
        const [found] = rows;
        if (found.rolsuper || found.rolreplication || found.rolbypassrls) {
          throw new Error(
            `role '${name}' exists with SUPERUSER, REPLICATION or BYPASSRLS, which only a superuser can remove: it cannot serve as the app's role`,
          );
        }
        await run(`ALTER ROLE ${ident(name)} WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT`);
      }
    }

    // 2. The password, as a SCRAM-SHA-256 verifier: the hardened parameter group logs DDL statements
    //    (log_statement = ddl), and PostgreSQL stores a verifier it is given as is, so the password itself
    //    never reaches the database's log. https://www.postgresql.org/docs/current/sql-createrole.html
    const verifier = scramSha256Verifier(request.login.password);
    await run(
      `ALTER ROLE ${ident(request.login.username)} WITH PASSWORD ${escapeLiteral(verifier)}`,
      `ALTER ROLE ${ident(request.login.username)} WITH PASSWORD '<scram-sha-256 verifier>'`,
    );

    // 3. No membership of any other role (rds_superuser, pg_read_all_data, ...): only the twin in the app role.
    for (const name of [role, clone]) {
      const { rows } = await client.query(
        `SELECT r.rolname AS granted FROM pg_auth_members m
           JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
          WHERE u.rolname = $1 AND NOT (u.rolname = $2 AND r.rolname = $3)`,
        [name, clone, role],
      );
      for (const { granted } of rows) {
        await run(`REVOKE ${ident(granted)} FROM ${ident(name)}`);
        outcome.revokedMemberships.push(`${granted} from ${name}`);
      }
    }

    // 4. The twin acts as the app role: it is a member, and its sessions start with SET ROLE to it, so that
    //    whatever a migration creates while the secret holds the twin is owned by the app role, and the next
    //    rotation (back to the app role) can still change it.
    //    https://www.postgresql.org/docs/current/sql-alterrole.html (ALTER ROLE ... SET configuration_parameter)
    if (!(await isMember(client, clone, role, 'MEMBER'))) {
      await run(`GRANT ${ident(role)} TO ${ident(clone)}`);
    }
    await run(`ALTER ROLE ${ident(clone)} SET role TO ${escapeLiteral(role)}`);

    // 5. To give the app role its database, schema and objects, the master must be able to SET ROLE to it
    //    (ALTER ... OWNER TO requires it). It is made a member for this transaction only: since PostgreSQL
    //    16 the creator of a role holds only ADMIN OPTION on it, and before 16 CREATEROLE allowed the grant.
    //    https://www.postgresql.org/docs/current/sql-alterdatabase.html
    const temporaryMembership = !(await isMember(client, master, role, canSet));
    if (temporaryMembership) {
      await run(`GRANT ${ident(role)} TO CURRENT_USER`);
    }

    // 6. The database: owned by the app role; PUBLIC loses CONNECT and TEMPORARY (granted by default), the
    //    master keeps CONNECT (rotation and provisioning connect to this database).
    const database = ident(request.databaseName);
    await run(`ALTER DATABASE ${database} OWNER TO ${ident(role)}`);
    await run(`SET LOCAL ROLE ${ident(role)}`);
    await run(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await run(`GRANT CONNECT ON DATABASE ${database} TO ${ident(master)}`);
    await run('SET LOCAL ROLE NONE');

    // 7. The schema: on PostgreSQL 15+ `public` belongs to pg_database_owner, so the database's owner owns it
    //    already; an older or a named schema the master can hand over is given to the app role. PUBLIC keeps
    //    USAGE and loses CREATE. https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATTERNS
    const {
      rows: [schemaRow],
    } = await client.query(
      `SELECT nspowner::regrole::text AS owner,
              pg_has_role(current_user, nspowner, 'MEMBER') AS master_may_give
         FROM pg_namespace WHERE nspname = $1`,
      [schema],
    );
    if (!schemaRow) {
      await run(`CREATE SCHEMA ${ident(schema)} AUTHORIZATION ${ident(role)}`);
    } else if (schemaRow.owner !== 'pg_database_owner' && schemaRow.owner !== ident(role)) {
      if (!schemaRow.master_may_give) {
        throw new Error(
          `schema '${schema}' belongs to ${schemaRow.owner}, which the master user cannot act for: the app role cannot own it`,
        );
      }
      await run(`ALTER SCHEMA ${ident(schema)} OWNER TO ${ident(role)}`);
    }
    await run(`SET LOCAL ROLE ${ident(role)}`);
    await run(`REVOKE CREATE ON SCHEMA ${ident(schema)} FROM PUBLIC`);
    await run('SET LOCAL ROLE NONE');

    // 8. The upgrade from a deployment where the app ran as the master user: what the master owns in the
    //    app's schema is handed to the app role, object by object. Not REASSIGN OWNED BY master, which also
    //    hands over every database the master owns (postgres, template1) and every object elsewhere.
    //    https://www.postgresql.org/docs/current/sql-reassign-owned.html
    const { rows: handovers } = await client.query(OBJECTS_TO_HAND_OVER, [schema, role]);
    for (const { statement, name } of handovers) {
      await run(statement);
      outcome.reassigned.push(name);
    }

    // 9. No other database: PUBLIC (so the app role and its twin) loses CONNECT on every database the master
    //    can act for (postgres, template1 on RDS); rdsadmin and template0 already refuse PUBLIC.
    const { rows: others } = await client.query(
      `SELECT datname FROM pg_database
        WHERE datname <> current_database() AND datallowconn
          AND has_database_privilege('public', oid, 'CONNECT')
          AND pg_has_role(current_user, datdba, 'MEMBER')
        ORDER BY datname`,
    );
    for (const { datname } of others) {
      await run(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(datname)} FROM PUBLIC`);
      await run(`GRANT CONNECT ON DATABASE ${ident(datname)} TO ${ident(master)}`);
      outcome.closedDatabases.push(datname);
    }

    if (temporaryMembership) {
      await run(`REVOKE ${ident(role)} FROM CURRENT_USER`);
    }

    // 10. Proof before commit: what the app role ends up with, read back from the catalog.
    await assertLeastPrivilege(client, role, clone, request.databaseName, schema);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { ...outcome, statements };
}

/**
 * One `ALTER ... OWNER TO <app role>` per object of the schema that the current (master) user owns, quoted by
 * the server: tables, views, materialized views, foreign tables, sequences no column owns (the others follow
 * their table), standalone types and domains, functions, procedures and aggregates. Objects that belong to an
 * extension stay with it.
 */
const OBJECTS_TO_HAND_OVER = `
WITH target AS (SELECT oid FROM pg_namespace WHERE nspname = $1)
SELECT format('ALTER %s %I.%I OWNER TO %I',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                             WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
              $1::text, c.relname, $2::text) AS statement,
       format('%I.%I', $1::text, c.relname) AS name, 1 AS pass
  FROM pg_class c
 WHERE c.relnamespace = (SELECT oid FROM target)
   AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
   AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                      AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
UNION ALL
SELECT format('ALTER %s %I.%I OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
              $1::text, t.typname, $2::text),
       format('%I.%I', $1::text, t.typname), 2
  FROM pg_type t
 WHERE t.typnamespace = (SELECT oid FROM target)
   AND t.typowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
   AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
   AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
   AND NOT EXISTS (SELECT 1 FROM pg_type a WHERE a.typarray = t.oid)
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT format('ALTER %s %I.%I(%s) OWNER TO %I',
              CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
              $1::text, p.proname, pg_get_function_identity_arguments(p.oid), $2::text),
       format('%I.%I(%s)', $1::text, p.proname, pg_get_function_identity_arguments(p.oid)), 3
  FROM pg_proc p
 WHERE p.pronamespace = (SELECT oid FROM target)
   AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY pass, name`;

/** Is `member` a member of `role` with the given privilege (`MEMBER`, `USAGE` or, on 16+, `SET`)? */
async function isMember(
  client: Queryable,
  member: string,
  role: string,
  privilege: string,
): Promise<boolean> {
  const { rows } = await client.query('SELECT pg_has_role($1, $2, $3) AS yes', [member, role, privilege]);
  return rows[0].yes === true;
}

/** Throws unless the catalog shows the app role and its twin holding exactly what they should. */
async function assertLeastPrivilege(
  client: Queryable,
  role: string,
  clone: string,
  databaseName: string,
  schema: string,
): Promise<void> {
  const { rows } = await client.query(
    `SELECT r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
            (SELECT array_agg(g.rolname::text ORDER BY g.rolname) FROM pg_auth_members m
               JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS member_of,
            (SELECT array_agg(d.datname::text ORDER BY d.datname) FROM pg_database d
              WHERE d.datallowconn AND d.datname <> $3
                AND has_database_privilege(r.oid, d.oid, 'CONNECT')) AS other_databases,
            (SELECT datdba::regrole::text FROM pg_database WHERE datname = $3) AS database_owner,
            has_schema_privilege(r.oid, $4, 'CREATE') AS may_create
       FROM pg_roles r WHERE r.rolname IN ($1, $2)`,
    [role, clone, databaseName, schema],
  );
  const problems: string[] = [];
  for (const r of rows) {
    for (const attribute of ['rolsuper', 'rolcreatedb', 'rolcreaterole', 'rolreplication', 'rolbypassrls']) {
      if (r[attribute]) problems.push(`${r.rolname} has ${attribute}`);
    }
    const expected = r.rolname === clone ? [role] : [];
    if (JSON.stringify(r.member_of ?? []) !== JSON.stringify(expected)) {
      problems.push(`${r.rolname} is a member of ${(r.member_of ?? []).join(', ')}`);
    }
    if (r.other_databases) {
      problems.push(`${r.rolname} may connect to ${r.other_databases.join(', ')}`);
    }
    if (r.database_owner !== role) {
      problems.push(`the database belongs to ${r.database_owner}`);
    }
    if (!r.may_create) problems.push(`${r.rolname} may not create in schema ${schema}`);
  }
  if (rows.length !== 2) problems.push(`expected roles ${role} and ${clone}, found ${rows.length}`);
  if (problems.length > 0) {
    throw new Error(`the app role is not least-privilege after provisioning: ${problems.join('; ')}`);
  }
}

/**
 * A SCRAM-SHA-256 verifier of `password` in PostgreSQL's stored format
 * (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802 and RFC 7677), with a random salt.
 * PostgreSQL normalizes passwords with SASLprep, which leaves printable ASCII unchanged: other characters
 * are refused rather than hashed differently from what the server would expect.
 * https://www.postgresql.org/docs/current/auth-password.html
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  if (!/^[\x21-\x7e]+$/.test(password)) {
    throw new Error('the app password must be printable ASCII without spaces');
  }
  const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
