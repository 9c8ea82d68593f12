import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LogEncryptionKey } from '../audit/log-encryption-key';
import { describeSubnets, windowProblems } from '../private/database-checks';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { Problems } from '../private/problems';
import {
  DEFAULT_ADMIN_USER,
  DEFAULT_BACKUP_RETENTION_DAYS,
  DEFAULT_BACKUP_WINDOW,
  DEFAULT_DATABASE_NAME,
  DEFAULT_DATABASE_PORT,
  DEFAULT_MAINTENANCE_WINDOW,
  DEFAULT_ROTATION_INTERVAL,
  MAX_BACKUP_RETENTION_DAYS,
  MIN_BACKUP_RETENTION_DAYS,
  PASSWORD_EXCLUDED_CHARACTERS,
  POSTGRES_DEFAULT_PORT,
  WELL_KNOWN_ADMIN_NAMES,
} from './database-defaults';
import { SchedulingDatabaseBaseProps } from './scheduling-database-interface';
import { SeparatedDutiesKey } from '../private/separated-key';

/* What the instance and the cluster of the scheduling database share: settings, checks and the resources around the database. */

/** The settings both engines take, with their defaults. */
export interface DatabaseSettings {
  readonly port: number;
  readonly adminUsername: string;
  readonly databaseName: string;
  readonly backupRetention: Duration;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  readonly logRetention: logs.RetentionDays;
  readonly rotationInterval: Duration;
  readonly removalPolicy: RemovalPolicy;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The subnets `vpcSubnets` selects. */
  readonly placed: ec2.ISubnet[];
}

export function databaseSettings(props: SchedulingDatabaseBaseProps): DatabaseSettings {
  const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  return {
    port: props.port ?? DEFAULT_DATABASE_PORT,
    adminUsername: props.adminUsername ?? DEFAULT_ADMIN_USER,
    databaseName: props.databaseName ?? DEFAULT_DATABASE_NAME,
    backupRetention: props.backupRetention ?? Duration.days(DEFAULT_BACKUP_RETENTION_DAYS),
    backupWindow: props.preferredBackupWindow ?? DEFAULT_BACKUP_WINDOW,
    maintenanceWindow: props.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
    logRetention: props.logRetention ?? DEFAULT_LOG_RETENTION,
    rotationInterval: props.rotationInterval ?? DEFAULT_ROTATION_INTERVAL,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
    vpcSubnets,
    placed: props.vpc.selectSubnets(vpcSubnets).subnets,
  };
}

/** Problems of where the database sits and what it is called: public access, subnets, port, names. */
export function placementProblems(
  problems: Problems,
  props: SchedulingDatabaseBaseProps,
  settings: DatabaseSettings,
): void {
  const { placed, port, adminUsername, databaseName } = settings;
  problems.check(
    props.publiclyAccessible === true,
    '`publiclyAccessible` must be false, got true: the scheduling database is never reachable from the internet (checklist C3, C5)',
  );
  const notIsolated = placed.filter((s) => !props.vpc.isolatedSubnets.includes(s));
  problems.check(
    notIsolated.length > 0 || placed.length < 2,
    `\`vpcSubnets\` must select isolated subnets (no route to or from the internet) in at least two zones, got ${placed.length} subnets of which ${notIsolated.length} route to the internet (${describeSubnets(props.vpc, notIsolated)})`,
  );
  problems.check(
    !Token.isUnresolved(port) && port === POSTGRES_DEFAULT_PORT,
    `\`port\` must not be PostgreSQL's default ${POSTGRES_DEFAULT_PORT}, got ${port}; any port from 1150 to 65535 is allowed`,
  );
  problems.range('port', port, 1150, 65535);
  problems.check(
    !/^[a-z][a-z0-9_]{0,62}$/.test(adminUsername) ||
      WELL_KNOWN_ADMIN_NAMES.includes(adminUsername.toLowerCase()),
    `\`adminUsername\` must be lower-case letters, digits or underscores starting with a letter, and not a well-known name (${WELL_KNOWN_ADMIN_NAMES.join(', ')}), got '${adminUsername}'`,
  );
  problems.check(
    !/^[a-z][a-z0-9_]{0,62}$/.test(databaseName),
    `\`databaseName\` must be lower-case letters, digits or underscores starting with a letter, got '${databaseName}'`,
  );
}

/**
 * Problems of how the database is kept: backup retention, windows, log retention, rotation, its identifier
 * (named by `identifierProp`) and what happens on removal.
 */
export function lifecycleProblems(
  problems: Problems,
  props: SchedulingDatabaseBaseProps,
  settings: DatabaseSettings,
  identifierProp: string,
  identifier: string,
): void {
  const { backupRetention, backupWindow, maintenanceWindow, logRetention, rotationInterval, removalPolicy } =
    settings;
  if (!backupRetention.isUnresolved()) {
    const days = backupRetention.toDays({ integral: false });
    problems.check(
      !Number.isInteger(days) || days < MIN_BACKUP_RETENTION_DAYS || days > MAX_BACKUP_RETENTION_DAYS,
      `\`backupRetention\` must be a whole number of days between ${MIN_BACKUP_RETENTION_DAYS} and ${MAX_BACKUP_RETENTION_DAYS}, got ${days} days`,
    );
  }
  problems.add(...windowProblems(backupWindow, maintenanceWindow));
  problems.retention('logRetention', logRetention);
  if (!rotationInterval.isUnresolved()) {
    const days = rotationInterval.toDays({ integral: false });
    problems.check(
      !Number.isInteger(days) || days < 1 || days > 365,
      `\`rotationInterval\` must be a whole number of days between 1 and 365, got ${days} days`,
    );
  }
  problems.check(
    !Token.isUnresolved(identifier) &&
      (!/^[a-z](?!.*--)[a-z0-9-]{0,49}$/.test(identifier) || identifier.endsWith('-')),
    `\`${identifierProp}\` must be 1 to 50 lower-case letters, digits or single hyphens, starting with a letter and not ending with a hyphen, got '${identifier}'`,
  );
  problems.check(
    removalPolicy === RemovalPolicy.DESTROY && props.acceptDataLoss !== true,
    '`removalPolicy` must be SNAPSHOT or RETAIN, got DESTROY, which deletes the scheduling data without a final snapshot: set `acceptDataLoss: true` as well for a throw-away deployment',
  );
  problems.check(
    removalPolicy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    '`removalPolicy` must be SNAPSHOT, RETAIN or (with `acceptDataLoss`) DESTROY, got RETAIN_ON_UPDATE_OR_DELETE',
  );
}

