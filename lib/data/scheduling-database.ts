import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { defaultIdentifier } from '../private/database-checks';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { sourceScopedPrincipal } from '../private/service-trust';
import { Problems } from '../private/problems';
import { postgresInstanceClassProblems } from '../private/rds-instance-classes';
import {
  DEFAULT_ALLOCATED_STORAGE_GIB,
  DEFAULT_INSTANCE_CLASS,
  DEFAULT_MAX_ALLOCATED_STORAGE_GIB,
  DEFAULT_MONITORING_INTERVAL,
  DEFAULT_POSTGRES_MAJOR,
  POSTGRES_LOG_EXPORTS,
  SUPPORTED_POSTGRES_MAJORS,
} from './database-defaults';
import { DatabaseParameters } from './database-parameters';
import {
  databaseSettings,
  databaseSurroundings,
  grantEnhancedMonitoring,
  lifecycleProblems,
  placementProblems,
  rotateAdminPassword,
} from './database-common';
import { ISchedulingDatabase, SchedulingDatabaseBaseProps } from './scheduling-database-interface';

export interface SchedulingDatabaseProps extends SchedulingDatabaseBaseProps {
  /**
   * PostgreSQL major version; minor versions are applied automatically in the maintenance window.
   * @default '17'
   */
  readonly engineVersion?: string;

  /**
   * Instance class.
   * @default db.t4g.medium
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * A standby in a second zone that takes over on failure. Turning it off halves the instance cost and
   * leaves a zone outage without a database; the compliance packs report it.
   * @default true
   */
  readonly multiAz?: boolean;

  /**
   * Storage allocated at creation, in GiB (gp3).
   * @default 20
   */
  readonly allocatedStorageGiB?: number;

  /**
   * Ceiling storage autoscaling may grow to, in GiB.
   * @default 100
   */
  readonly maxAllocatedStorageGiB?: number;

  /**
   * Instance identifier; also names the log groups of the exported logs, so they can be created with a
   * retention and a key before RDS writes to them. Lower-case letters, digits and hyphens, at most 50.
   * @default - `<stack name>-database`, in lower case
   */
  readonly instanceIdentifier?: string;
}

/**
 * The scheduling data on RDS for PostgreSQL (checklist C1, C2, C3, C4, C5, C6): isolated subnets, not publicly
 * accessible, Multi-AZ, storage and Performance Insights encrypted with a customer key, TLS forced, a
 * non-default port and admin name, an admin password generated and rotated by Secrets Manager inside the
 * VPC, IAM authentication, deletion protection, a snapshot on removal and on replacement, automatic minor
 * upgrades, automated backups, PostgreSQL and upgrade logs in log groups with a retention limit, enhanced
 * monitoring.
 */
export class SchedulingDatabase extends Construct implements ISchedulingDatabase {
  /** The RDS instance. */
  public readonly instance: rds.DatabaseInstance;
  /** Security group of the instance: ingress only from the security groups allowed in, on `port`. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Security group of the rotation function. */
  public readonly rotationSecurityGroup: ec2.SecurityGroup;
  /** The admin credentials: JSON with `username`, `password`, `host`, `port`, `dbname`, `engine`. */
  public readonly secret: secretsmanager.ISecret;
  /** Rotation of the admin password. */
  public readonly rotation: secretsmanager.RotationSchedule;
  /** Key of the storage, snapshots, Performance Insights and secret. */
  public readonly encryptionKey: kms.IKey;
  /** The parameter group. */
  public readonly parameterGroup: rds.ParameterGroup;
  /** Subnet group of the instance (isolated subnets). */
  public readonly subnetGroup: rds.SubnetGroup;
  /** Log groups of the exported logs, by log type (`postgresql`, `upgrade`), and of the rotation function. */
  public readonly logGroups: Readonly<Record<string, logs.LogGroup>>;
  /** Role enhanced monitoring writes OS metrics with. */
  public readonly monitoringRole: ManagedPolicyRole;
  /** The port clients connect to. */
  public readonly port: number;
  /** Name of the app's database. */
  public readonly databaseName: string;
  /** Name of the admin user. */
  public readonly adminUsername: string;
  /** Connections of the instance: `database.connections.allowDefaultPortFrom(app)`. */
  public readonly connections: ec2.Connections;
  /** Host name clients connect to: the instance endpoint. */
  public readonly hostname: string;

