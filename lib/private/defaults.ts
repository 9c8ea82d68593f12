/**
 * The hardened defaults of secure-scheduling, in one place. Every construct reads its defaults from here,
 * so a reviewer can see what "secure by default" means without reading the constructs.
 */
import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

// ---- Network ----
/** IPv4 range of the VPC: room for /22 app subnets in several zones. */
export const DEFAULT_VPC_CIDR = '10.20.0.0/16';
export const PUBLIC_SUBNET_CIDR_MASK = 24;
export const PRIVATE_SUBNET_CIDR_MASK = 22;
export const ISOLATED_SUBNET_CIDR_MASK = 24;

// ---- Logs (checklist C7: keep what is needed, no longer) ----
/** Operational logs (flow logs, app, WAF): long enough for an incident review, short enough to minimise data. */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;
/** Longest retention a log group of this stack may be given without an explicit override. */
export const MAX_LOG_RETENTION_DAYS = 400;
/** Days after which objects in log buckets (ALB access logs, S3 server access logs) expire. */
export const DEFAULT_LOG_BUCKET_EXPIRATION = Duration.days(90);
/** Days after which older versions of log objects are removed (versioning protects against overwrite). */
export const LOG_BUCKET_NONCURRENT_EXPIRATION = Duration.days(30);
/** Days after which log objects move to an infrequent-access storage class. */
export const LOG_BUCKET_INFREQUENT_ACCESS_AFTER = Duration.days(30);

// ---- Audit (checklist C10) ----
/** The trail's CloudWatch Logs log group: a year of events searchable by alarms and queries. */
export const DEFAULT_AUDIT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;
/**
 * The shortest the trail's log group may keep events: a year searchable by the alarms and queries, as Security
 * Hub's CloudWatch.16 asks by default (PCI DSS 10.7 asks three months of it immediately available).
 */
export const MIN_AUDIT_LOG_RETENTION_DAYS = 365;
/** How long the trail's log files stay in its bucket: a year of audit history plus a month's margin. */
export const DEFAULT_TRAIL_BUCKET_EXPIRATION = Duration.days(400);
/** The trail bucket keeps at least a year of history (PCI DSS 10.7, CIS) and at most ten. */
export const MIN_TRAIL_BUCKET_EXPIRATION_DAYS = 365;
export const MAX_TRAIL_BUCKET_EXPIRATION_DAYS = 3650;
/** Age at which trail log files move to S3 Glacier Instant Retrieval. */
export const DEFAULT_TRAIL_ARCHIVE_AFTER = Duration.days(90);
/**
 * Days after which overwritten or deleted versions of trail log files are removed: the audit floor, not
 * less, so that deleting a log file (which only adds a delete marker) does not start a short clock on the
 * evidence. Longer when the lock is (a locked version cannot be removed before its retention ends anyway).
 */
export const AUDIT_LOG_NONCURRENT_EXPIRATION = Duration.days(365);
/**
 * How long each trail log file is locked (S3 Object Lock, governance mode): the audit floor, a year of
 * history (PCI DSS 10.7, CIS), which is also the shortest the bucket may keep the files. A shorter lock
 * would let a stolen administrator credential erase evidence the floor still requires.
 */
export const DEFAULT_TRAIL_OBJECT_LOCK_RETENTION = Duration.days(365);
/** The shortest lock a trail bucket may be given: the audit floor. */
export const MIN_TRAIL_OBJECT_LOCK_DAYS = 365;
/** Days before a certificate expires at which its alarm fires (ACM renews managed certificates at 60 days). */
export const DEFAULT_CERTIFICATE_EXPIRY_ALARM_DAYS = 30;
/** ACM starts renewing the certificates it issued this many days before they expire. */
export const ACM_RENEWAL_STARTS_DAYS = 60;
/** ACM's expiry-events window (an account setting): its default and its most. */
export const DEFAULT_CERTIFICATE_EXPIRY_EVENTS_DAYS = 45;
export const MAX_CERTIFICATE_EXPIRY_EVENTS_DAYS = 45;

