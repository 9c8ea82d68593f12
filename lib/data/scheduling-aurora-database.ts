import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LogEncryptionKey } from '../audit/log-encryption-key';
import { acknowledge } from '../compliance/acknowledgements';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { defaultIdentifier, describeSubnets, windowProblems } from '../private/database-checks';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Problems } from '../private/problems';
import {
  AURORA_POSTGRES_LOG_EXPORTS,
  AURORA_POSTGRES_SERVERLESS_V2_MIN_MINOR,
  DEFAULT_ADMIN_USER,
  DEFAULT_AURORA_POSTGRES_VERSION,
  DEFAULT_BACKUP_RETENTION_DAYS,
  DEFAULT_BACKUP_WINDOW,
  DEFAULT_DATABASE_NAME,
  DEFAULT_DATABASE_PORT,
  DEFAULT_MAINTENANCE_WINDOW,
  DEFAULT_MONITORING_INTERVAL,
  DEFAULT_ROTATION_INTERVAL,
  DEFAULT_SERVERLESS_V2_MAX_CAPACITY,
  DEFAULT_SERVERLESS_V2_MIN_CAPACITY,
  MAX_BACKUP_RETENTION_DAYS,
  MAX_SERVERLESS_V2_CAPACITY,
  MIN_BACKUP_RETENTION_DAYS,
  MIN_SERVERLESS_V2_CAPACITY,
  PASSWORD_EXCLUDED_CHARACTERS,
  POSTGRES_DEFAULT_PORT,
  WELL_KNOWN_ADMIN_NAMES,
} from './database-defaults';
import { DatabaseParameters } from './database-parameters';
import { ISchedulingDatabase, SchedulingDatabaseBaseProps } from './scheduling-database-interface';

export interface SchedulingAuroraDatabaseProps extends SchedulingDatabaseBaseProps {
  /**
   * Aurora PostgreSQL version `major.minor` that runs Serverless v2 (14.3+, 15.2+, 16.1+, 17.4+); later minor
   * versions are applied automatically in the maintenance window.
   * @default '17.5'
   */
  readonly engineVersion?: string;

  /**
   * Least capacity of each instance, in Aurora capacity units (0.5 to 256, in steps of 0.5). Billed per
   * ACU-hour even when idle.
   * @default 0.5
   */
  readonly minCapacity?: number;

  /**
   * Most capacity each instance may scale to, in ACUs (0.5 to 256, at least `minCapacity`).
   * @default 4
   */
  readonly maxCapacity?: number;

  /**
   * A reader in a second zone that takes over on failure (and scales with the writer). Turning it off halves
   * the cost and leaves a zone outage without a database; the compliance packs report it.
   * @default true
   */
  readonly multiAz?: boolean;

  /**
   * Cluster identifier; also names the log group of the exported logs, so it can be created with a retention
   * and a key before RDS writes to it. Lower-case letters, digits and hyphens, at most 50.
   * @default - `<stack name>-database`, in lower case
   */
  readonly clusterIdentifier?: string;
}

/**
 * The scheduling data on Aurora PostgreSQL Serverless v2, for deployments that outgrow one instance: the same
 * security settings and the same interface as `SchedulingDatabase` (checklist C1, C2, C3, C4, C5, C6). A
 * writer and a reader in another zone in isolated subnets, not publicly accessible; storage and Performance
 * Insights encrypted with a customer key; TLS forced by the cluster parameter group; a non-default port and
 * admin name; an admin password generated and rotated by Secrets Manager inside the VPC; IAM authentication;
 * deletion protection; a snapshot on removal and on replacement; automatic minor upgrades; automated backups;
 * the PostgreSQL log in a log group with a retention limit; enhanced monitoring.
 */
