/**
 * The constructs composed by hand in your own stack, for an app that is not Cal.com: a VPC in three tiers
 * whose outbound DNS is an allow-list, a TLS-only load balancer with a certificate you already have in ACM that
 * asks operators for a sign-in with a second factor before the app's admin pages, the web firewall, the app on
 * Fargate from a pinned image, alarms on its health and a daily check of the certificate. One KMS key encrypts
 * all the stack's log groups.
 *
 * In this repository:
 *
 *   npx cdk synth --app "npx tsx docs/examples/standalone-constructs.ts"
 *
 * In your own CDK app, with secure-scheduling installed: copy this file, import from 'secure-scheduling'
 * instead of '../../lib', and run it the same way with your app's TypeScript runner (tsx, ts-node).
 */
import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  addCompliancePacks,
  AlertTopic,
  CertificateMonitor,
  LogEncryptionKey,
  OperatorLogin,
  OutboundDnsFirewall,
  SchedulingApp,
  SchedulingNetwork,
  SchedulingService,
  ServiceAlarms,
  TlsLoadBalancer,
  WebFirewall,
} from '../../lib';

const ZONES = ['eu-west-1a', 'eu-west-1b'];

class BookingStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

    // One customer-managed key for every log group of the stack, instead of one key per construct.
    const logKey = new LogEncryptionKey(this, 'LogKey').key;

    const network = new SchedulingNetwork(this, 'Network', {
      availabilityZones: ZONES,
      encryptionKey: logKey,
      flowLogRetention: logs.RetentionDays.ONE_MONTH,
    });

    // Operators of the app sign in at the load balancer: a Cognito user pool with TOTP required.
    const operatorLogin = new OperatorLogin(this, 'OperatorLogin', { hostNames: ['book.example.org'] });

    const loadBalancer = new TlsLoadBalancer(this, 'LoadBalancer', {
      vpc: network.vpc,
      vpcSubnets: network.ingressSubnets,
      domainName: 'book.example.org',
      operatorLogin,
      // This app's administration pages.
      protectedPaths: ['/admin', '/admin/*'],
      // A certificate issued or imported in ACM beforehand; it must be in the stack's region.
      certificate: acm.Certificate.fromCertificateArn(
        this,
        'Certificate',
        'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
      ),
      frameOptions: 'SAMEORIGIN',
    });

    new WebFirewall(this, 'Firewall', {
      resourceArn: loadBalancer.loadBalancer.loadBalancerArn,
      // This app's sign-in and booking endpoints, which get the stricter per-IP limit.
      sensitivePaths: ['/login', '/api/bookings/'],
      encryptionKey: logKey,
      logRetention: logs.RetentionDays.ONE_MONTH,
    });

    const service = new SchedulingService(this, 'App', {
      vpc: network.vpc,
      vpcSubnets: network.appSubnets,
      listener: loadBalancer.httpsListener,
      app: SchedulingApp.container({
        name: 'booking',
        // Pinned by digest: the same bytes on every deployment.
        image:
          'registry.example.com/booking@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        containerPort: 8080,
        environment: { PUBLIC_URL: loadBalancer.url },
        generatedSecrets: { SESSION_KEY: { length: 64, description: 'Signs session cookies of booking' } },
        healthCheckPath: '/healthz',
      }),
      desiredCount: 2,
      logEncryptionKey: logKey,
      logRetention: logs.RetentionDays.ONE_MONTH,
    });

    const alerts = new AlertTopic(this, 'Alerts', { emails: ['ops@example.org'] });

    // The tasks may resolve the AWS endpoints they need and this app's one integration; nothing else.
    new OutboundDnsFirewall(this, 'DnsFirewall', {
      vpc: network.vpc,
      allowedDomains: ['api.payments.example.net'],
      // The image is not on Docker Hub.
      dockerHub: false,
      encryptionKey: logKey,
      logRetention: logs.RetentionDays.ONE_MONTH,
      alerts,
    });
    new ServiceAlarms(this, 'ServiceAlarms', { service, loadBalancer: loadBalancer.loadBalancer, alerts });

    // Every day: the certificate's days to expiry as a metric, findings (expiring, renewal failed, ...) to the topic.
    new CertificateMonitor(this, 'CertificateMonitor', {
      certificates: [loadBalancer.certificate],
      domainName: loadBalancer.domainName,
      topic: alerts.topic,
      minDaysLeft: 45,
      logRetention: logs.RetentionDays.ONE_MONTH,
      logEncryptionKey: logKey,
    });
  }

  // The zones are named here, so synth never asks AWS which zones the account has.
  public override get availabilityZones(): string[] {
    return ZONES;
  }
}

/** Builds the example app; `props` lets a test pass the feature flags of cdk.json. */
export function buildApp(props: AppProps = {}): App {
  const app = new App(props);
  new BookingStack(app, 'Booking', { env: { account: '123456789012', region: 'eu-west-1' } });
  addCompliancePacks(app);
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
