/**
 * The restore validation function of `DatabaseBackup` (bundled by esbuild with `pg`; the AWS SDK comes from the
 * Lambda runtime). An EventBridge rule invokes it when a restore test of this stack's restore testing plan
 * reaches `COMPLETED` ("Restore Job State Change", detail `restoreJobId`, `status`, `resourceType`,
 * `createdResourceArn`, `restoreTestingPlanArn`: AWS Backup Developer Guide, restore-testing-validation.html).
 * It finds the restored database's endpoint, connects as the master user over verified TLS, counts the rows of
 * a known table and reports the verdict to AWS Backup with PutRestoreValidationResult
 * (`PUT /restore-jobs/{restoreJobId}/validations`, AWS Backup API Reference,
 * API_PutRestoreValidationResult.html). A `FAILED` verdict is sent to the alert topic by the backup failure
 * rule; a run that reports nothing leaves the job's validation to time out (`TIMED_OUT`), which is alerted too.
 *
 * An Aurora restore: AWS Backup restores the cluster only, without DB instances (AWS Backup Developer Guide,
 * restoring-aur.html), and a cluster without an instance accepts no connection. The function then checks
 * what can be checked without adding an instance, the cluster's status and encryption, and says in its
 * message that no rows were counted; if the cluster has an instance, it counts the rows through the cluster's
 * endpoint like for an instance.
 */
import { readFileSync } from 'node:fs';
import { BackupClient, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import { CA_BUNDLE_VARIABLE, LAMBDA_CA_BUNDLE } from './app-role-contract';
import {
  DEFAULT_VALIDATION_TABLE,
  RESTORE_VALIDATION_ENVIRONMENT,
  RestoreValidationStatus,
} from './restore-validation-contract';

/** The part of a "Restore Job State Change" event this function reads. */
export interface RestoreJobStateChangeEvent {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail: {
    readonly restoreJobId: string;
    readonly status: string;
    readonly resourceType?: string;
    readonly createdResourceArn?: string;
    readonly restoreTestingPlanArn?: string;
  };
}

/** What the function reported, or why it reported nothing. */
export interface RestoreValidationOutcome {
  readonly restoreJobId: string;
  /** Undefined when the event was not one to validate (then nothing is reported to AWS Backup). */
  readonly status?: RestoreValidationStatus;
  readonly message: string;
}

/** An endpoint to connect to. */
interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** AWS Backup keeps a validation message short; the reason of a failure comes first. */
const MESSAGE_LIMIT = 500;
/** Only a name that does not resolve yet (a new endpoint's DNS record) is tried again. */
const CONNECT_ATTEMPTS = 3;
const CONNECT_RETRY_DELAY_MS = 5_000;
/** PostgreSQL's SQLSTATE for a wrong password and for a missing table. */
const INVALID_PASSWORD = '28P01';
const UNDEFINED_TABLE = '42P01';

export async function handler(event: RestoreJobStateChangeEvent): Promise<RestoreValidationOutcome> {
  const detail = event.detail ?? ({} as RestoreJobStateChangeEvent['detail']);
  const restoreJobId = detail.restoreJobId;
  const planArn = process.env[RESTORE_VALIDATION_ENVIRONMENT.restoreTestingPlanArn];
  if (
    !restoreJobId ||
    detail.status !== 'COMPLETED' ||
    !planArn ||
    detail.restoreTestingPlanArn !== planArn
  ) {
    // Only the rule on this plan's completed restore tests invokes the function: anything else is a mistake
    // to log, not a restore to judge.
    const message = `not a completed restore test of ${planArn}: ignored`;
    console.error(JSON.stringify({ restoreJobId, status: detail.status, message }));
    return { restoreJobId, message };
  }
  let status: RestoreValidationStatus;
  let message: string;
  try {
    message = await validate(detail.createdResourceArn ?? '');
    status = 'SUCCESSFUL';
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
    status = 'FAILED';
  }
  message = message.slice(0, MESSAGE_LIMIT);
  // The message names the restored resource and the table, never a password.
  console.log(
    JSON.stringify({ restoreJobId, createdResourceArn: detail.createdResourceArn, status, message }),
  );
  await new BackupClient({}).send(
    new PutRestoreValidationResultCommand({
      RestoreJobId: restoreJobId,
      ValidationStatus: status,
      ValidationStatusMessage: message,
    }),
  );
  return { restoreJobId, status, message };
}

/** Checks the restored database named by `arn`; returns what was found, or throws why it failed. */
async function validate(arn: string): Promise<string> {
  const kind = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):[A-Za-z0-9-]+$/.exec(arn)?.[1];
  if (kind === undefined) {
    throw new Error(`the restored resource '${arn}' is neither an RDS DB instance nor a DB cluster`);
  }
  const rds = new RDSClient({});
  if (kind === 'db') {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: arn }));
    const instance = DBInstances?.[0];
    if (instance?.DBInstanceStatus !== 'available' || !instance.Endpoint?.Address) {
      throw new Error(
        `restored instance ${arn} is ${instance?.DBInstanceStatus ?? 'not found'}, not available`,
      );
    }
    const rows = await countRows({ host: instance.Endpoint.Address, port: instance.Endpoint.Port ?? 5432 });
    return `restored instance ${instance.DBInstanceIdentifier}: ${rows}`;
  }
  const { DBClusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn }));
  const cluster = DBClusters?.[0];
  if (cluster?.Status !== 'available' || cluster.StorageEncrypted !== true) {
    throw new Error(
      `restored cluster ${arn} is ${cluster?.Status ?? 'not found'}${cluster && cluster.StorageEncrypted !== true ? ' and not encrypted' : ''}, not available and encrypted`,
    );
  }
  if ((cluster.DBClusterMembers ?? []).length === 0 || !cluster.Endpoint) {
    return `restored cluster ${cluster.DBClusterIdentifier} is available and encrypted; it has no DB instance (AWS Backup restores an Aurora cluster without one), so no query ran and no rows were counted`;
  }
  const rows = await countRows({ host: cluster.Endpoint, port: cluster.Port ?? 5432 });
  return `restored cluster ${cluster.DBClusterIdentifier}: ${rows}`;
}

