/**
 * What the `BucketObjectLock` construct and its deploy-time function agree on: the custom resource's
 * properties. Any change of a property (or of the function's code, through `CodeHash`) runs it again.
 */
export const OBJECT_LOCK_PROPERTIES = {
  bucketName: 'BucketName',
  retentionDays: 'RetentionDays',
  codeHash: 'CodeHash',
} as const;

/** The retention mode the function sets: governance, which an explicitly permitted principal can still lift. */
export const OBJECT_LOCK_MODE = 'GOVERNANCE';
