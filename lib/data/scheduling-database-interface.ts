import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';

/**
 * Engines the scheduling database runs on. Both keep the same security settings and give the rest of the
 * stack the same interface (`ISchedulingDatabase`).
 */
export enum DatabaseEngine {
  /** One RDS for PostgreSQL instance with a Multi-AZ standby (`SchedulingDatabase`). */
  POSTGRES = 'postgres',
  /**
   * An Aurora PostgreSQL cluster of Serverless v2 instances, a writer and a reader in another zone
   * (`SchedulingAuroraDatabase`). Opt-in and priced per ACU-hour (see docs/cost.md).
   */
  AURORA_SERVERLESS_V2 = 'aurora-serverless-v2',
}

/**
 * What the rest of the stack uses of the scheduling database, whichever engine runs it: the app's
 * connection, the security groups, the keys, the rotated secret and the log groups.
 */
export interface ISchedulingDatabase extends IConstruct, ec2.IConnectable {
  /** The admin credentials: JSON with `username`, `password`, `host`, `port`, `dbname`, `engine`. */
  readonly secret: secretsmanager.ISecret;
  /** Rotation of the admin password. */
  readonly rotation: secretsmanager.RotationSchedule;
  /** Host name clients connect to (the instance endpoint, or the cluster's writer endpoint). */
  readonly hostname: string;
  /** The port clients connect to. */
  readonly port: number;
  /** Name of the app's database. */
  readonly databaseName: string;
  /** Name of the admin user. */
  readonly adminUsername: string;
  /** Security group of the database: ingress only from the security groups allowed in, on `port`. */
  readonly securityGroup: ec2.SecurityGroup;
  /** Security group of the rotation function. */
  readonly rotationSecurityGroup: ec2.SecurityGroup;
  /** Key of the storage, snapshots, Performance Insights and secret. */
  readonly encryptionKey: kms.IKey;
  /** Subnet group of the database (isolated subnets). */
  readonly subnetGroup: rds.SubnetGroup;
  /** Log groups of the exported logs, by log type, and of the rotation function (`rotation`). */
  readonly logGroups: Readonly<Record<string, logs.LogGroup>>;
  /** Lets `peer` (for example the app's tasks) connect to the database port, and nothing else. */
  allowConnectionsFrom(peer: ec2.IConnectable, description: string): void;
}

/** The props both database constructs take: placement, names, backups, keys, logs, rotation and removal. */
export interface SchedulingDatabaseBaseProps {
  /** VPC of the database. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the database: isolated ones only, with no route to or from the internet.
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Subnets of the password rotation function. They need a way to the Secrets Manager API: a NAT gateway or
   * a Secrets Manager interface endpoint.
   * @default - the VPC's private subnets with egress
   */
  readonly rotationSubnets?: ec2.SubnetSelection;

  /**
   * TCP port; never PostgreSQL's default 5432.
   * @default 5438
   */
  readonly port?: number;

  /**
   * Name of the admin (master) user; never a well-known one such as `postgres` or `admin`.
   * @default 'scheduling_admin'
   */
  readonly adminUsername?: string;

  /**
   * Name of the database created for the app.
   * @default 'scheduling'
   */
  readonly databaseName?: string;

  /**
   * How long automated backups (point-in-time recovery) are kept: 7 to 35 days.
   * @default Duration.days(14)
   */
  readonly backupRetention?: Duration;

  /**
   * Daily window (UTC, `hh:mm-hh:mm`, at least 30 minutes) of automated backups.
   * @default '02:00-03:00'
   */
  readonly preferredBackupWindow?: string;

  /**
   * Weekly window (UTC, `ddd:hh:mm-ddd:hh:mm`, at least 30 minutes) for minor upgrades and maintenance; must
   * not overlap the backup window.
   * @default 'sun:04:00-sun:05:00'
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * Key that encrypts the storage, snapshots, Performance Insights and the admin secret.
   * @default - a new KMS key with rotation enabled, retained when the stack is deleted
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the exported logs (PostgreSQL's, and the instance's upgrade log) are kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Key that encrypts the log groups of the exported logs and of the rotation function.
   * @default - a new KMS key with rotation enabled
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * How often the admin password is rotated.
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;

  /**
   * More PostgreSQL parameters, for the instance's or the cluster's parameter group. A TLS or logging parameter of `HARDENED_POSTGRES_PARAMETERS` may be given only at its value or a stricter one; a weaker one is refused.
   * @default - none
   */
  readonly parameters?: Record<string, string>;

  /**
   * Must stay false: the database is never reachable from the internet. Present so that a copied setting
   * fails loudly instead of being ignored.
   * @default false
   */
  readonly publiclyAccessible?: boolean;

  /**
   * What happens to the database (instance or cluster) when it leaves the stack or is replaced: `SNAPSHOT` or `RETAIN`.
   * `DESTROY` also needs `acceptDataLoss: true`.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Allows `removalPolicy: DESTROY`, which deletes the scheduling data with the stack and turns deletion
   * protection off (the packs report it). For throw-away test deployments only.
   * @default false
   */
  readonly acceptDataLoss?: boolean;
}
