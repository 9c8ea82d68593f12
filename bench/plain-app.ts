#!/usr/bin/env node
/**
 * Benchmark baseline: the deployment a competent engineer would write by hand with plain aws-cdk-lib, without
 * this library, cdk-nag or any hardening extras. Same shape as the default app (VPC over two zones with NAT,
 * DNS-validated certificate, internet-facing ALB with HTTPS and an HTTP redirect, Cal.com on Fargate, WAF web
 * ACL, alias record, an RDS PostgreSQL instance with a generated secret and an AWS Backup plan, a CloudTrail
 * trail to a bucket and a log group with CIS metric filters and alarms, EventBridge rules on the stack's
 * resources, a certificate expiry alarm, a dashboard and a daily certificate-expiry check on Lambda; a Cognito
 * sign-in in front of the admin paths, a DNS firewall on the VPC, the image through an ECR pull-through cache,
 * and the app on its own database role made by a custom resource), so `npm run bench` can compare their synth
 * times. Synthesizes offline.
 *
 *   npx cdk synth --app "npx tsx bench/plain-app.ts" -o <dir> --quiet
 */
import * as path from 'node:path';
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as elbv2Actions from 'aws-cdk-lib/aws-elasticloadbalancingv2-actions';
import * as resolver from 'aws-cdk-lib/aws-route53resolver';
import * as cr from 'aws-cdk-lib/custom-resources';
import { CustomResource } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

const DOMAIN_NAME = 'scheduling.example.com';

/** CIS AWS Foundations section 4: the API calls each metric filter counts (two filters match on fields). */
const CIS_FILTERS: Record<string, string> = {
  UnauthorizedApiCalls: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  ConsoleSignInWithoutMfa: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
  RootUsage:
    '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  ...Object.fromEntries(
    Object.entries({
      IamPolicyChanges:
        'PutRolePolicy,DeleteRolePolicy,CreatePolicy,DeletePolicy,AttachRolePolicy,DetachRolePolicy',
      CloudTrailChanges: 'CreateTrail,UpdateTrail,DeleteTrail,StartLogging,StopLogging',
      ConsoleAuthenticationFailures: 'ConsoleLogin',
      KeyDisabledOrDeleted: 'DisableKey,ScheduleKeyDeletion',
      S3BucketPolicyChanges:
        'PutBucketAcl,PutBucketPolicy,PutBucketCors,PutBucketLifecycle,DeleteBucketPolicy',
      ConfigChanges:
        'StopConfigurationRecorder,DeleteDeliveryChannel,PutDeliveryChannel,PutConfigurationRecorder',
      SecurityGroupChanges: 'AuthorizeSecurityGroupIngress,RevokeSecurityGroupIngress,CreateSecurityGroup',
      NetworkAclChanges: 'CreateNetworkAcl,CreateNetworkAclEntry,DeleteNetworkAcl,ReplaceNetworkAclEntry',
      NetworkGatewayChanges: 'CreateCustomerGateway,AttachInternetGateway,DetachInternetGateway',
      RouteTableChanges: 'CreateRoute,CreateRouteTable,ReplaceRoute,DeleteRouteTable,DeleteRoute',
      VpcChanges: 'CreateVpc,DeleteVpc,ModifyVpcAttribute,CreateVpcPeeringConnection',
      OrganizationsChanges: 'AttachPolicy,CreateAccount,DeletePolicy,DetachPolicy,LeaveOrganization',
    }).map(([name, calls]) => [
      name,
      `{${calls
        .split(',')
        .map((c) => `($.eventName=${c})`)
        .join(' || ')}}`,
    ]),
  ),
};

