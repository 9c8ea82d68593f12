/**
 * The whole stack with every choice written out: Cal.com built for its URL and pulled by digest from the
 * account's own ECR repository, a DNS-validated certificate, alerts by email and webhook, the database with
 * its backups and the activity log; pull access to the repository is granted by the library.
 *
 * In this repository:
 *
 *   npx cdk synth --app "npx tsx docs/examples/whole-stack.ts"
 *
 * In your own CDK app, with secure-scheduling installed: copy this file, import from 'secure-scheduling'
 * instead of '../../lib', and run it the same way with your app's TypeScript runner (tsx, ts-node).
 */
import { App, AppProps, Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  addCompliancePacks,
  OptionalManagedRuleGroup,
  SchedulingApp,
  SecureSchedulingStack,
} from '../../lib';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const DOMAIN = 'schedule.example.com';
/** Digest of the Cal.com image built for https://schedule.example.com (see "Cal.com image"). */
const CALCOM_DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** Builds the example app; `props` lets a test pass the feature flags of cdk.json. */
export function buildApp(props: AppProps = {}): App {
  const app = new App(props);

  const calCom = SchedulingApp.calCom({
    publicUrl: `https://${DOMAIN}`,
    image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/calcom@${CALCOM_DIGEST}`,
    environment: { EMAIL_FROM: 'notifications@example.com' },
  });

  new SecureSchedulingStack(app, 'Scheduling', {
    env: { account: ACCOUNT, region: REGION },
    availabilityZones: [`${REGION}a`, `${REGION}b`],
    domainName: DOMAIN,
    hostedZone: { hostedZoneId: 'Z0123456789EXAMPLEZONE', zoneName: 'example.com' },
    app: calCom,
    cpu: 1024,
    memoryLimitMiB: 2048,
    desiredCount: 2,
    maxCount: 6,
    natGateways: 2,
    interfaceEndpoints: false,
    sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
    rateLimit: 1000,
    sensitivePathRateLimit: 100,
    additionalManagedRuleGroups: [OptionalManagedRuleGroup.LINUX],
    blockedIpRanges: ['198.51.100.0/24'],
    alertEmails: ['ops@example.com'],
    alertHttpsEndpoints: ['https://hooks.example.com/alerts/scheduling'],
    // Cal.com sends its mail through an SMTP provider on the submission port, which the tasks must resolve.
    egressPorts: [443, 587],
    allowedDomains: ['email-smtp.eu-west-1.amazonaws.com'],
    // Pinned by digest: what runs is what was scanned.
    production: true,
    logRetention: logs.RetentionDays.THREE_MONTHS,
    // The database: PostgreSQL 17 with a standby in the second zone; RDS keeps automated backups 14 days,
    // AWS Backup keeps daily recovery points 35 days and weekly ones 91, and restores one every week to prove
    // it can. The app receives its connection from the rotated secret (DATABASE_URL, TLS required).
    databaseEngineVersion: '17',
    databaseBackupRetention: Duration.days(14),
    dailyBackupRetention: Duration.days(35),
    weeklyBackupRetention: Duration.days(91),
    restoreTesting: true,
    // The activity log: a year searchable in CloudWatch Logs, 400 days of signed log files in S3.
    trailLogRetention: logs.RetentionDays.ONE_YEAR,
    trailBucketExpiration: Duration.days(400),
    certificateExpiryAlarmDays: 30,
  });

  addCompliancePacks(app);
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
