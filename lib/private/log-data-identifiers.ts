import { Token } from 'aws-cdk-lib';

/**
 * The CloudWatch Logs managed data identifiers that hold in every country and region, by name, with the kind of
 * data each finds, as AWS documents them:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-managed-data-identifiers.html ("Supported
 * identifiers that are language and region independent"; the credential ARNs on
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/protect-sensitive-log-data-types-credentials.html).
 * Identifiers that need a country code (`DriversLicense-US`, `BankAccountNumber-DE`, ...) are left out: none
 * of them is data a scheduling app or its firewall writes to its logs.
 */
export const MANAGED_DATA_IDENTIFIERS: Readonly<Record<string, string>> = {
  Address: 'Personal',
  AwsSecretKey: 'Credentials',
  CreditCardExpiration: 'Financial',
  CreditCardNumber: 'Financial',
  CreditCardSecurityCode: 'Financial',
  EmailAddress: 'Personal',
  IpAddress: 'Personal',
  LatLong: 'Personal',
  Name: 'Personal',
  OpenSshPrivateKey: 'Credentials',
  PgpPrivateKey: 'Credentials',
  PkcsPrivateKey: 'Credentials',
  PuttyPrivateKey: 'Credentials',
  VehicleIdentificationNumber: 'Personal',
};

/**
 * What the app's and the firewall's log groups mask by default (checklist C7): email addresses, the personal data
 * a scheduling app prints most (attendees, hosts, sign-in names), and every credential identifier AWS offers.
 * Not `IpAddress`: the client address is what a firewall log is read for, and it expires with the log.
 */
export const DEFAULT_MASKED_DATA_IDENTIFIERS: readonly string[] = [
  'EmailAddress',
  'AwsSecretKey',
  'OpenSshPrivateKey',
  'PgpPrivateKey',
  'PkcsPrivateKey',
  'PuttyPrivateKey',
];

/** The identifier every masking policy of the library must hold: the checklist rule C7-LogDataMasking asks for it. */
export const REQUIRED_MASKED_DATA_IDENTIFIER = 'EmailAddress';

/** The ARN of a managed data identifier ends with this, then its name. */
const IDENTIFIER_ARN = /^arn:[a-z-]+:dataprotection::aws:data-identifier\/([A-Za-z0-9-]+)$/;

/**
 * Problems with the managed data identifiers named `name`: at least one, each one AWS documents (a misspelt one
 * fails only at deployment, or masks nothing), each named once.
 */
export function dataIdentifierProblems(name: string, identifiers: readonly string[]): string[] {
  const problems: string[] = [];
  const known = Object.keys(MANAGED_DATA_IDENTIFIERS);
  if (identifiers.length === 0) {
    problems.push(
      `\`${name}\` must name at least one managed data identifier (for example ${REQUIRED_MASKED_DATA_IDENTIFIER}), got none`,
    );
  }
  const unknown = identifiers.filter((i) => !Token.isUnresolved(i) && !known.includes(i));
  if (unknown.length > 0) {
    problems.push(
      `\`${name}\` must hold CloudWatch Logs managed data identifiers of ${known.join(', ')}, got ${unknown.map((i) => `'${i}'`).join(', ')}`,
    );
  }
  const twice = identifiers.filter((i, n) => identifiers.indexOf(i) !== n);
  if (twice.length > 0) {
    problems.push(
      `\`${name}\` must name each identifier once, got ${twice.map((i) => `'${i}'`).join(', ')} twice`,
    );
  }
  return problems;
}

/**
 * The name of a managed data identifier from its ARN, as a template holds it: a plain string, or the
 * `Fn::Join` of `arn:`, the partition and the rest that aws-cdk-lib writes. Undefined for anything else (a
 * custom identifier, a value known only at deployment).
 */
export function dataIdentifierName(value: unknown): string | undefined {
  let arn: string | undefined;
  if (typeof value === 'string') {
    arn = value;
  } else if (value !== null && typeof value === 'object') {
    const join = (value as Record<string, unknown>)['Fn::Join'];
    if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
      const parts = (join[1] as unknown[]).map((p) =>
        typeof p === 'string' ? p : JSON.stringify(p) === '{"Ref":"AWS::Partition"}' ? 'aws' : undefined,
      );
      arn = parts.every((p) => p !== undefined) ? parts.join('') : undefined;
    }
  }
  return arn === undefined ? undefined : IDENTIFIER_ARN.exec(arn)?.[1];
}
