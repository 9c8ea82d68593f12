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
