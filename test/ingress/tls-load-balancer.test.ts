import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Stack } from 'aws-cdk-lib';
import {
  ACKNOWLEDGEMENTS,
  ALLOWED_SSL_POLICIES,
  recordedAcknowledgements,
  SchedulingChecklistChecks,
  SchedulingNetwork,
  TlsLoadBalancer,
  TlsLoadBalancerProps,
} from '../../lib';
import { routeHttps } from '../support/alb-routing';
import { testStack } from '../support/app';

const CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/0b0a6f6e-3c41-4a8e-9f64-2d1c3d5e7a90';

/** A load balancer with a target attached, as SchedulingService would attach one. */
function build(props: Partial<TlsLoadBalancerProps> = {}): { stack: Stack; lb: TlsLoadBalancer } {
  const stack = testStack();
  const { vpc } = new SchedulingNetwork(stack, 'Network');
  const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });
  const lb = new TlsLoadBalancer(stack, 'LoadBalancer', {
    vpc,
    domainName: 'schedule.example.com',
    hostedZone,
    ...props,
  });
  lb.addTargets('App', {
    port: 3000,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targets: [new targets.IpTarget('10.20.8.10')],
  });
  return { stack, lb };
}

describe('TlsLoadBalancer', () => {
  let template: Template;
  let lb: TlsLoadBalancer;

  beforeAll(() => {
    const built = build();
    lb = built.lb;
    template = Template.fromStack(built.stack);
  });

  describe('certificate', () => {
    test('is requested from ACM, DNS-validated in the given zone, RSA 2048, logged to CT', () => {
      template.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'schedule.example.com',
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: 'schedule.example.com', HostedZoneId: 'Z0123456789EXAMPLE' }],
        KeyAlgorithm: 'RSA_2048',
        CertificateTransparencyLoggingPreference: 'ENABLED',
      });
    });

    test('an imported certificate is used as is and nothing is requested', () => {
      const stack = testStack();
      const { vpc } = new SchedulingNetwork(stack, 'Network');
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN);
      const imported = new TlsLoadBalancer(stack, 'LoadBalancer', {
        vpc,
        domainName: 'schedule.example.com',
        certificate,
      });
      imported.addTargets('App', {
        port: 3000,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targets: [new targets.IpTarget('10.20.8.10')],
      });
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
      t.resourceCountIs('AWS::Route53::RecordSet', 0);
      t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Certificates: [{ CertificateArn: CERT_ARN }],
      });
      // Its renewal cannot be proven at synth: the checklist finding is acknowledged with what to check.
      expect(recordedAcknowledgements(imported.httpsListener).map((a) => a.ruleId)).toEqual(
        ACKNOWLEDGEMENTS.importedCertificate.map((a) => a.ruleId),
      );
      const findings = new SchedulingChecklistChecks().validateScope(stack).violations.map((v) => v.ruleName);
      expect(findings).not.toContain('SchedulingChecklist-C1-ListenerCertificateFromAcm[certificate-1]');
    });

    test('a requested certificate needs no acknowledgement', () => {
      expect(recordedAcknowledgements(lb.httpsListener)).toEqual([]);
    });
  });

  describe('HTTPS listener', () => {
    test('uses the TLS 1.2+ post-quantum policy by default', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTPS',
        Port: 443,
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      });
      expect(lb.sslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
    });

    test('sends HSTS for a year with subdomains, nosniff, and no Server header', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTPS',
        ListenerAttributes: Match.arrayWith([
          {
            Key: 'routing.http.response.strict_transport_security.header_value',
            Value: 'max-age=31536000; includeSubDomains',
          },
          { Key: 'routing.http.response.x_content_type_options.header_value', Value: 'nosniff' },
          { Key: 'routing.http.response.server.enabled', Value: 'false' },
        ]),
      });
    });

    test('sends X-Frame-Options and CSP only when asked', () => {
      const hasFrame = JSON.stringify(
        template.findResources('AWS::ElasticLoadBalancingV2::Listener'),
      ).includes('x_frame_options');
      expect(hasFrame).toBe(false);
      const t = Template.fromStack(
        build({ frameOptions: 'DENY', contentSecurityPolicy: "default-src 'self'" }).stack,
      );
      t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTPS',
        ListenerAttributes: Match.arrayWith([
          { Key: 'routing.http.response.x_frame_options.header_value', Value: 'DENY' },
          { Key: 'routing.http.response.content_security_policy.header_value', Value: "default-src 'self'" },
        ]),
      });
    });
  });

  describe('routing of the HTTPS listener (evaluated as ALB evaluates its rules)', () => {
    const appGroup = (t: Template): string =>
      Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))[0];

    test.each([
      ['the domain', { host: 'schedule.example.com' }],
      ['the domain in capitals (Host is case-insensitive)', { host: 'SCHEDULE.example.com' }],
      ['a booking page with a query', { host: 'schedule.example.com', path: '/team/meet?date=2026-12-01' }],
      ['a POST', { host: 'schedule.example.com', method: 'POST', path: '/api/book/event' }],
      [
        'the well-known folder (not a leak)',
        { host: 'schedule.example.com', path: '/.well-known/security.txt' },
      ],
    ])('forwards %s to the app', (_name, request) => {
      expect(routeHttps(template, request)).toMatchObject({
        kind: 'forward',
        targetGroup: appGroup(template),
      });
    });

    test.each([
      [
        'the raw load balancer name',
        { host: 'SecureS-LoadB-1A2B3C4D5E6F-1234567890.eu-west-1.elb.amazonaws.com' },
      ],
      ['another name', { host: 'evil.example.net' }],
      ['a sibling name of the zone', { host: 'other.example.com' }],
      ['an IP address', { host: '203.0.113.10' }],
    ])('answers %s with a fixed 404', (_name, request) => {
      expect(routeHttps(template, request)).toMatchObject({ kind: 'fixed-response', status: 404 });
    });

    test.each([
      '/.env',
      '/.env.production',
      '/.git/config',
      '/.git/HEAD',
      '/.aws/credentials',
      '/app/.env',
      '/static/.git/config',
      '/.svn/entries',
      '/.DS_Store',
    ])('answers %s with 404 before the app, for its own name too', (path) => {
      expect(routeHttps(template, { host: 'schedule.example.com', path })).toMatchObject({
        kind: 'fixed-response',
        status: 404,
      });
    });

    test.each(['TRACE', 'TRACK'])('answers %s with 405', (method) => {
      expect(routeHttps(template, { host: 'schedule.example.com', method })).toMatchObject({
        kind: 'fixed-response',
        status: 405,
      });
    });

    test('aliases are forwarded too, on the certificate and in the zone; four names need two host rules', () => {
      const aliases = ['book.example.com', 'meet.example.com', 'cal.example.com'];
      const t = Template.fromStack(build({ domainAliases: aliases }).stack);
      for (const host of ['schedule.example.com', ...aliases]) {
        expect(routeHttps(t, { host })).toMatchObject({ kind: 'forward', targetGroup: appGroup(t) });
      }
      expect(routeHttps(t, { host: 'www.example.com' })).toMatchObject({
        kind: 'fixed-response',
        status: 404,
      });
      // ALB takes at most three values per condition.
      const hostRules = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).filter(
        (r) => JSON.stringify(r.Properties.Conditions).includes('host-header'),
      );
      expect(hostRules.map((r) => r.Properties.Conditions[0].HostHeaderConfig.Values.length)).toEqual([3, 1]);
      t.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'schedule.example.com',
        SubjectAlternativeNames: aliases,
      });
      t.resourceCountIs('AWS::Route53::RecordSet', 4);
    });

    test('refusedPathPatterns replaces the list; an empty list refuses no path', () => {
      const t = Template.fromStack(build({ refusedPathPatterns: [] }).stack);
      expect(routeHttps(t, { host: 'schedule.example.com', path: '/.env' })).toMatchObject({
        kind: 'forward',
      });
      expect(routeHttps(t, { host: 'schedule.example.com', method: 'TRACE' })).toMatchObject({ status: 405 });
    });

    test('a listener with nothing attached fails synth with what to do', () => {
      const stack = testStack();
      const { vpc } = new SchedulingNetwork(stack, 'Network');
      new TlsLoadBalancer(stack, 'LoadBalancer', {
        vpc,
        domainName: 'schedule.example.com',
        certificate: acm.Certificate.fromCertificateArn(stack, 'C', CERT_ARN),
      });
      expect(() => Template.fromStack(stack)).toThrow(
        /The HTTPS listener forwards to nothing: attach the app with `addTargets/,
      );
    });
  });

  describe('HTTP listener', () => {
    test('does nothing but redirect permanently to HTTPS', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [
          {
            Type: 'redirect',
            RedirectConfig: {
              Protocol: 'HTTPS',
              Port: '443',
              Host: '#{host}',
              Path: '/#{path}',
              Query: '#{query}',
              StatusCode: 'HTTP_301',
            },
          },
        ],
      });
      template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP' }, 1);
    });
  });

  describe('load balancer', () => {
    test('is internet-facing in the public subnets with hardened attributes', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
        Type: 'application',
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'deletion_protection.enabled', Value: 'true' },
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'routing.http.desync_mitigation_mode', Value: 'strictest' },
          { Key: 'access_logs.s3.enabled', Value: 'true' },
        ]),
      });
    });

    test('its security group lets in 443 and 80 only and sends only to the targets', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: Match.stringLikeRegexp('^Load balancer'),
        SecurityGroupIngress: [
          Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
          Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 }),
        ],
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
      });
    });

    test('without an operator login it has no outbound rule to the internet (no identity provider to reach)', () => {
      const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')).filter((g) =>
        String(g.Properties.GroupDescription).startsWith('Load balancer'),
      );
      expect(groups).toHaveLength(1);
      expect(JSON.stringify(groups[0].Properties.SecurityGroupEgress)).not.toContain('0.0.0.0/0');
      expect(lb.operatorLogin).toBeUndefined();
      expect(lb.protectedPaths).toEqual([]);
    });

    test('an alias record points the domain at it', () => {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'schedule.example.com.',
        Type: 'A',
        HostedZoneId: 'Z0123456789EXAMPLE',
        AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
      });
    });
  });

  describe('access log bucket', () => {
    test('is private, TLS-only, versioned, expiring and retained', () => {
      template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: { Status: 'Enabled' },
          LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
          LifecycleConfiguration: {
            Rules: [
              Match.objectLike({
                ExpirationInDays: 90,
                NoncurrentVersionExpiration: { NoncurrentDays: 30 },
                Status: 'Enabled',
              }),
            ],
          },
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('denies requests without TLS 1.2', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    });

    test('is itself access-logged to a second bucket', () => {
      template.resourceCountIs('AWS::S3::Bucket', 2);
      expect(lb.serverAccessLogBucket).toBeDefined();
    });
  });

  describe('validation', () => {
    test.each([
      'ELBSecurityPolicy-2016-08',
      'ELBSecurityPolicy-TLS13-1-0-2021-06',
      'ELBSecurityPolicy-TLS-1-1-2017-01',
    ])('throws when sslPolicy is %s, which accepts TLS before 1.2', (sslPolicy) => {
      expect(() => build({ sslPolicy })).toThrow(
        new RegExp(
          `\`sslPolicy\` must be a policy that accepts only TLS 1.2 or newer, got '${sslPolicy}'; allowed: .*ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`,
        ),
      );
    });

    test('accepts every listed TLS 1.2+ policy', () => {
      expect(ALLOWED_SSL_POLICIES.every((p) => /-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/.test(p))).toBe(true);
      expect(ALLOWED_SSL_POLICIES.filter((p) => /2016-08|-1-0-|-1-1-/.test(p))).toEqual([]);
      expect(() => build({ sslPolicy: 'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09' })).not.toThrow();
    });

    test('throws when neither hostedZone nor certificate is given', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc');
      expect(() => new TlsLoadBalancer(stack, 'LB', { vpc, domainName: 'schedule.example.com' })).toThrow(
        /`hostedZone` or `certificate` is required/,
      );
    });

    test('throws when domainName is not inside the hosted zone', () => {
      expect(() => build({ domainName: 'schedule.example.org' })).toThrow(
        /`domainName` 'schedule.example.org' is not inside `hostedZone` 'example.com'/,
      );
    });

    test.each([
      [
        { domainName: '*.example.com' },
        /`domainName` must name one host, not a wildcard.*got '\*\.example\.com'/,
      ],
      [
        { domainAliases: ['book.example.org'] },
        /`domainAliases` 'book.example.org' is not inside `hostedZone`/,
      ],
      [
        { domainAliases: ['Book.example.com'] },
        /`domainAliases` must be a fully qualified lower-case domain name.*'Book.example.com'/,
      ],
      [
        { domainAliases: ['schedule.example.com'] },
        /`domainAliases` must not repeat a name or `domainName`, got 'schedule.example.com' twice/,
      ],
      [
        { domainAliases: Array.from({ length: 10 }, (_, i) => `a${i}.example.com`) },
        /`domainAliases` may name at most 9 names.*got 10/,
      ],
      [
        { refusedPathPatterns: ['.env'] },
        /`refusedPathPatterns` entries must be ALB path patterns.*got '.env'/,
      ],
      [
        { refusedPathPatterns: ['/a b'] },
        /`refusedPathPatterns` entries must be ALB path patterns.*got '\/a b'/,
      ],
    ])('refuses %j', (props, message) => {
      expect(() => build(props as Partial<TlsLoadBalancerProps>)).toThrow(message);
    });

    test('addTargets sets the host conditions itself', () => {
      const { lb: built } = build();
      expect(() =>
        built.addTargets('Other', { port: 80, priority: 5 } as Parameters<TlsLoadBalancer['addTargets']>[1]),
      ).toThrow(/`addTargets` sets `priority` and `conditions` itself/);
    });

    test('throws when domainName is not a domain name', () => {
      expect(() => build({ domainName: 'https://Schedule' })).toThrow(
        /`domainName` must be a fully qualified lower-case domain name.*got 'https:\/\/Schedule'/,
      );
    });
  });
});
