import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledgements';
import { defaultIdentifier } from '../private/database-checks';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { sourceScopedPrincipal } from '../private/service-trust';
import { Problems } from '../private/problems';
import {
  AURORA_POSTGRES_LOG_EXPORTS,
  AURORA_POSTGRES_SERVERLESS_V2_MIN_MINOR,
  DEFAULT_AURORA_POSTGRES_VERSION,
  DEFAULT_MONITORING_INTERVAL,
  DEFAULT_SERVERLESS_V2_MAX_CAPACITY,
  DEFAULT_SERVERLESS_V2_MIN_CAPACITY,
  MAX_SERVERLESS_V2_CAPACITY,
  MIN_SERVERLESS_V2_CAPACITY,
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
    const identifier = props.clusterIdentifier ?? defaultIdentifier(stack.stackName);
    const multiAz = props.multiAz ?? true;
    const settings = databaseSettings(props);
    const { port, adminUsername, databaseName, backupRetention, backupWindow, maintenanceWindow } = settings;
    const { logRetention, removalPolicy, placed } = settings;

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
    placementProblems(problems, props, settings);
    lifecycleProblems(problems, props, settings, 'clusterIdentifier', identifier);
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
      assumedBy: sourceScopedPrincipal(this, 'monitoring.rds.amazonaws.com'),
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
    grantEnhancedMonitoring(
      this.monitoringRole,
      'WriteThisClusterMetrics',
      this.clusterInstances().map((i) => i.attrDbiResourceId),
    );
    for (const clusterInstance of this.clusterInstances()) {
      acknowledge(clusterInstance, 'auroraClusterInstance');
    }
    this.hostname = this.cluster.clusterEndpoint.hostname;
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(port),
    });

    const attached = this.cluster.secret ?? secret;
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

  /** The name of the cluster parameter group (for change events). */
  public get parameterGroupName(): string {
    return this.parameterGroup.bindToCluster({}).parameterGroupName;
  }

  private clusterInstances(): rds.CfnDBInstance[] {
    return this.cluster.node.findAll().filter((c): c is rds.CfnDBInstance => c instanceof rds.CfnDBInstance);
  }
}

/** A `major.minor` Aurora PostgreSQL version whose minor runs Serverless v2. */
function isServerlessV2Version(version: string): boolean {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  const minMinor = match ? AURORA_POSTGRES_SERVERLESS_V2_MIN_MINOR[match[1]] : undefined;
  return match !== null && minMinor !== undefined && Number(match[2]) >= minMinor;
}
