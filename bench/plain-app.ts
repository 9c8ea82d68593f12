#!/usr/bin/env node
/**
 * Benchmark baseline: the deployment a competent engineer would write by hand with plain aws-cdk-lib, without
 * this library, cdk-nag or any hardening extras. Same shape as the default app (VPC over two zones with NAT,
 * DNS-validated certificate, internet-facing ALB with HTTPS and an HTTP redirect, Cal.com on Fargate, WAF web
 * ACL, alias record, an RDS PostgreSQL instance with a generated secret and an AWS Backup plan), so `npm run bench` can compare their synth times. Synthesizes offline.
 *
 *   npx cdk synth --app "npx tsx bench/plain-app.ts" -o <dir> --quiet
 */
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

const DOMAIN_NAME = 'scheduling.example.com';

class PlainSchedulingStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 2,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: 'Z0123456789EXAMPLE',
      zoneName: 'example.com',
    });
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: DOMAIN_NAME,
      validation: acm.CertificateValidation.fromDns(zone),
    });

    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', { vpc, internetFacing: true });
    const https = alb.addListener('Https', {
      port: 443,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
    alb.addRedirect({ sourcePort: 80, targetPort: 443 });

    const database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      credentials: rds.Credentials.fromGeneratedSecret('calcom'),
      databaseName: 'calcom',
      multiAz: true,
      allocatedStorage: 20,
      storageEncrypted: true,
      backupRetention: Duration.days(7),
    });
    const plan = backup.BackupPlan.daily35DayRetention(this, 'BackupPlan');
    plan.addSelection('Database', { resources: [backup.BackupResource.fromRdsDatabaseInstance(database)] });

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', { cpu: 1024, memoryLimitMiB: 2048 });
    const logGroup = new logs.LogGroup(this, 'AppLogs', { retention: logs.RetentionDays.ONE_MONTH });
    taskDefinition.addContainer('web', {
      image: ecs.ContainerImage.fromRegistry('calcom/cal.com:v5.5.0'),
      portMappings: [{ containerPort: 3000 }],
      environment: {
        NEXT_PUBLIC_WEBAPP_URL: `https://${DOMAIN_NAME}`,
        DATABASE_HOST: database.dbInstanceEndpointAddress,
      },
      secrets: {
        DATABASE_USER: ecs.Secret.fromSecretsManager(database.secret!, 'username'),
        DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(database.secret!, 'password'),
      },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'web', logGroup }),
    });
    const service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: 2,
      minHealthyPercent: 100,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { rollback: true },
    });
    database.connections.allowDefaultPortFrom(service);
    https.addTargets('Web', {
      port: 3000,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service],
      healthCheck: { path: '/', healthyHttpCodes: '200-399', interval: Duration.seconds(30) },
    });

    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: 'WebAcl',
        sampledRequestsEnabled: true,
      },
      rules: [
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'AWSManagedRulesCommonRuleSet',
            sampledRequestsEnabled: true,
          },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: alb.loadBalancerArn,
      webAclArn: webAcl.attrArn,
    });

    new route53.ARecord(this, 'Alias', {
      zone,
      recordName: DOMAIN_NAME,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(alb)),
    });
  }

  /** Fixed zones, so synth never asks AWS which zones exist. */
  public override get availabilityZones(): string[] {
    return ['eu-west-1a', 'eu-west-1b'];
  }
}

const app = new App();
new PlainSchedulingStack(app, 'PlainScheduling', { env: { account: '111111111111', region: 'eu-west-1' } });
app.synth();