/**
 * Connects as the master user and counts the validation table's rows. The restored database keeps the master
 * password it had when the snapshot was taken: when the secret was rotated since, the previous password
 * (the secret's `AWSPREVIOUS` version) is tried after the current one.
 */
async function countRows(endpoint: Endpoint): Promise<string> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`the environment variable ${name} is missing`);
    return value;
  };
  const secretArn = env(RESTORE_VALIDATION_ENVIRONMENT.masterSecretArn);
  const database = env(RESTORE_VALIDATION_ENVIRONMENT.databaseName);
  const table = process.env[RESTORE_VALIDATION_ENVIRONMENT.tableName] || DEFAULT_VALIDATION_TABLE;
  const secrets = new SecretsManagerClient({});
  let client: Client | undefined;
  for (const stage of ['AWSCURRENT', 'AWSPREVIOUS']) {
    const login = await readSecret(secrets, secretArn, stage);
    if (login === undefined) break;
    try {
      client = await connect(endpoint, database, login);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== INVALID_PASSWORD || stage === 'AWSPREVIOUS') {
        throw new Error(
          `cannot connect to ${endpoint.host}:${endpoint.port} as the master user: ${(error as Error).message}`,
        );
      }
    }
  }
  if (client === undefined) {
    throw new Error(
      `cannot connect to ${endpoint.host}:${endpoint.port} as the master user: the current password was refused and the secret has no previous one`,
    );
  }
  try {
    const result = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM ${quoteTable(table)}`,
    );
    return `table ${table} in database ${database} holds ${result.rows[0].count} rows`;
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) {
      throw new Error(`table ${table} does not exist in database ${database} of the restored copy`);
    }
    throw new Error(`counting the rows of ${table} failed: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The login of a stage of the secret, or undefined when the secret has no such version. */
async function readSecret(
  client: SecretsManagerClient,
  secretId: string,
  stage: string,
): Promise<{ username: string; password: string } | undefined> {
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
    ));
  } catch (error) {
    if (stage !== 'AWSCURRENT' && (error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
  const value = JSON.parse(secretString ?? '{}') as { username?: unknown; password?: unknown };
  if (typeof value.username !== 'string' || typeof value.password !== 'string') {
    throw new Error(`secret ${secretId} (${stage}) holds no username and password`);
  }
  return { username: value.username, password: value.password };
}

async function connect(
  endpoint: Endpoint,
  database: string,
  login: { username: string; password: string },
): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    const client = new Client({
      host: endpoint.host,
      port: endpoint.port,
      database,
      user: login.username,
      password: login.password,
      // TLS with the server's certificate verified against the Amazon CAs and its name against the endpoint:
      // the master password goes only to the restored copy of the database (see app-role-handler.ts).
      ssl: {
        rejectUnauthorized: true,
        ca: readFileSync(process.env[CA_BUNDLE_VARIABLE] ?? LAMBDA_CA_BUNDLE, 'utf8'),
      },
      connectionTimeoutMillis: 10_000,
      statement_timeout: 60_000,
      application_name: 'secure-scheduling restore validation',
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (!/ENOTFOUND|EAI_AGAIN/.test((error as Error).message) || attempt >= CONNECT_ATTEMPTS) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_DELAY_MS));
    }
  }
}

/** `users` → `"users"`, `public.users` → `"public"."users"`: a name, never SQL. */
export function quoteTable(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}
