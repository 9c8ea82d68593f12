/**
 * The deploy-time function of `DatabaseAppRole` (bundled by esbuild with `pg`; the AWS SDK comes from the
 * Lambda runtime). CloudFormation calls it directly as a custom resource: on create and update it reads the
 * master and app secrets from Secrets Manager, connects to the app's database as the master user over
 * verified TLS and runs `provisionAppRole`; on delete it leaves the roles and their data with the database.
 * It answers CloudFormation itself, on the pre-signed response URL, before its own timeout.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client, ClientConfig } from 'pg';
import { APP_ROLE_PROPERTIES, CA_BUNDLE_VARIABLE, LAMBDA_CA_BUNDLE } from './app-role-contract';
import { provisionAppRole } from './app-role-sql';
import { CustomResourceEvent, respondToCloudFormation } from '../private/custom-resource-response';

/** The part of the Lambda context this function reads. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** A database secret as RDS and Secrets Manager's rotation templates keep it. */
interface DatabaseSecretValue {
  readonly username: string;
  readonly password: string;
}

/** The answer is sent this long before the function's own timeout, so CloudFormation never waits an hour. */
const ANSWER_MARGIN_MS = 10_000;
/** Connection attempts: the endpoint's DNS name can take a moment after the instance became available. */
const CONNECT_ATTEMPTS = 3;
const CONNECT_RETRY_DELAY_MS = 5_000;

export async function handler(event: CustomResourceEvent, context: LambdaContext): Promise<void> {
  const properties = event.ResourceProperties;
  const physicalResourceId =
    event.PhysicalResourceId ??
    `${properties[APP_ROLE_PROPERTIES.roleName]}@${properties[APP_ROLE_PROPERTIES.databaseName]}`;
  let answer: { Status: 'SUCCESS' | 'FAILED'; Reason?: string; Data?: Record<string, string> };
  try {
    if (event.RequestType === 'Delete') {
      // The roles own the app's data: dropping them would take the data or fail. They stay with the database,
      // which the stack retains or snapshots.
      console.log(`Delete: the roles of ${physicalResourceId} stay with the database`);
      answer = { Status: 'SUCCESS' };
    } else {
      const budget = Math.max(context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS, 1_000);
      const roleName = await withTimeout(provision(properties), budget);
      answer = { Status: 'SUCCESS', Data: { RoleName: roleName } };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${event.RequestType} of ${physicalResourceId} failed: ${message}`);
    answer = { Status: 'FAILED', Reason: message.slice(0, 1000) };
  }
  await respondToCloudFormation(event, physicalResourceId, answer);
}

/** Reads the secrets, connects as the master user and provisions; returns the app role's name. */
export async function provision(properties: Record<string, string>): Promise<string> {
  const read = (name: string) => {
    const value = properties[name];
    if (!value) {
      throw new Error(`the custom resource property ${name} is missing`);
    }
    return value;
  };
  const roleName = read(APP_ROLE_PROPERTIES.roleName);
  const databaseName = read(APP_ROLE_PROPERTIES.databaseName);
  const secrets = new SecretsManagerClient({});
  const [masterSecret, appSecret] = await Promise.all([
    readSecret(secrets, read(APP_ROLE_PROPERTIES.masterSecretArn)),
    readSecret(secrets, read(APP_ROLE_PROPERTIES.appSecretArn)),
  ]);
  const client = await connect({
    host: read(APP_ROLE_PROPERTIES.host),
    port: Number(read(APP_ROLE_PROPERTIES.port)),
    database: databaseName,
    user: masterSecret.username,
    password: masterSecret.password,
    // TLS with the server's certificate verified against the Amazon CAs (and its name against the host):
    // the master password is sent only to the database it belongs to. Never downgraded: the database forces
    // TLS (rds.force_ssl) and an unverified connection could hand the password to anyone on the path.
    ssl: {
      rejectUnauthorized: true,
      ca: readFileSync(process.env[CA_BUNDLE_VARIABLE] ?? LAMBDA_CA_BUNDLE, 'utf8'),
    },
    connectionTimeoutMillis: 10_000,
    statement_timeout: 120_000,
    application_name: 'secure-scheduling app role provisioning',
  });
  try {
    const outcome = await provisionAppRole(client, {
      roleName,
      databaseName,
      login: { username: appSecret.username, password: appSecret.password },
    });
    // Statements carry no password (the verifier is masked): they are the record of what changed.
    console.log(JSON.stringify(outcome));
  } finally {
    await client.end().catch(() => undefined);
  }
  return roleName;
}

async function readSecret(client: SecretsManagerClient, secretId: string): Promise<DatabaseSecretValue> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const value = JSON.parse(SecretString ?? '{}') as Partial<DatabaseSecretValue>;
  if (typeof value.username !== 'string' || typeof value.password !== 'string') {
    throw new Error(`secret ${secretId} holds no username and password`);
  }
  return { username: value.username, password: value.password };
}

async function connect(config: ClientConfig): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    const client = new Client(config);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      // A certificate or a password that is wrong stays wrong: only network failures are tried again.
      const retriable = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|timeout/i.test(message);
      if (!retriable || attempt >= CONNECT_ATTEMPTS) {
        throw new Error(`cannot connect to ${config.host}:${config.port} as the master user: ${message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_DELAY_MS));
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`provisioning did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