// ---- TLS (checklist C1) ----
/** TLS 1.2 and 1.3 only, with post-quantum hybrid key exchange and a restricted cipher list. */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';
/**
 * Policies an HTTPS listener may use: every ALB security policy whose minimum protocol is TLS 1.2 or 1.3.
 * Policies that still accept TLS 1.0 or 1.1 (`ELBSecurityPolicy-2016-08`, `...-TLS13-1-0-...`,
 * `...-TLS13-1-1-...`, `...-FS-1-1-...`, `...-TLS-1-1-...`) are not in this list and are rejected.
 */
export const ALLOWED_SSL_POLICIES: readonly string[] = [
  'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  'ELBSecurityPolicy-FS-1-2-2019-08',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
];
/** Strict-Transport-Security: one year, subdomains included (no preload: that is a one-way, domain-wide choice). */
export const HSTS_HEADER_VALUE = 'max-age=31536000; includeSubDomains';
export const X_CONTENT_TYPE_OPTIONS = 'nosniff';
/**
 * Paths the load balancer answers with a fixed 404 before any app sees them: files that leak secrets or source
 * when a build or a volume exposes them by mistake (environment files, version-control metadata, cloud
 * credentials, editor and OS leftovers), at the root and one directory down. ALB path patterns are
 * case-sensitive and `*` matches any characters, `/` included; at most three per rule.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
 */
export const REFUSED_PATH_PATTERNS: readonly string[] = [
  '/.env*',
  '/.git*',
  '/.aws*',
  '/*/.env*',
  '/*/.git*',
  '/*/.aws*',
  '/.svn*',
  '/.hg*',
  '/.DS_Store',
];
/** Methods that only echo or trace a request: answered 405 by the load balancer (cross-site tracing). */
export const REFUSED_METHODS: readonly string[] = ['TRACE', 'TRACK'];
/**
 * Priority of the first listener rule that forwards the app's own host names; the refusals come before it.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
 */
export const HOST_RULE_PRIORITY = 100;
/** ACM: at most 10 names per certificate (the domain name and nine more), a quota of the account. */
export const MAX_DOMAIN_ALIASES = 9;
/** How long an idle connection to the load balancer is kept open. */
export const DEFAULT_IDLE_TIMEOUT = Duration.seconds(60);

/**
 * sslmode of the app's database connections: TLS required, never a plain-text fallback (the database also
 * refuses plain text, rds.force_ssl=1). verify-full would also need the RDS CA bundle inside the image.
 */
export const DATABASE_SSL_MODE = 'require';

// ---- Web firewall (checklist C9) ----
/** Requests per IP per 5 minutes across the whole site before the IP is blocked. */
export const DEFAULT_RATE_LIMIT = 1000;
/** Requests per IP per 5 minutes on sign-in and booking paths (credential stuffing, booking spam). */
export const DEFAULT_SENSITIVE_PATH_RATE_LIMIT = 100;
/** Path prefixes that get the stricter rate limit; these are Cal.com's sign-in, sign-up and booking endpoints. */
export const DEFAULT_SENSITIVE_PATHS: readonly string[] = [
  '/auth/',
  '/api/auth/',
  '/signup',
  '/api/book/',
  '/api/trpc/',
];
/** WAF's own bounds for a rate-based rule's limit. */
export const MIN_RATE_LIMIT = 10;
export const MAX_RATE_LIMIT = 2_000_000_000;
/** Headers that carry credentials: never written to WAF logs. */
export const WAF_REDACTED_HEADERS: readonly string[] = ['authorization', 'cookie'];

// ---- App (checklist C4, C5, C8) ----
/** Ports the app may connect out to: HTTPS only (AWS APIs, calendar and video integrations), checklist C8. */
export const DEFAULT_EGRESS_PORTS: readonly number[] = [443];
export const DEFAULT_CPU = 1024;
export const DEFAULT_MEMORY_MIB = 2048;
export const DEFAULT_DESIRED_COUNT = 2;
export const DEFAULT_MAX_COUNT = 6;
export const DEFAULT_CPU_TARGET_PERCENT = 60;
export const DEFAULT_REQUESTS_PER_TARGET = 500;
/** The default Cal.com image: a release tag, never `latest`. Update path: docs/constructs.md. */
export const CALCOM_DEFAULT_IMAGE = 'calcom/cal.com:v5.5.0';
/**
 * The Cal.com image's own start command (its CMD): rewrites the build-time URL in its build output, applies the
 * database migrations, seeds the app store, then starts the server (docs/first-deploy.md).
 */