export class PlainSchedulingStack extends Stack {
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
      defaultAction: elbv2.ListenerAction.fixedResponse(404),
    });
    https.addAction('NoTrace', {
      priority: 1,
      conditions: [elbv2.ListenerCondition.httpRequestMethods(['TRACE', 'TRACK'])],
      action: elbv2.ListenerAction.fixedResponse(405),
    });
    https.addAction('NoDotFiles', {
      priority: 2,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/.env*', '/.git*', '/.aws*'])],
      action: elbv2.ListenerAction.fixedResponse(404),
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
    // The app's own database role, made by a custom resource, with its own rotated secret.
    const appSecret = new rds.DatabaseSecret(this, 'AppSecret', {
      username: 'app',
      masterSecret: database.secret,
    }).attach(database);
    database.addRotationMultiUser('AppUser', { secret: appSecret });
    const roleStep = new nodejs.NodejsFunction(this, 'AppRoleStep', {
      entry: path.join(__dirname, 'plain-app-role.ts'),
      runtime: lambda.Runtime.NODEJS_24_X,
      timeout: Duration.minutes(2),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      environment: { MASTER_SECRET_ARN: database.secret!.secretArn, APP_SECRET_ARN: appSecret.secretArn },
      bundling: { forceDockerBundling: false, externalModules: ['@aws-sdk/*', 'pg-native'], minify: true },
    });
    database.secret!.grantRead(roleStep);
    appSecret.grantRead(roleStep);
    database.connections.allowDefaultPortFrom(roleStep);
    new CustomResource(this, 'AppRole', {
      serviceToken: new cr.Provider(this, 'AppRoleProvider', { onEventHandler: roleStep }).serviceToken,
    });

    // Outbound DNS: the AWS endpoints and the integrations, everything else blocked, queries logged.
    const allowed = new resolver.CfnFirewallDomainList(this, 'AllowedDomains', {
      domains: ['*.eu-west-1.amazonaws.com', 'registry-1.docker.io', 'www.googleapis.com', 'api.zoom.us'],
    });
    const everything = new resolver.CfnFirewallDomainList(this, 'EveryDomain', { domains: ['*'] });
    const ruleGroup = new resolver.CfnFirewallRuleGroup(this, 'DnsRules', {
      firewallRules: [
        { priority: 100, action: 'ALLOW', firewallDomainListId: allowed.attrId },
        {
          priority: 200,
          action: 'BLOCK',
          blockResponse: 'NXDOMAIN',
          firewallDomainListId: everything.attrId,
        },
      ],
    });
    new resolver.CfnFirewallRuleGroupAssociation(this, 'DnsRulesAssociation', {
      firewallRuleGroupId: ruleGroup.attrId,
      vpcId: vpc.vpcId,
      priority: 1000,
    });
    const queryLogs = new logs.LogGroup(this, 'DnsQueryLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    const queryLogging = new resolver.CfnResolverQueryLoggingConfig(this, 'DnsQueryLogging', {
      destinationArn: queryLogs.logGroupArn,
    });
    new resolver.CfnResolverQueryLoggingConfigAssociation(this, 'DnsQueryLoggingAssociation', {
      resolverQueryLogConfigId: queryLogging.attrId,
      resourceId: vpc.vpcId,
    });

    const plan = backup.BackupPlan.daily35DayRetention(this, 'BackupPlan');
    plan.addSelection('Database', { resources: [backup.BackupResource.fromRdsDatabaseInstance(database)] });

    new ecr.CfnPullThroughCacheRule(this, 'PullThroughCache', {
      ecrRepositoryPrefix: 'docker-hub',
      upstreamRegistryUrl: 'registry-1.docker.io',
      credentialArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:ecr-pullthroughcache/docker-hub',
    });
    new ecr.CfnRepositoryCreationTemplate(this, 'CacheRepositories', {
      prefix: 'docker-hub',
      appliedFor: ['PULL_THROUGH_CACHE'],
      imageTagMutability: 'IMMUTABLE',
    });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', { cpu: 1024, memoryLimitMiB: 2048 });
    const logGroup = new logs.LogGroup(this, 'AppLogs', { retention: logs.RetentionDays.ONE_MONTH });
    taskDefinition.addContainer('web', {
      // Through an ECR pull-through cache of Docker Hub, which scans on push.
      image: ecs.ContainerImage.fromEcrRepository(
        ecr.Repository.fromRepositoryName(this, 'CalcomImage', 'docker-hub/calcom/cal.com'),
        'v5.5.0',
      ),
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
    // Operators sign in, with a second factor, before the admin pages.
    const operators = new cognito.UserPool(this, 'Operators', {
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 14 },
      selfSignUpEnabled: false,
    });
    const operatorClient = operators.addClient('Alb', {
      generateSecret: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        callbackUrls: [`https://${DOMAIN_NAME}/oauth2/idpresponse`],
      },
    });
    const operatorDomain = operators.addDomain('Domain', {
      cognitoDomain: { domainPrefix: 'plain-scheduling' },
    });
    alb.connections.allowToAnyIpv4(ec2.Port.tcp(443), 'The identity provider');
    const webGroup = https.addTargets('Web', {
      priority: 100,
      conditions: [elbv2.ListenerCondition.hostHeaders([DOMAIN_NAME])],
      port: 3000,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service],
      healthCheck: { path: '/', healthyHttpCodes: '200-399', interval: Duration.seconds(30) },
    });
    https.addAction('Admin', {
      priority: 10,
      conditions: [
        elbv2.ListenerCondition.hostHeaders([DOMAIN_NAME]),
        elbv2.ListenerCondition.pathPatterns(['/settings/admin*', '/auth/setup*']),
      ],
      action: new elbv2Actions.AuthenticateCognitoAction({
        userPool: operators,
        userPoolClient: operatorClient,
        userPoolDomain: operatorDomain,
        next: elbv2.ListenerAction.forward([webGroup]),
      }),
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

    // Activity log, alarms and alerts.
    const topic = new sns.Topic(this, 'Alerts');
    topic.addSubscription(new subscriptions.EmailSubscription('ops@example.com'));
    const trail = new cloudtrail.Trail(this, 'Trail', {
      sendToCloudWatchLogs: true,
      cloudWatchLogsRetention: logs.RetentionDays.ONE_YEAR,
    });
    const alarmAction = new cloudwatchActions.SnsAction(topic);
    const alarms: cloudwatch.Alarm[] = [];
    for (const [name, pattern] of Object.entries(CIS_FILTERS)) {
      const filter = new logs.MetricFilter(this, `${name}Filter`, {
        logGroup: trail.logGroup!,
        filterPattern: { logPatternString: pattern },
        metricNamespace: 'CIS',
        metricName: name,
      });
      const alarm = filter.metric().createAlarm(this, `${name}Alarm`, { threshold: 1, evaluationPeriods: 1 });
      alarm.addAlarmAction(alarmAction);
      alarms.push(alarm);
    }
    const expiry = certificate.metricDaysToExpiry().createAlarm(this, 'CertificateExpiry', {
      threshold: 30,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    expiry.addAlarmAction(alarmAction);
    alarms.push(expiry);

    const changes: Record<string, [string, string[], Record<string, unknown>]> = {
      LoadBalancer: [
        'elasticloadbalancing',
        ['ModifyListener', 'DeleteListener', 'ModifyLoadBalancerAttributes'],
        { loadBalancerArn: [alb.loadBalancerArn] },
      ],
      WebAcl: [
        'wafv2',
        ['UpdateWebACL', 'DeleteWebACL', 'DisassociateWebACL'],
        { resourceArn: [alb.loadBalancerArn, webAcl.attrArn] },
      ],
      Trail: ['cloudtrail', ['StopLogging', 'DeleteTrail', 'UpdateTrail'], { name: [trail.trailArn] }],
      Keys: ['kms', ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'], { keyId: [{ exists: true }] }],
      TaskDefinition: [
        'ecs',
        ['RegisterTaskDefinition', 'DeregisterTaskDefinition'],
        { family: [taskDefinition.family] },
      ],
      Service: ['ecs', ['UpdateService', 'DeleteService'], { service: [service.serviceName] }],
      Logs: ['logs', ['DeleteLogGroup', 'PutRetentionPolicy'], { logGroupName: [logGroup.logGroupName] }],
      Alarms: [
        'monitoring',
        ['DeleteAlarms', 'DisableAlarmActions'],
        { alarmNames: [{ prefix: 'PlainScheduling-' }] },
      ],
    };
    for (const [name, [service, eventName, requestParameters]] of Object.entries(changes)) {
      new events.Rule(this, `${name}Changes`, {
        eventPattern: {
          source: [`aws.${service === 'monitoring' ? 'cloudwatch' : service}`],
          detailType: ['AWS API Call via CloudTrail'],
          detail: { eventSource: [`${service}.amazonaws.com`], eventName, requestParameters },
        },
        targets: [new eventTargets.SnsTopic(topic)],
      });
    }
    new events.Rule(this, 'CertificateEvents', {
      eventPattern: {
        source: ['aws.acm'],
        detailType: ['ACM Certificate Approaching Expiration'],
        resources: [certificate.certificateArn],
      },
      targets: [new eventTargets.SnsTopic(topic)],
    });

    new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Load balancer errors',
            left: [
              alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT),
              alb.metrics.clientTlsNegotiationErrorCount(),
            ],
          }),
          new cloudwatch.AlarmStatusWidget({ alarms }),
        ],
      ],
    });

    new route53.ARecord(this, 'Alias', {
      zone,
      recordName: DOMAIN_NAME,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(alb)),
    });

    // The certificate check reports to the same topic as the alarms.
    const alerts = topic;
    const check = new nodejs.NodejsFunction(this, 'CertificateCheck', {
      entry: path.join(__dirname, 'plain-certificate-check.ts'),
      runtime: lambda.Runtime.NODEJS_24_X,
      timeout: Duration.minutes(1),
      environment: { CERTIFICATE_ARN: certificate.certificateArn, TOPIC_ARN: alerts.topicArn },
      bundling: { forceDockerBundling: false, externalModules: ['@aws-sdk/*'], minify: true },
    });
    alerts.grantPublish(check);
    check.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['acm:DescribeCertificate'],
        resources: [certificate.certificateArn],
      }),
    );
    new events.Rule(this, 'DailyCertificateCheck', {
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new eventTargets.LambdaFunction(check)],
    });
  }

  /** Fixed zones, so synth never asks AWS which zones exist. */
  public override get availabilityZones(): string[] {
    return ['eu-west-1a', 'eu-west-1b'];
  }
}

/** The stack's construct id, account and region. */
export const PLAIN_STACK = { id: 'PlainScheduling', env: { account: '111111111111', region: 'eu-west-1' } };

// Synthesized when run as the app (`cdk synth --app "npx tsx bench/plain-app.ts"`), not when a test imports it.
if (require.main === module) {
  const app = new App();
  new PlainSchedulingStack(app, PLAIN_STACK.id, { env: PLAIN_STACK.env });
  app.synth();
}
