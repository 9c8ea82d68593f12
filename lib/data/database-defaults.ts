/**
 * The hardened defaults of the data tier, in one place (checklist C1, C3, C5, C6). The constructs of
 * lib/data read their defaults from here.
 */
import { Duration } from 'aws-cdk-lib';

/** PostgreSQL major versions the construct accepts: those RDS offers under standard support. */
export const SUPPORTED_POSTGRES_MAJORS: readonly string[] = ['14', '15', '16', '17', '18'];
/** A current major, well supported by Cal.com's Prisma and by RDS. Minor versions follow automatically. */
export const DEFAULT_POSTGRES_MAJOR = '17';
/** PostgreSQL's well-known port, which scanners try first: refused. */
export const POSTGRES_DEFAULT_PORT = 5432;
/** A non-default port (AwsSolutions-RDS11): obscurity is no control, but it removes the first guess. */
export const DEFAULT_DATABASE_PORT = 5438;
/** Admin user names that every attack tool tries: refused. */
export const WELL_KNOWN_ADMIN_NAMES: readonly string[] = [
  'postgres',
  'admin',
  'administrator',
  'root',
  'rdsadmin',
  'master',
  'sa',
  'user',
  'test',
];
export const DEFAULT_ADMIN_USER = 'scheduling_admin';
/** Name of the database the app uses. */
export const DEFAULT_DATABASE_NAME = 'scheduling';
/** Burstable Graviton class with 4 GiB: the smallest that runs Cal.com comfortably with Performance Insights. */
export const DEFAULT_INSTANCE_CLASS = 'db.t4g.medium';
export const DEFAULT_ALLOCATED_STORAGE_GIB = 20;
export const DEFAULT_MAX_ALLOCATED_STORAGE_GIB = 100;
/** Automated (point-in-time) backups: RDS allows 1 to 35 days; we require at least 7 (checklist C6). */
export const MIN_BACKUP_RETENTION_DAYS = 7;
export const MAX_BACKUP_RETENTION_DAYS = 35;
export const DEFAULT_BACKUP_RETENTION_DAYS = 14;
/** Daily automated backup window (UTC) and the weekly maintenance window after it: they must not overlap. */
export const DEFAULT_BACKUP_WINDOW = '02:00-03:00';
export const DEFAULT_MAINTENANCE_WINDOW = 'sun:04:00-sun:05:00';
/** Enhanced monitoring: OS metrics every minute. */
export const DEFAULT_MONITORING_INTERVAL = Duration.seconds(60);
/** The master password is rotated this often, by a function inside the VPC. */
export const DEFAULT_ROTATION_INTERVAL = Duration.days(30);
/**
 * Characters left out of generated database passwords: everything that would need escaping in a
 * `postgresql://user:password@host/db` URL or in a shell word. Rotation uses the same list, so a rotated
 * password can still be put in a URL as is.
 */
export const PASSWORD_EXCLUDED_CHARACTERS = ` %+~\`#$&*()|[]{}:;<>?!'/@"\\=,^.`;
/** PostgreSQL and upgrade logs, the log types cdk-nag's RDSLoggingEnabled asks of PostgreSQL. */
export const POSTGRES_LOG_EXPORTS: readonly string[] = ['postgresql', 'upgrade'];

// ---- AWS Backup ----
export const DEFAULT_DAILY_RETENTION_DAYS = 35;
export const DEFAULT_WEEKLY_RETENTION_WEEKS = 13;
/** Backup jobs start after the RDS backup window and before the maintenance window. */
export const DAILY_BACKUP_HOUR_UTC = 3;
/** Restore tests run every week on Saturday morning (UTC) against the latest recovery point of the week. */
export const RESTORE_TEST_SCHEDULE = 'cron(0 6 ? * SAT *)';
/** How many days back a restore test may pick its recovery point from. */
export const RESTORE_TEST_SELECTION_WINDOW_DAYS = 7;
/** Hours a restored test database is kept for validation before AWS Backup deletes it. */
export const RESTORE_TEST_VALIDATION_HOURS = 4;
/**
 * Grace time of a compliance-mode Vault Lock: AWS Backup's least (72 hours), during which the lock can still be
 * removed; after it, the lock can never be changed or removed.
 */
export const COMPLIANCE_LOCK_GRACE_DAYS = 3;
/**
 * Minimum retention of a vault that receives copies from other accounts (`BackupCopyVault`): the least daily
 * retention `DatabaseBackup` accepts, so the copy of any plan's recovery points satisfies the lock.
 */
export const DEFAULT_COPY_VAULT_LOCK_MIN_RETENTION_DAYS = 7;

/** Event categories of the instance that go to the alert topic. */
export const DATABASE_EVENT_CATEGORIES: readonly string[] = [
  'failure',
  'failover',
  'low storage',
  'maintenance',
];

// ---- Aurora PostgreSQL Serverless v2 (opt-in) ----
/**
 * Aurora PostgreSQL majors the cluster accepts, each with the first minor that runs Serverless v2 (13 has
 * left standard support). A version is given as `major.minor`: Aurora creates clusters at a minor.
 */
export const AURORA_POSTGRES_SERVERLESS_V2_MIN_MINOR: Readonly<Record<string, number>> = {
  '14': 3,
  '15': 2,
  '16': 1,
  '17': 4,
};
/** A current Aurora PostgreSQL version; later minors are applied automatically in the maintenance window. */
export const DEFAULT_AURORA_POSTGRES_VERSION = '17.5';
/** Serverless v2 capacity in Aurora capacity units (ACU, about 2 GiB of memory each), in half-ACU steps. */
export const MIN_SERVERLESS_V2_CAPACITY = 0.5;
export const MAX_SERVERLESS_V2_CAPACITY = 256;
/** The smallest capacity: a writer and a reader at 0.5 ACU cost about $88 a month in us-east-1. */
export const DEFAULT_SERVERLESS_V2_MIN_CAPACITY = 0.5;
/** About 8 GiB at the peak: twice the default instance class. */
export const DEFAULT_SERVERLESS_V2_MAX_CAPACITY = 4;
/** Aurora PostgreSQL exports one log type, the PostgreSQL log. */
export const AURORA_POSTGRES_LOG_EXPORTS: readonly string[] = ['postgresql'];
/** Event categories of the cluster that go to the alert topic (Aurora storage grows by itself). */
export const CLUSTER_EVENT_CATEGORIES: readonly string[] = ['failure', 'failover', 'maintenance'];
/** Event categories of the cluster's instances that go to the alert topic. */
export const CLUSTER_INSTANCE_EVENT_CATEGORIES: readonly string[] = [
  'failure',
  'availability',
  'maintenance',
];