  constructor(scope: Construct, id: string, props: SchedulingDatabaseProps) {
    super(scope, id);

    const stack = Stack.of(this);
    const engineVersion = props.engineVersion ?? DEFAULT_POSTGRES_MAJOR;
    const allocated = props.allocatedStorageGiB ?? DEFAULT_ALLOCATED_STORAGE_GIB;
    const maxAllocated = props.maxAllocatedStorageGiB ?? DEFAULT_MAX_ALLOCATED_STORAGE_GIB;
    const identifier = props.instanceIdentifier ?? defaultIdentifier(stack.stackName);
    const settings = databaseSettings(props);
    const { port, adminUsername, databaseName, backupRetention, backupWindow, maintenanceWindow } = settings;
    const { logRetention, removalPolicy } = settings;

    const problems = new Problems();
    problems.check(
      !SUPPORTED_POSTGRES_MAJORS.includes(engineVersion),
      `\`engineVersion\` must be one of the supported PostgreSQL majors ${SUPPORTED_POSTGRES_MAJORS.join(', ')}, got '${engineVersion}'`,
    );
    problems.add(...postgresInstanceClassProblems('instanceType', props.instanceType?.toString()));
    placementProblems(problems, props, settings);
    problems.range('allocatedStorageGiB', allocated, 20, 65536, 'GiB');
    problems.check(
      maxAllocated < allocated,
      `\`maxAllocatedStorageGiB\` (${maxAllocated}) must be at least \`allocatedStorageGiB\` (${allocated})`,
    );
    problems.range('maxAllocatedStorageGiB', maxAllocated, 20, 65536, 'GiB');
    lifecycleProblems(problems, props, settings, 'instanceIdentifier', identifier);
    problems.throwIfAny(this);

    this.port = port;
    this.databaseName = databaseName;
    this.adminUsername = adminUsername;

    const surroundings = databaseSurroundings(this, props, settings);
    this.encryptionKey = surroundings.encryptionKey;
    this.securityGroup = surroundings.securityGroup;
    this.rotationSecurityGroup = surroundings.rotationSecurityGroup;
    this.subnetGroup = surroundings.subnetGroup;
    const { logKey, secret } = surroundings;

    const engine = rds.DatabaseInstanceEngine.postgres({
      // The major version alone: RDS applies minor versions in the maintenance window and CloudFormation
      // never tries to move the instance back to the minor it was created with.
      version: rds.PostgresEngineVersion.of(engineVersion, engineVersion),
    });
    this.parameterGroup = new DatabaseParameters(this, 'Parameters', {
      engine,
      parameters: props.parameters,
    }).parameterGroup;

    // Log groups exist before the instance, so RDS writes into them with their retention and key
    // (checklist C7) instead of creating them without either.
    const logGroups: Record<string, logs.LogGroup> = {};
    for (const type of POSTGRES_LOG_EXPORTS) {
      logGroups[type] = new logs.LogGroup(this, `${pascalCase(type)}LogGroup`, {
        logGroupName: `/aws/rds/instance/${identifier}/${type}`,
        retention: logRetention,
        encryptionKey: logKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    // Enhanced monitoring's role gets its permissions after the instance exists, limited to the instance's
    // own log stream (named by its resource id) in RDSOSMetrics: no wildcard.
    this.monitoringRole = new ManagedPolicyRole(this, 'MonitoringRole', {
      assumedBy: sourceScopedPrincipal(this, 'monitoring.rds.amazonaws.com'),
      description: 'Writes the enhanced monitoring metrics of the scheduling database',
    });

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine,
      instanceIdentifier: identifier,
      instanceType: props.instanceType ?? new ec2.InstanceType(DEFAULT_INSTANCE_CLASS.replace(/^db\./, '')),
      vpc: props.vpc,
      subnetGroup: this.subnetGroup,
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      port,
      credentials: rds.Credentials.fromSecret(secret),
      databaseName,
      multiAz: props.multiAz ?? true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: allocated,
      maxAllocatedStorage: maxAllocated,
      storageEncrypted: true,
      storageEncryptionKey: this.encryptionKey,
      parameterGroup: this.parameterGroup,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      iamAuthentication: true,
      autoMinorVersionUpgrade: true,
      // Lets a change of `engineVersion` to a later major upgrade the instance in place, with the parameter group
      // of the new family: RDS refuses an EngineVersion of another major without it. It starts nothing by
      // itself: "Amazon RDS doesn't apply major version upgrades automatically"
      // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.MajorVersion.html).
      allowMajorVersionUpgrade: true,
      backupRetention,
      preferredBackupWindow: backupWindow,
      preferredMaintenanceWindow: maintenanceWindow,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      // A throw-away deployment that accepted data loss can be deleted; any other cannot, even by mistake.
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
      cloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      monitoringInterval: DEFAULT_MONITORING_INTERVAL,
      monitoringRole: this.monitoringRole,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
    });
    for (const group of Object.values(logGroups)) {
      this.instance.node.addDependency(group);
    }
    this.hostname = this.instance.dbInstanceEndpointAddress;
    grantEnhancedMonitoring(this.monitoringRole, 'WriteThisInstanceMetrics', [
      `${this.instance.instanceResourceId}`,
    ]);
    // The literal port, not the instance's endpoint port attribute: rule checkers cannot judge a value known
    // only at deploy time.
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(port),
    });

    const attached = this.instance.secret ?? secret;
    this.secret = attached;
    const rotation = rotateAdminPassword(this, props, settings, {
      identifier,
      secret: attached,
      securityGroup: this.rotationSecurityGroup,
      logKey,
    });
    logGroups.rotation = rotation.logGroup;
    this.logGroups = logGroups;
    this.rotation = rotation.rotation;
    this.connections.allowDefaultPortFrom(this.rotationSecurityGroup, 'Password rotation');
  }

  /** Lets `peer` (for example the app's tasks) connect to the database port, and nothing else. */
  public allowConnectionsFrom(peer: ec2.IConnectable, description: string): void {
    this.connections.allowDefaultPortFrom(peer, description);
  }
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
