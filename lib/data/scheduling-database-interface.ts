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
