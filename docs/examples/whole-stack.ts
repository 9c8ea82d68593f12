/**
 * The whole stack with every choice written out: Cal.com built for its URL and pulled by digest from the
 * account's own ECR repository, a DNS-validated certificate, alerts by email and webhook, and the database
 * connection string handed to the app from a secret that already exists; pull access to the repository
 * is granted by the library.
 *
 *   npx cdk synth --app "npx tsx docs/examples/whole-stack.ts"
 */
import { App, AppProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
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

  const stack = new SecureSchedulingStack(app, 'Scheduling', {
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
    // Cal.com sends its mail through an SMTP provider on the submission port.
    egressPorts: [443, 587],
    logRetention: logs.RetentionDays.THREE_MONTHS,
  });

  // The database tier is not part of the stack yet. Here a PostgreSQL database placed in the stack's data
  // subnets is reached through a connection string in an existing secret, which the execution role may read.
  // (A secret created in another stack can be passed as the `appSecrets` prop instead.)
  const databaseUrl = secretsmanager.Secret.fromSecretCompleteArn(
    stack,
    'DatabaseUrl',
    `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:scheduling/database-url-AbCdEf`,
  );
  stack.service.container.addSecret('DATABASE_URL', ecs.Secret.fromSecretsManager(databaseUrl));
  // `egressPorts` would open 5432 to every address; a database inside the VPC is better opened to its own
  // subnets only, so the rule is added here, to the data subnets alone.
  for (const subnet of stack.network.vpc.selectSubnets(stack.network.dataSubnets).subnets) {
    stack.service.connections.allowTo(
      ec2.Peer.ipv4(subnet.ipv4CidrBlock),
      ec2.Port.tcp(5432),
      'PostgreSQL in the data subnets',
    );
  }

  addCompliancePacks(app);
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
