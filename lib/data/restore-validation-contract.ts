/**
 * What the `DatabaseBackup` construct and its restore validation function agree on: the names of the function's
 * environment variables. They carry ARNs, names and a port, never a password: the function reads the master
 * password from Secrets Manager itself.
 */
export const RESTORE_VALIDATION_ENVIRONMENT = {
  /** ARN of the restore testing plan whose restore jobs the function validates (others are refused). */
  restoreTestingPlanArn: 'RESTORE_TESTING_PLAN_ARN',
  /** ARN of the database's master secret (JSON with `username` and `password`). */
  masterSecretArn: 'MASTER_SECRET_ARN',
  /** The database the function connects to on the restored instance. */
  databaseName: 'DATABASE_NAME',
  /** The table whose rows are counted, optionally schema-qualified (`public.users`). */
  tableName: 'VALIDATION_TABLE',
} as const;

/**
 * The table counted by default: Cal.com's users, the table Prisma creates for its `User` model
 * (`@@map(name: "users")` in packages/prisma/schema.prisma of calcom/cal.com).
 */
export const DEFAULT_VALIDATION_TABLE = 'users';

/** What the function reports to AWS Backup (PutRestoreValidationResult's `ValidationStatus`). */
export type RestoreValidationStatus = 'SUCCESSFUL' | 'FAILED';
