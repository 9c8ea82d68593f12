import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * DB instance classes RDS for PostgreSQL runs, with storage encryption, for the majors this library accepts (14 and
 * later). aws-cdk-lib has no list of RDS classes, so the families are named by aws-cdk-lib's own `ec2.InstanceClass`
 * values (the compiler checks each is one) and the table is transcribed from the RDS User Guide:
 * - the PostgreSQL column of "Supported DB engines for DB instance classes"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html);
 * - the sizes of each family from "Hardware specifications for DB instance classes"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html).
 *
 * Left out on purpose: db.m4, db.r4 and db.t2, which RDS offers only for PostgreSQL versions lower than 13; the
 * previous-generation db.m1, db.m2 and db.t1, which cannot encrypt storage
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html)
 * and which the instance always asks for; classes RDS offers to other engines only (db.z1d, db.x2iezn) or to
 * Multi-AZ DB clusters only (db.c6gd). A class RDS adds later is refused until it is added here.
 */
const SIZES = {
  burstable: ['micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'],
  to16: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  to24: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'],
  to32: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  to48: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
} as const satisfies Record<string, readonly `${ec2.InstanceSize}`[]>;

const C = ec2.InstanceClass;

/** Each family RDS for PostgreSQL offers, with its sizes. */
export const POSTGRES_INSTANCE_FAMILIES: ReadonlyMap<string, readonly string[]> = new Map<
  ec2.InstanceClass,
  readonly string[]
>([
  // Burstable
  [C.T3, SIZES.burstable],
  [C.T4G, SIZES.burstable],
  // General purpose
  [C.M5, SIZES.to24],
  [C.M5D, SIZES.to24],
  [C.M6G, SIZES.to16],
  [C.M6GD, SIZES.to16],
  [C.M6I, SIZES.to32],
  [C.M6ID, SIZES.to32],
  [C.M6IN, SIZES.to32],
  [C.M6IDN, SIZES.to32],
  [C.M7G, SIZES.to16],
  [C.M7I, SIZES.to48],
  [C.M8G, SIZES.to48],
  // Memory optimized
  [C.R5, SIZES.to24],
  [C.R5B, SIZES.to24],
  [C.R5D, SIZES.to24],
  [C.R6G, SIZES.to16],
  [C.R6GD, SIZES.to16],
  [C.R6I, SIZES.to32],
  [C.R6ID, SIZES.to32],
  [C.R6IN, SIZES.to32],
  [C.R6IDN, SIZES.to32],
  [C.R7G, SIZES.to16],
  [C.R7I, SIZES.to48],
  [C.R8G, SIZES.to48],
  [C.X2G, SIZES.to16],
  [C.X2IDN, ['16xlarge', '24xlarge', '32xlarge']],
  [C.X2IEDN, ['xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge', '24xlarge', '32xlarge']],
]);

/**
 * Problems with an RDS for PostgreSQL instance class named `name`: `db.<family>.<size>` (the `db.` optional, as
 * `ec2.InstanceType` leaves it out), with a family and size from the table above. Unset or unresolved: none.
 */
export function postgresInstanceClassProblems(name: string, instanceClass: string | undefined): string[] {
  if (instanceClass === undefined || Token.isUnresolved(instanceClass)) {
    return [];
  }
  const bare = instanceClass.replace(/^db\./, '');
  const dot = bare.indexOf('.');
  const family = dot === -1 ? bare : bare.slice(0, dot);
  const size = dot === -1 ? '' : bare.slice(dot + 1);
  const sizes = POSTGRES_INSTANCE_FAMILIES.get(family);
  if (sizes === undefined) {
    return [
      `\`${name}\` must be an RDS for PostgreSQL instance class with encrypted storage, got '${instanceClass}'; allowed families: ${[...POSTGRES_INSTANCE_FAMILIES.keys()].map((f) => `db.${f}`).join(', ')}`,
    ];
  }
  if (!sizes.includes(size)) {
    return [
      `\`${name}\` '${instanceClass}' is not a size of db.${family}; allowed: ${sizes.map((s) => `db.${family}.${s}`).join(', ')}`,
    ];
  }
  return [];
}
