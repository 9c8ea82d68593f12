/**
 * What the `DatabaseAppRole` construct and its deploy-time function agree on: the custom resource's
 * properties. They carry names, ARNs and the database's address, never a password: the function reads the
 * passwords from Secrets Manager itself. Any change of a property (or of the function's code, through
 * `CodeHash`) runs the provisioning again.
 */
export const APP_ROLE_PROPERTIES = {
  host: 'Host',
  port: 'Port',
  databaseName: 'DatabaseName',
  roleName: 'RoleName',
  masterSecretArn: 'MasterSecretArn',
  appSecretArn: 'AppSecretArn',
  codeHash: 'CodeHash',
} as const;

/**
 * Where the function finds the certificate authorities it trusts for the database's certificate: the Lambda
 * Node.js runtimes ship every Amazon CA, the Amazon RDS ones included, in this file, and do not load it by
 * default since Node.js 20. https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 */
export const LAMBDA_CA_BUNDLE = '/var/runtime/ca-cert.pem';

/** Environment variable that points the function at another CA bundle (tests; a custom runtime). */
export const CA_BUNDLE_VARIABLE = 'DATABASE_CA_BUNDLE';

/**
 * Suffix of the second login that Secrets Manager's multi-user rotation creates and alternates with (its
 * PostgreSQL template appends `_clone` to the user name, and refuses names longer than 63 characters).
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets_strategies.html#rotating-secrets-two-users
 */
export const ROTATION_CLONE_SUFFIX = '_clone';
/** PostgreSQL's longest identifier (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_LENGTH = 63;
/** Longest app role name: its rotation clone must still fit in an identifier. */
export const MAX_APP_ROLE_LENGTH = MAX_IDENTIFIER_LENGTH - ROTATION_CLONE_SUFFIX.length;
/** A plain lower-case identifier: what the app role and database names may be. */
export const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/**
 * Role names the app role may never take: PostgreSQL's and RDS's own roles, and the names every attack tool
 * tries. Names starting with `pg_` or `rds` are reserved as well (PostgreSQL refuses `pg_`; RDS owns `rds*`).
 */
export const RESERVED_ROLE_NAMES: readonly string[] = [
  'postgres',
  'public',
  'rdsadmin',
  'rds_superuser',
  'rdsrepladmin',
  'rdstopmgr',
  'rds_replication',
  'rds_password',
  'rds_iam',
  'rds_ad',
  'admin',
  'administrator',
  'root',
  'master',
  'none',
  'current_user',
  'session_user',
  'current_role',
];

/** Why `name` cannot be the app role, or undefined when it can. */
export function appRoleNameProblem(name: string): string | undefined {
  if (!PLAIN_IDENTIFIER.test(name) || name.length > MAX_APP_ROLE_LENGTH) {
    return `must be 1 to ${MAX_APP_ROLE_LENGTH} lower-case letters, digits or underscores, not starting with a digit (its rotation twin adds '${ROTATION_CLONE_SUFFIX}')`;
  }
  if (RESERVED_ROLE_NAMES.includes(name) || name.startsWith('pg_') || name.startsWith('rds')) {
    return `must not be a reserved or well-known role name (${RESERVED_ROLE_NAMES.join(', ')}, or a name starting with pg_ or rds)`;
  }
  if (name.endsWith(ROTATION_CLONE_SUFFIX)) {
    return `must not end with '${ROTATION_CLONE_SUFFIX}', the suffix of its rotation twin`;
  }
  return undefined;
}

/** The login the multi-user rotation alternates with `roleName`. */
export function rotationCloneOf(roleName: string): string {
  return `${roleName}${ROTATION_CLONE_SUFFIX}`;
}