/** The resources around the database that both engines create the same way. */
export interface DatabaseSurroundings {
  readonly encryptionKey: kms.IKey;
  readonly logKey: kms.IKey;
  readonly securityGroup: ec2.SecurityGroup;
  readonly rotationSecurityGroup: ec2.SecurityGroup;
  readonly subnetGroup: rds.SubnetGroup;
  readonly secret: rds.DatabaseSecret;
}

/**
 * Creates, in `scope` (the database construct, so the logical ids stay those of the database), its keys, its
 * security groups, its subnet group and its admin secret.
 */
export function databaseSurroundings(
  scope: Construct,
  props: SchedulingDatabaseBaseProps,
  settings: DatabaseSettings,
): DatabaseSurroundings {
  const encryptionKey =
    props.encryptionKey ??
    new SeparatedDutiesKey(scope, 'Key', {
      description: 'Encrypts the scheduling database, its snapshots, Performance Insights and admin secret',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
  const logKey =
    props.logEncryptionKey ??
    new LogEncryptionKey(scope, 'LogKey', { description: 'Encrypts the database logs' }).key;

  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: props.vpc,
    description: `Scheduling database: in on ${settings.port} from the app and the rotation function only; no egress`,
    allowAllOutbound: false,
  });
  const rotationSecurityGroup = new ec2.SecurityGroup(scope, 'RotationSecurityGroup', {
    vpc: props.vpc,
    description: 'Database password rotation: out to the database and to the Secrets Manager API only',
    allowAllOutbound: false,
  });
  rotationSecurityGroup.addEgressRule(
    ec2.Peer.anyIpv4(),
    ec2.Port.tcp(443),
    'HTTPS to the Secrets Manager API',
  );

  const subnetGroup = new rds.SubnetGroup(scope, 'SubnetGroup', {
    vpc: props.vpc,
    vpcSubnets: settings.vpcSubnets,
    description: 'Isolated subnets of the scheduling database',
  });

  // Generated by Secrets Manager at deploy time, never typed, never in a template. The password avoids
  // every character a URL or a shell would need escaped, so the app can put it in a connection URL as is.
  const secret = new rds.DatabaseSecret(scope, 'Secret', {
    username: settings.adminUsername,
    dbname: settings.databaseName,
    encryptionKey,
    excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
  });
  secret.applyRemovalPolicy(RemovalPolicy.RETAIN);
  return { encryptionKey, logKey, securityGroup, rotationSecurityGroup, subnetGroup, secret };
}

/**
 * The admin password's rotation: a hosted rotation function inside the VPC, reaching the database through
 * its own security group, generating passwords from the same alphabet as the first one, logging into a
 * log group made beforehand with the database's retention and log key.
 */
export function rotateAdminPassword(
  scope: Construct,
  props: SchedulingDatabaseBaseProps,
  settings: DatabaseSettings,
  options: {
    readonly identifier: string;
    readonly secret: secretsmanager.ISecret;
    readonly securityGroup: ec2.ISecurityGroup;
    readonly logKey: kms.IKey;
  },
): { readonly logGroup: logs.LogGroup; readonly rotation: secretsmanager.RotationSchedule } {
  const functionName = `${options.identifier}-rotation`;
  const logGroup = new logs.LogGroup(scope, 'RotationLogGroup', {
    logGroupName: `/aws/lambda/${functionName}`,
    retention: settings.logRetention,
    encryptionKey: options.logKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const rotation = new secretsmanager.RotationSchedule(scope, 'Rotation', {
    secret: options.secret,
    hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
      functionName,
      vpc: props.vpc,
      vpcSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [options.securityGroup],
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
    }),
    automaticallyAfter: settings.rotationInterval,
    // Not right after creation (the default): the first tasks read the password and run the migrations then,
    // and the restart that follows every rotation would stop a task mid-migration (Prisma then refuses to
    // migrate again until the failed migration is resolved by hand). The first rotation is one interval later.
    rotateImmediatelyOnUpdate: false,
  });
  rotation.node.addDependency(logGroup);
  return { logGroup, rotation };
}

/**
 * Lets enhanced monitoring's role create the RDSOSMetrics log group and write only the streams of the given
 * instances (named by their resource ids): no wildcard.
 */
export function grantEnhancedMonitoring(role: iam.IRole, sid: string, instanceResourceIds: string[]): void {
  const logGroupArn = Stack.of(role).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: 'RDSOSMetrics',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'CreateMetricsLogGroup',
      actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DescribeLogStreams'],
      resources: [logGroupArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:GetLogEvents'],
      resources: instanceResourceIds.map((id) => `${logGroupArn}:log-stream:${id}`),
    }),
  );
}