export const CALCOM_START_COMMAND = '/calcom/scripts/start.sh';
/**
 * Directories of the Cal.com image its start script rewrites in place (`sed -i` on every file that holds the
 * build-time URL): each is copied into a task volume the app may write, while the root file system stays
 * read-only. `.next/cache` (Next.js's own cache) lives inside the `.next` copy.
 */
export const CALCOM_PREPARED_PATHS: readonly string[] = ['/calcom/apps/web/.next', '/calcom/apps/web/public'];
/** Scratch space of Cal.com: `/tmp`, also its HOME (npx, yarn and Prisma keep caches there). */
export const CALCOM_WRITABLE_PATHS: readonly string[] = ['/tmp'];
/**
 * How long a new Cal.com task has before failed health checks count: its first start copies the build output,
 * rewrites the URL in it, applies every migration to an empty database and seeds the app store (minutes, see
 * docs/first-deploy.md); later starts take one to two minutes. The load balancer sends no traffic to a task
 * before it passes its checks, so a long grace delays only the replacement of a task that hangs.
 */
export const CALCOM_HEALTH_CHECK_GRACE = Duration.minutes(15);
/** Numeric uid:gid of the `node` user in Node.js base images; never root. */
export const DEFAULT_CONTAINER_USER = '1000:1000';
export const DEFAULT_HEALTH_CHECK_INTERVAL = Duration.seconds(30);
export const DEFAULT_HEALTH_CHECK_GRACE = Duration.seconds(120);

// ---- Operator sign-in (checklist C2) ----
/**
 * Shortest password an operator may set in the user pool the stack creates: above the checklist's 12, with
 * lower case, upper case, digits and symbols required.
 */
export const MIN_OPERATOR_PASSWORD_LENGTH = 14;
/** Cognito's own ceiling for a password policy's minimum length. */
export const MAX_OPERATOR_PASSWORD_LENGTH = 99;
/** Earlier passwords an operator may not reuse (Cognito allows 0 to 24; needs the Essentials plan or higher). */
export const OPERATOR_PASSWORD_HISTORY = 24;
/** How long the temporary password of an invitation stays valid. */
export const OPERATOR_TEMPORARY_PASSWORD_VALIDITY = Duration.days(1);
/** How long the load balancer's sign-in session lasts before it asks the identity provider again. */
export const DEFAULT_OPERATOR_SESSION_TIMEOUT = Duration.hours(1);
/**
 * The longest session ALB keeps for an authenticate action: SessionTimeout is in seconds, up to 7 days, which
 * is also its default (604,800 seconds).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html
 */
export const MAX_OPERATOR_SESSION_TIMEOUT = Duration.days(7);
/**
 * Listener rule priorities of the sign-in rules in front of operator paths: after the refusals (from 1), before
 * the host rules that forward everything else (from `HOST_RULE_PRIORITY`).
 */
export const PROTECTED_RULE_PRIORITY = 10;

// ---- Break-glass database task (checklist C3) ----
/**
 * The PostgreSQL client of the break-glass task: the official image's Alpine variant, pinned to a minor
 * version (`psql` only; the server in the image never starts).
 */
export const BREAK_GLASS_IMAGE = 'postgres:17.6-alpine3.22';
/** Name of the break-glass task's container, which `--overrides` names. */
export const BREAK_GLASS_CONTAINER = 'psql';
/** The `postgres` user of the official Alpine image (uid and gid 70): never root. */
export const BREAK_GLASS_USER = '70:70';
/**
 * How long a WAF challenge token, solved on the sign-up page, stays good for the sign-up request that follows:
 * long enough to fill in the form (WAF's own default is 300 seconds).
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-tokens-immunity-times.html
 */
export const SIGNUP_CHALLENGE_IMMUNITY = Duration.hours(1);