export class SchedulingAuroraDatabase extends Construct implements ISchedulingDatabase {
  /** The Aurora cluster. */
  public readonly cluster: rds.DatabaseCluster;
  /** Security group of the cluster: ingress only from the security groups allowed in, on `port`. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Security group of the rotation function. */
  public readonly rotationSecurityGroup: ec2.SecurityGroup;
  /** The admin credentials: JSON with `username`, `password`, `host`, `port`, `dbname`, `engine`. */
  public readonly secret: secretsmanager.ISecret;
  /** Rotation of the admin password. */
  public readonly rotation: secretsmanager.RotationSchedule;
  /** Key of the storage, snapshots, Performance Insights and secret. */
  public readonly encryptionKey: kms.IKey;
  /** The cluster parameter group. */
  public readonly parameterGroup: rds.ParameterGroup;
  /** Subnet group of the cluster (isolated subnets). */
  public readonly subnetGroup: rds.SubnetGroup;
  /** Log groups of the exported log (`postgresql`) and of the rotation function (`rotation`). */
  public readonly logGroups: Readonly<Record<string, logs.LogGroup>>;
  /** Role enhanced monitoring writes OS metrics with. */
  public readonly monitoringRole: ManagedPolicyRole;
  /** The writer endpoint's host name. */
  public readonly hostname: string;
  /** The port clients connect to. */
  public readonly port: number;
  /** Name of the app's database. */
  public readonly databaseName: string;
  /** Name of the admin user. */
  public readonly adminUsername: string;
  /** Connections of the cluster: `database.connections.allowDefaultPortFrom(app)`. */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: SchedulingAuroraDatabaseProps) {
    super(scope, id);

    const stack = Stack.of(this);
    const engineVersion = props.engineVersion ?? DEFAULT_AURORA_POSTGRES_VERSION;
    const minCapacity = props.minCapacity ?? DEFAULT_SERVERLESS_V2_MIN_CAPACITY;
    const maxCapacity = props.maxCapacity ?? DEFAULT_SERVERLESS_V2_MAX_CAPACITY;
    const port = props.port ?? DEFAULT_DATABASE_PORT;
    const adminUsername = props.adminUsername ?? DEFAULT_ADMIN_USER;
    const databaseName = props.databaseName ?? DEFAULT_DATABASE_NAME;
    const backupRetention = props.backupRetention ?? Duration.days(DEFAULT_BACKUP_RETENTION_DAYS);
    const backupWindow = props.preferredBackupWindow ?? DEFAULT_BACKUP_WINDOW;
    const maintenanceWindow = props.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    const rotationInterval = props.rotationInterval ?? DEFAULT_ROTATION_INTERVAL;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const identifier = props.clusterIdentifier ?? defaultIdentifier(stack.stackName);
    const multiAz = props.multiAz ?? true;

    const problems = new Problems();
    problems.check(
      !isServerlessV2Version(engineVersion),
      `\`engineVersion\` must be an Aurora PostgreSQL version 'major.minor' that runs Serverless v2 (${Object.entries(
        AURORA_POSTGRES_SERVERLESS_V2_MIN_MINOR,
      )
        .map(([major, minor]) => `${major}.${minor} or later`)
        .join(', ')}), got '${engineVersion}'`,
    );
    for (const [name, value] of [
      ['minCapacity', minCapacity],
      ['maxCapacity', maxCapacity],
    ] as const) {
      problems.check(
        !Token.isUnresolved(value) &&
          (value < MIN_SERVERLESS_V2_CAPACITY ||
            value > MAX_SERVERLESS_V2_CAPACITY ||
            !Number.isInteger(value * 2)),
        `\`${name}\` must be between ${MIN_SERVERLESS_V2_CAPACITY} and ${MAX_SERVERLESS_V2_CAPACITY} ACUs in steps of 0.5, got ${value}`,
      );
    }
    problems.check(
      !Token.isUnresolved(minCapacity) && !Token.isUnresolved(maxCapacity) && minCapacity > maxCapacity,
      `\`minCapacity\` (${minCapacity}) must not exceed \`maxCapacity\` (${maxCapacity})`,
    );
    problems.check(
      props.publiclyAccessible === true,
      '`publiclyAccessible` must be false, got true: the scheduling database is never reachable from the internet (checklist C3, C5)',
    );
    const selected = props.vpc.selectSubnets(vpcSubnets);
    const placed = selected.subnets;
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
      `\`clusterIdentifier\` must be 1 to 50 lower-case letters, digits or single hyphens, starting with a letter and not ending with a hyphen, got '${identifier}'`,
    );
    problems.check(
      removalPolicy === RemovalPolicy.DESTROY && props.acceptDataLoss !== true,
      '`removalPolicy` must be SNAPSHOT or RETAIN, got DESTROY, which deletes the scheduling data without a final snapshot: set `acceptDataLoss: true` as well for a throw-away deployment',
    );
    problems.check(
      removalPolicy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      '`removalPolicy` must be SNAPSHOT, RETAIN or (with `acceptDataLoss`) DESTROY, got RETAIN_ON_UPDATE_OR_DELETE',
    );
    problems.throwIfAny(this);

    this.port = port;
    this.databaseName = databaseName;
    this.adminUsername = adminUsername;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the scheduling database, its snapshots, Performance Insights and admin secret',
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        removalPolicy: RemovalPolicy.RETAIN,
        pendingWindow: Duration.days(30),
      });
    const logKey =
      props.logEncryptionKey ??
      new LogEncryptionKey(this, 'LogKey', { description: 'Encrypts the database logs' }).key;

    const major = engineVersion.split('.')[0];
    const engine = rds.DatabaseClusterEngine.auroraPostgres({
      version: rds.AuroraPostgresEngineVersion.of(engineVersion, major),
    });
    // The same hardened values as the instance's group, as a cluster parameter group. Its id differs from the
    // instance group's, so a stack moved from one engine to the other never asks CloudFormation to change a
    // resource's type.
    this.parameterGroup = new DatabaseParameters(this, 'ClusterParameters', {
      engine,
      parameters: props.parameters,
    }).parameterGroup;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Scheduling database: in on ${port} from the app and the rotation function only; no egress`,
      allowAllOutbound: false,
    });
    this.rotationSecurityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc: props.vpc,
      description: 'Database password rotation: out to the database and to the Secrets Manager API only',
      allowAllOutbound: false,
    });
    this.rotationSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to the Secrets Manager API',
    );

    this.subnetGroup = new rds.SubnetGroup(this, 'SubnetGroup', {
      vpc: props.vpc,
      vpcSubnets,
      description: 'Isolated subnets of the scheduling database',
    });

    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: adminUsername,
      dbname: databaseName,
      encryptionKey: this.encryptionKey,
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
    });
    secret.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // The log group exists before the cluster, so RDS writes into it with its retention and key (checklist
    // C7) instead of creating it without either.
    const logGroups: Record<string, logs.LogGroup> = {};
    for (const type of AURORA_POSTGRES_LOG_EXPORTS) {
      logGroups[type] = new logs.LogGroup(this, `${type.charAt(0).toUpperCase()}${type.slice(1)}LogGroup`, {
        logGroupName: `/aws/rds/cluster/${identifier}/${type}`,
        retention: logRetention,
        encryptionKey: logKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    this.monitoringRole = new ManagedPolicyRole(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      description: 'Writes the enhanced monitoring metrics of the scheduling database',
    });

    // Writer and reader in the zones of two different subnets of the group: a zone outage fails over to the
    // reader. The zone is read from the subnet itself, so it always is one the subnet group covers.
    const zones = placed.map((subnet) => {
      const cfn = subnet.node.defaultChild;
      return cfn instanceof ec2.CfnSubnet ? cfn.attrAvailabilityZone : subnet.availabilityZone;
    });
    const instance = (name: string, zone: string | undefined, reader: boolean) =>
      rds.ClusterInstance.serverlessV2(name, {
        availabilityZone: zone,
        // Without a window of its own, RDS would pick one at random, which may overlap the backup window.
        preferredMaintenanceWindow: maintenanceWindow,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        allowMajorVersionUpgrade: false,
        caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: this.encryptionKey,
        performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
        // The reader scales with the writer, so a failover lands on an instance of the same size.
        scaleWithWriter: reader ? true : undefined,
      });

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      clusterIdentifier: identifier,
      writer: instance('Writer', zones[0], false),
      readers: multiAz ? [instance('Reader', zones[1], true)] : [],
      // One instance at a time, so a change to the instances never takes both down together.
      instanceUpdateBehaviour: rds.InstanceUpdateBehaviour.ROLLING,
      serverlessV2MinCapacity: minCapacity,
      serverlessV2MaxCapacity: maxCapacity,
      vpc: props.vpc,
      subnetGroup: this.subnetGroup,
      securityGroups: [this.securityGroup],
      port,
      credentials: rds.Credentials.fromSecret(secret),
      defaultDatabaseName: databaseName,
      storageEncrypted: true,
      storageEncryptionKey: this.encryptionKey,
      parameterGroup: this.parameterGroup,
      iamAuthentication: true,
      backup: { retention: backupRetention, preferredWindow: backupWindow },
      preferredMaintenanceWindow: maintenanceWindow,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
      cloudwatchLogsExports: [...AURORA_POSTGRES_LOG_EXPORTS],
      monitoringInterval: DEFAULT_MONITORING_INTERVAL,
      monitoringRole: this.monitoringRole,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
    });
    for (const group of Object.values(logGroups)) {
      this.cluster.node.addDependency(group);
    }
    this.grantMonitoring(stack);
    for (const clusterInstance of this.clusterInstances()) {
      acknowledge(clusterInstance, 'auroraClusterInstance');
    }
    this.hostname = this.cluster.clusterEndpoint.hostname;
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(port),
    });

    const functionName = `${identifier}-rotation`;
    logGroups.rotation = new logs.LogGroup(this, 'RotationLogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: logRetention,
      encryptionKey: logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroups = logGroups;
    const attached = this.cluster.secret ?? secret;
    this.secret = attached;
    this.rotation = new secretsmanager.RotationSchedule(this, 'Rotation', {
      secret: attached,
      hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
        functionName,
        vpc: props.vpc,
        vpcSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [this.rotationSecurityGroup],
        excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
      }),
      automaticallyAfter: rotationInterval,
    });
    this.rotation.node.addDependency(logGroups.rotation);
    this.connections.allowDefaultPortFrom(this.rotationSecurityGroup, 'Password rotation');
  }

  /** Lets `peer` (for example the app's tasks) connect to the database port, and nothing else. */
  public allowConnectionsFrom(peer: ec2.IConnectable, description: string): void {
    this.connections.allowDefaultPortFrom(peer, description);
  }

  /** The name of the cluster parameter group (for change events). */
  public get parameterGroupName(): string {
    return this.parameterGroup.bindToCluster({}).parameterGroupName;
  }

  private clusterInstances(): rds.CfnDBInstance[] {
    return this.cluster.node.findAll().filter((c): c is rds.CfnDBInstance => c instanceof rds.CfnDBInstance);
  }

  private grantMonitoring(stack: Stack): void {
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: 'RDSOSMetrics',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.monitoringRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CreateMetricsLogGroup',
        actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DescribeLogStreams'],
        resources: [logGroupArn],
      }),
    );
    // Each instance writes to its own stream, named by its resource id: no wildcard.
    const instances = this.clusterInstances();
    this.monitoringRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteThisClusterMetrics',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:GetLogEvents'],
        resources: instances.map((i) => `${logGroupArn}:log-stream:${i.attrDbiResourceId}`),
      }),
    );
  }
}

/** A `major.minor` Aurora PostgreSQL version whose minor runs Serverless v2. */
function isServerlessV2Version(version: string): boolean {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  const minMinor = match ? AURORA_POSTGRES_SERVERLESS_V2_MIN_MINOR[match[1]] : undefined;
  return match !== null && minMinor !== undefined && Number(match[2]) >= minMinor;
}
