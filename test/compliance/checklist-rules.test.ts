import { CfnDeletionPolicy, CfnResource, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { IConstruct } from 'constructs';
import { NagMessageLevel, NagPack } from 'cdk-nag';
import { CHECKLIST_RULES, ChecklistRule, SchedulingChecklistChecks } from '../../lib';
import { MIN_PASSWORD_LENGTH } from '../../lib/compliance/checklist/thresholds';
import { OperatorLogin } from '../../lib/ingress/operator-login';
import { maskingPolicy } from '../../lib/audit/log-data-protection';
import { DEFAULT_MASKED_DATA_IDENTIFIERS } from '../../lib/private/log-data-identifiers';
import { defaultStack } from '../support/app';
import { CIS_BENCHMARK_PATTERNS } from '../support/cis-patterns';
import { SeparatedDutiesKey } from '../../lib/private/separated-key';
import { BUCKET_OBJECT_LOCK_TYPE } from '../../lib/compliance/checklist/rules/trail-evidence-locked';

/** Runs one rule of the pack alone, as a test-only pack. */
class OneRulePack extends NagPack {
  public readonly name = 'Test';
  constructor(private readonly checklistRule: ChecklistRule) {
    super();
    this.packName = 'Test';
  }
  protected checkResource(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: this.checklistRule.id,
      info: this.checklistRule.info,
      explanation: this.checklistRule.explanation,
      level: this.checklistRule.level,
      rule: this.checklistRule.rule,
      node,
    });
  }
}

function ruleById(id: string): ChecklistRule {
  const rule = CHECKLIST_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

/** The findings of one rule on a fresh stack that `build` fills: rule names as the pack reports them. */
function findings(id: string, build: (stack: Stack) => void): string[] {
  const stack = new Stack(undefined, 'Fixture');
  build(stack);
  return new OneRulePack(ruleById(id)).validateScope(stack).violations.map((v) => v.ruleName);
}

/** A value CloudFormation knows only at deploy time. */
const deployTime = Token.asString({ Ref: 'DeployTimeParameter' });
const listener = (stack: IConstruct, props: Partial<elbv2.CfnListenerProps>) =>
  new elbv2.CfnListener(stack, 'Listener', { loadBalancerArn: 'arn', defaultActions: [], ...props });
const taskDefinition = (
  stack: IConstruct,
  container: Partial<ecs.CfnTaskDefinition.ContainerDefinitionProperty>,
) =>
  new ecs.CfnTaskDefinition(stack, 'TaskDefinition', {
    containerDefinitions: [{ name: 'app', image: 'calcom/cal.com:v5.5.0', ...container }],
  });
/** A data protection policy whose one Deidentify statement masks `masked` (managed identifier names). */
const masking = (masked: string[], audited = masked) => ({
  Name: 'p',
  Version: '2021-06-01',
  Statement: [
    {
      Sid: 'audit',
      DataIdentifier: audited.map((n) => `arn:aws:dataprotection::aws:data-identifier/${n}`),
      Operation: { Audit: { FindingsDestination: {} } },
    },
    {
      Sid: 'mask',
      DataIdentifier: masked.map((n) => `arn:aws:dataprotection::aws:data-identifier/${n}`),
      Operation: { Deidentify: { MaskConfig: {} } },
    },
  ],
});
/** A log group that receives WAF's logs. */
const wafLogGroup = (stack: IConstruct, dataProtectionPolicy?: unknown) => {
  const group = new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: 90, dataProtectionPolicy });
  new wafv2.CfnLoggingConfiguration(stack, 'Logging', {
    resourceArn: 'arn',
    logDestinationConfigs: [group.attrArn],
  });
  return group;
};
/** A log group that receives the logs of a task definition, run by a service behind a load balancer or not. */
const taskLogGroup = (stack: IConstruct, loadBalanced: boolean, dataProtectionPolicy?: unknown) => {
  const group = new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: 90, dataProtectionPolicy });
  const task = taskDefinition(stack, {
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': group.ref } },
  });
  new ecs.CfnService(stack, 'Service', {
    taskDefinition: task.ref,
    loadBalancers: loadBalanced ? [{ containerName: 'app', containerPort: 8080, targetGroupArn: 'arn' }] : [],
  });
};
const visibility = { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'm' };
const managedRule: wafv2.CfnWebACL.RuleProperty = {
  name: 'Common',
  priority: 0,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
  visibilityConfig: visibility,
};
const rateRule: wafv2.CfnWebACL.RuleProperty = {
  name: 'Rate',
  priority: 1,
  action: { block: {} },
  statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: 'IP' } },
  visibilityConfig: visibility,
};
/** An internet-facing load balancer with a web ACL of `rules` associated. */
function protectedLoadBalancer(stack: IConstruct, rules: wafv2.CfnWebACL.RuleProperty[]): void {
  const lb = new elbv2.CfnLoadBalancer(stack, 'Lb', { scheme: 'internet-facing' });
  const acl = new wafv2.CfnWebACL(stack, 'Acl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility,
    rules,
  });
  new wafv2.CfnWebACLAssociation(stack, 'Association', { resourceArn: lb.ref, webAclArn: acl.attrArn });
}
const redirect = [{ type: 'redirect', redirectConfig: { protocol: 'HTTPS', statusCode: 'HTTP_301' } }];
const forward = [{ type: 'forward', targetGroupArn: 'arn' }];
const notFound = [{ type: 'fixed-response', fixedResponseConfig: { statusCode: '404' } }];
const hostRule = (
  stack: IConstruct,
  on: elbv2.CfnListener,
  conditions: elbv2.CfnListenerRule.RuleConditionProperty[],
) =>
  new elbv2.CfnListenerRule(stack, `Rule${on.node.id}`, {
    listenerArn: on.ref,
    priority: 100,
    conditions,
    actions: forward,
  });

const bucketPolicy = (stack: IConstruct, bucket: s3.CfnBucket, statement: Record<string, unknown>) =>
  new s3.CfnBucketPolicy(stack, 'Policy', {
    bucket: bucket.ref,
    policyDocument: { Version: '2012-10-17', Statement: [{ Resource: [bucket.attrArn], ...statement }] },
  });
const denyInsecure = {
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 's3:*',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};
const postgresParameters = (stack: IConstruct, parameters: Record<string, unknown>, family = 'postgres16') =>
  new rds.CfnDBParameterGroup(stack, 'Parameters', { description: 'x', family, parameters });
const strongPasswords = {
  minimumLength: 14,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
};
/** A VPC of two subnets sharing a route table; `internet` gives the table a default route to an internet gateway. */
function subnetGroup(stack: IConstruct, internet: boolean): rds.CfnDBSubnetGroup {
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  const subnets = [0, 1].map(
    (i) => new ec2.CfnSubnet(stack, `Subnet${i}`, { vpcId: vpc.ref, cidrBlock: `10.0.${i}.0/24` }),
  );
  const table = new ec2.CfnRouteTable(stack, 'Table', { vpcId: vpc.ref });
  subnets.forEach(
    (subnet, i) =>
      new ec2.CfnSubnetRouteTableAssociation(stack, `Association${i}`, {
        subnetId: subnet.ref,
        routeTableId: table.ref,
      }),
  );
  if (internet) {
    const gateway = new ec2.CfnInternetGateway(stack, 'Gateway');
    new ec2.CfnRoute(stack, 'Default', {
      routeTableId: table.ref,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: gateway.ref,
    });
  }
  return new rds.CfnDBSubnetGroup(stack, 'SubnetGroup', {
    dbSubnetGroupDescription: 'x',
    subnetIds: subnets.map((subnet) => subnet.ref),
  });
}
const dbInstance = (stack: IConstruct, props: Partial<rds.CfnDBInstanceProps> = {}) =>
  new rds.CfnDBInstance(stack, 'Database', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', ...props });
/** A security group used by a database, with `ingress`. */
function databaseGroup(
  stack: IConstruct,
  ingress: ec2.CfnSecurityGroup.IngressProperty[],
): ec2.CfnSecurityGroup {
  const group = new ec2.CfnSecurityGroup(stack, 'DbSg', {
    groupDescription: 'x',
    securityGroupIngress: ingress,
  });
  dbInstance(stack, { vpcSecurityGroups: [group.attrGroupId] });
  return group;
}
const openTo = (port: number): ec2.CfnSecurityGroup.IngressProperty => ({
  ipProtocol: 'tcp',
  fromPort: port,
  toPort: port,
  cidrIp: '0.0.0.0/0',
});
/** A security group open to the world on `ports`, used by an internet-facing load balancer when `byLoadBalancer`. */
function openGroup(stack: IConstruct, ports: number[], byLoadBalancer: boolean): void {
  const group = new ec2.CfnSecurityGroup(stack, 'Sg', {
    groupDescription: 'x',
    securityGroupIngress: ports.map(openTo),
  });
  if (byLoadBalancer) {
    new elbv2.CfnLoadBalancer(stack, 'Lb', {
      scheme: 'internet-facing',
      securityGroups: [group.attrGroupId],
    });
  }
}
const policy = (stack: IConstruct, statement: Record<string, unknown>) =>
  new iam.CfnManagedPolicy(stack, 'Policy', {
    policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] },
  });
const denyDelete = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'backup:DeleteRecoveryPoint', Resource: '*' },
  ],
};
/** A backup plan selecting `resources` and `listOfTags`. */
function backupSelection(
  stack: IConstruct,
  selection: Partial<backup.CfnBackupSelection.BackupSelectionResourceTypeProperty>,
): void {
  new backup.CfnBackupSelection(stack, 'Selection', {
    backupPlanId: 'plan',
    backupSelection: {
      selectionName: 'db',
      iamRoleArn: 'arn:aws:iam::111111111111:role/backup',
      ...selection,
    },
  });
}
const retained = <T extends CfnResource>(resource: T, deletion: CfnDeletionPolicy, replace = deletion): T => {
  resource.cfnOptions.deletionPolicy = deletion;
  resource.cfnOptions.updateReplacePolicy = replace;
  return resource;
};
/** A log group a CloudTrail trail delivers to, keeping `days`. */
function trailLogGroup(stack: IConstruct, days: number | undefined): void {
  const group = new logs.CfnLogGroup(stack, 'TrailLogs', { retentionInDays: days });
  new cloudtrail.CfnTrail(stack, 'Trail', {
    isLogging: true,
    s3BucketName: 'audit-bucket',
    cloudWatchLogsLogGroupArn: group.attrArn,
    cloudWatchLogsRoleArn: 'arn:aws:iam::111111111111:role/trail',
  });
}
/** A bucket that receives the access logs of a load balancer, with `lifecycle`. */
function accessLogBucket(stack: IConstruct, lifecycle?: s3.CfnBucket.LifecycleConfigurationProperty): void {
  const bucket = new s3.CfnBucket(stack, 'Logs', { lifecycleConfiguration: lifecycle });
  new elbv2.CfnLoadBalancer(stack, 'Lb', {
    loadBalancerAttributes: [
      { key: 'access_logs.s3.enabled', value: 'true' },
      { key: 'access_logs.s3.bucket', value: bucket.ref },
    ],
  });
}
/** A trail as the checklist asks for it, with `props` overriding. */
const cfnTrail = (stack: IConstruct, props: Partial<cloudtrail.CfnTrailProps> = {}) =>
  new cloudtrail.CfnTrail(stack, 'AuditTrail', {
    isLogging: true,
    s3BucketName: 'audit-bucket',
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableLogFileValidation: true,
    kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    cloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111111111111:log-group:audit:*',
    cloudWatchLogsRoleArn: 'arn:aws:iam::111111111111:role/trail',
    ...props,
  });
/**
 * An audit tier written with the L2 constructs: a trail to CloudWatch Logs, and for each CIS category of
 * `categories` a metric filter with the benchmark's pattern (or `pattern`) and an alarm to a topic (none when
 * `withActions` is false).
 */
function cisAuditTier(
  stack: IConstruct,
  options: { categories?: string[]; withActions?: boolean; pattern?: (id: string) => string } = {},
): void {
  const key = new SeparatedDutiesKey(stack, 'TrailKey', { enableKeyRotation: true });
  const logGroup = new logs.LogGroup(stack, 'TrailLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: key,
  });
  const bucket = new s3.Bucket(stack, 'TrailBucket', {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    lifecycleRules: [{ expiration: Duration.days(400) }],
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(365)),
  });
  const trail = new cloudtrail.Trail(stack, 'Trail', {
    bucket,
    isMultiRegionTrail: true,
    enableFileValidation: true,
    encryptionKey: key,
    sendToCloudWatchLogs: true,
    cloudWatchLogGroup: logGroup,
  });
  trail.addS3EventSelector([{ bucket }], { readWriteType: cloudtrail.ReadWriteType.ALL });
  const topic = new sns.Topic(stack, 'Alerts', { masterKey: key });
  for (const id of options.categories ?? Object.keys(CIS_BENCHMARK_PATTERNS)) {
    const filter = new logs.MetricFilter(stack, `Filter-${id}`, {
      logGroup,
      filterPattern: logs.FilterPattern.literal(options.pattern?.(id) ?? CIS_BENCHMARK_PATTERNS[id]),
      metricNamespace: 'CISBenchmark',
      metricName: id,
      metricValue: '1',
    });
    const alarm = filter
      .metric({ statistic: 'Sum', period: Duration.minutes(5) })
      .createAlarm(stack, `Alarm-${id}`, {
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    if (options.withActions ?? true) alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
  }
}
/** CIS filters and alarms on the log group of a trail outside the stack (an organization trail), for `categories`. */
function reusedTrailAlarms(stack: IConstruct, categories = Object.keys(CIS_BENCHMARK_PATTERNS)): void {
  const topic = new sns.Topic(stack, 'Alerts');
  const logGroup = logs.LogGroup.fromLogGroupName(stack, 'OrganizationTrailLogs', 'organization-trail');
  for (const id of categories) {
    new logs.MetricFilter(stack, `Filter-${id}`, {
      logGroup,
      filterPattern: logs.FilterPattern.literal(CIS_BENCHMARK_PATTERNS[id]),
      metricNamespace: 'CISBenchmark',
      metricName: id,
    })
      .metric()
      .createAlarm(stack, `Alarm-${id}`, { threshold: 1, evaluationPeriods: 1 })
      .addAlarmAction(new cloudwatchActions.SnsAction(topic));
  }
}
/**
 * A database tier as a library user would write it with the L2 constructs: PostgreSQL in isolated subnets,
 * TLS forced, a customer key, seven days of backups, an AWS Backup plan with a protected vault, kept on delete.
 */
function secureDatabase(stack: Stack, subnetType = ec2.SubnetType.PRIVATE_ISOLATED): rds.DatabaseInstance {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const key = new SeparatedDutiesKey(stack, 'Key', { enableKeyRotation: true });
  const instance = new rds.DatabaseInstance(stack, 'Database', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: { subnetType },
    securityGroups: [new ec2.SecurityGroup(stack, 'DatabaseSg', { vpc, allowAllOutbound: false })],
    credentials: rds.Credentials.fromGeneratedSecret('scheduling', { encryptionKey: key }),
    storageEncryptionKey: key,
    parameters: { 'rds.force_ssl': '1' },
    backupRetention: Duration.days(7),
    removalPolicy: RemovalPolicy.SNAPSHOT,
  });
  // `instance.secret` is the attachment; the generated secret itself is the child named Secret.
  (instance.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(RemovalPolicy.RETAIN);
  instance.connections.allowDefaultPortFrom(
    new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false }),
  );
  const vault = new backup.BackupVault(stack, 'Vault', {
    encryptionKey: key,
    lockConfiguration: { minRetention: Duration.days(35) },
    accessPolicy: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['backup:DeleteRecoveryPoint'],
          resources: ['*'],
        }),
      ],
    }),
  });
  const plan = new backup.BackupPlan(stack, 'Plan', {
    backupVault: vault,
    backupPlanRules: [backup.BackupPlanRule.daily()],
  });
  plan.addSelection('Selection', { resources: [backup.BackupResource.fromRdsDatabaseInstance(instance)] });
  return instance;
}

/** A fixture: its kind and what it shows, a stack builder, and the findings the rule must report on it. */
type Fixture = [name: string, build: (stack: Stack) => void, findings: string[]];

/**
 * Fixtures per rule. Every name starts with its kind: `compliant:`, `non-compliant:`, `not applicable:` (a
 * resource the rule does not judge), or `token:` (a value CloudFormation knows only at deploy time).
 */
const dnsRuleGroup = (stack: IConstruct, lastAction: string, associate = true) => {
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  const allowed = new route53resolver.CfnFirewallDomainList(stack, 'Allowed', {
    domains: ['api.example.com'],
  });
  const every = new route53resolver.CfnFirewallDomainList(stack, 'Every', { domains: ['*'] });
  const group = new route53resolver.CfnFirewallRuleGroup(stack, 'Group', {
    firewallRules: [
      { priority: 100, action: 'ALLOW', firewallDomainListId: allowed.attrId },
      {
        priority: 1000,
        action: lastAction,
        firewallDomainListId: every.attrId,
        ...(lastAction === 'BLOCK' ? { blockResponse: 'NXDOMAIN' } : {}),
      },
    ],
  });
  if (associate) {
    new route53resolver.CfnFirewallRuleGroupAssociation(stack, 'Association', {
      firewallRuleGroupId: group.attrId,
      vpcId: vpc.ref,
      priority: 1000,
    });
  }
};

const signInRule = (stack: IConstruct, on: elbv2.CfnListener, firstType: string, priority = 10) =>
  new elbv2.CfnListenerRule(stack, `SignIn${priority}`, {
    listenerArn: on.ref,
    priority,
    conditions: [{ field: 'path-pattern', pathPatternConfig: { values: ['/settings/admin*'] } }],
    actions: [
      {
        type: firstType,
        order: 1,
        authenticateOidcConfig: {
          issuer: 'https://idp.example.com',
          authorizationEndpoint: 'https://idp.example.com/authorize',
          tokenEndpoint: 'https://idp.example.com/token',
          userInfoEndpoint: 'https://idp.example.com/userinfo',
          clientId: 'alb',
          onUnauthenticatedRequest: 'authenticate',
        },
      },
      { type: 'forward', order: 2, targetGroupArn: 'arn' },
    ],
  });

const FIXTURES: Array<[ruleId: string, fixtures: Fixture[]]> = [
  [
    'C2-OperatorPathsAuthenticate',
    [
      [
        'compliant: operator paths sign in before they forward',
        (s) =>
          signInRule(s, listener(s, { protocol: 'HTTPS', defaultActions: forward }), 'authenticate-oidc'),
        [],
      ],
      [
        'non-compliant: the app is forwarded with no sign-in anywhere',
        (s) => listener(s, { protocol: 'HTTPS', defaultActions: forward }),
        ['Test-C2-OperatorPathsAuthenticate[no-sign-in]'],
      ],
      [
        'not applicable: an HTTP listener',
        (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
        [],
      ],
      [
        'token: an action type known only at deploy is reported',
        (s) => signInRule(s, listener(s, { protocol: 'HTTPS', defaultActions: notFound }), deployTime),
        ['Test-C2-OperatorPathsAuthenticate[no-sign-in]'],
      ],
    ],
  ],
  [
    'C8-DnsFirewallBlocks',
    [
      ['compliant: the last rule blocks every domain', (s) => dnsRuleGroup(s, 'BLOCK'), []],
      [
        'non-compliant: the last rule only alerts (rollout)',
        (s) => dnsRuleGroup(s, 'ALERT'),
        ['Test-C8-DnsFirewallBlocks'],
      ],
      [
        'non-compliant: no firewall on the VPC',
        (s) => dnsRuleGroup(s, 'BLOCK', false),
        ['Test-C8-DnsFirewallBlocks'],
      ],
      [
        'not applicable: a security group',
        (s) => new ec2.CfnSecurityGroup(s, 'Sg', { groupDescription: 'x' }),
        [],
      ],
      [
        'token: an action known only at deploy is reported',
        (s) => dnsRuleGroup(s, deployTime),
        ['Test-C8-DnsFirewallBlocks'],
      ],
    ],
  ],
  [
    'C4-ImageScanned',
    [
      [
        'compliant: scan on push and immutable tags',
        (s) =>
          new ecr.CfnRepository(s, 'Repo', {
            imageScanningConfiguration: { scanOnPush: true },
            imageTagMutability: 'IMMUTABLE',
          }),
        [],
      ],
      [
        'non-compliant: mutable tags',
        (s) =>
          new ecr.CfnRepository(s, 'Repo', {
            imageScanningConfiguration: { scanOnPush: true },
            imageTagMutability: 'MUTABLE',
          }),
        ['Test-C4-ImageScanned[ImmutableTags]'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs'), []],
      [
        'token: a scan setting known only at deploy is reported',
        (s) =>
          new ecr.CfnRepository(s, 'Repo', {
            imageScanningConfiguration: { scanOnPush: deployTime as unknown as boolean },
            imageTagMutability: 'IMMUTABLE',
          }),
        ['Test-C4-ImageScanned[ScanOnPush]'],
      ],
    ],
  ],
  [
    'C1-ListenerTlsPolicy',
    [
      [
        'compliant: a TLS 1.2+ policy',
        (s) => listener(s, { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' }),
        [],
      ],
      [
        'non-compliant: a policy that accepts TLS 1.0',
        (s) => listener(s, { protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-2016-08' }),
        ['Test-C1-ListenerTlsPolicy'],
      ],
      [
        'non-compliant: no policy at all',
        (s) => listener(s, { protocol: 'HTTPS' }),
        ['Test-C1-ListenerTlsPolicy'],
      ],
      [
        'not applicable: an HTTP listener',
        (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
        [],
      ],
      [
        'token: a policy known only at deploy is reported',
        (s) => listener(s, { protocol: 'HTTPS', sslPolicy: deployTime }),
        ['Test-C1-ListenerTlsPolicy'],
      ],
    ],
  ],
  [
    'C1-HttpRedirectsOnly',
    [
      [
        'compliant: a redirect to HTTPS',
        (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
        [],
      ],
      [
        'non-compliant: forwards plain HTTP',
        (s) => listener(s, { protocol: 'HTTP', defaultActions: forward }),
        ['Test-C1-HttpRedirectsOnly'],
      ],
      [
        'not applicable: an HTTPS listener',
        (s) => listener(s, { protocol: 'HTTPS', defaultActions: forward }),
        [],
      ],
      [
        'token: a protocol known only at deploy is reported',
        (s) => listener(s, { protocol: deployTime, defaultActions: forward }),
        ['Test-C1-HttpRedirectsOnly'],
      ],
    ],
  ],
  [
    'C1-Hsts',
    [
      [
        'compliant: one year',
        (s) =>
          listener(s, {
            protocol: 'HTTPS',
            listenerAttributes: [
              {
                key: 'routing.http.response.strict_transport_security.header_value',
                value: 'max-age=31536000; includeSubDomains',
              },
            ],
          }),
        [],
      ],
      [
        'non-compliant: one day',
        (s) =>
          listener(s, {
            protocol: 'HTTPS',
            listenerAttributes: [
              {
                key: 'routing.http.response.strict_transport_security.header_value',
                value: 'max-age=86400',
              },
            ],
          }),
        ['Test-C1-Hsts'],
      ],
      ['non-compliant: no header', (s) => listener(s, { protocol: 'HTTPS' }), ['Test-C1-Hsts']],
      [
        'not applicable: an HTTP listener',
        (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
        [],
      ],
      [
        'token: a value known only at deploy is reported',
        (s) =>
          listener(s, {
            protocol: 'HTTPS',
            listenerAttributes: [
              {
                key: 'routing.http.response.strict_transport_security.header_value',
                value: deployTime,
              },
            ],
          }),
        ['Test-C1-Hsts'],
      ],
    ],
  ],
  [
    'C1-ContainerTlsVerification',
    [
      [
        'compliant: verification on',
        (s) => taskDefinition(s, { environment: [{ name: 'PGSSLMODE', value: 'verify-full' }] }),
        [],
      ],
      [
        'non-compliant: each offending variable is a finding',
        (s) =>
          taskDefinition(s, {
            environment: [
              { name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0' },
              { name: 'DATABASE_URL', value: 'postgres://db/x?sslmode=disable' },
            ],
          }),
        [
          'Test-C1-ContainerTlsVerification[app.NODE_TLS_REJECT_UNAUTHORIZED]',
          'Test-C1-ContainerTlsVerification[app.DATABASE_URL]',
        ],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a value known only at deploy is not judged',
        (s) => taskDefinition(s, { environment: [{ name: 'PGSSLMODE', value: deployTime }] }),
        [],
      ],
    ],
  ],
  [
    'C4-ImagePinned',
    [
      ['compliant: a release tag', (s) => taskDefinition(s, { image: 'calcom/cal.com:v5.5.0' }), []],
      [
        'non-compliant: latest',
        (s) => taskDefinition(s, { image: 'calcom/cal.com:latest' }),
        ['Test-C4-ImagePinned[app]'],
      ],
      [
        'non-compliant: no tag',
        (s) => taskDefinition(s, { image: 'calcom/cal.com' }),
        ['Test-C4-ImagePinned[app]'],
      ],
      ['not applicable: a listener', (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }), []],
      [
        'token: an ECR URI built by CloudFormation is judged by its literal tail',
        (s) =>
          taskDefinition(s, {
            image: `${s.account}.dkr.ecr.eu-west-1.${s.urlSuffix}/calcom@sha256:${'c'.repeat(64)}`,
          }),
        [],
      ],
    ],
  ],
  [
    'C4-FargateLatestPlatform',
    [
      [
        'compliant: LATEST',
        (s) => new ecs.CfnService(s, 'Service', { launchType: 'FARGATE', platformVersion: 'LATEST' }),
        [],
      ],
      [
        'non-compliant: an old version',
        (s) => new ecs.CfnService(s, 'Service', { launchType: 'FARGATE', platformVersion: '1.3.0' }),
        ['Test-C4-FargateLatestPlatform'],
      ],
      ['not applicable: EC2 launch type', (s) => new ecs.CfnService(s, 'Service', { launchType: 'EC2' }), []],
      [
        'token: a version known only at deploy is reported',
        (s) => new ecs.CfnService(s, 'Service', { launchType: 'FARGATE', platformVersion: deployTime }),
        ['Test-C4-FargateLatestPlatform'],
      ],
    ],
  ],
  [
    'C5-NoPublicIpOnTasks',
    [
      [
        'compliant: disabled',
        (s) =>
          new ecs.CfnService(s, 'Service', {
            networkConfiguration: { awsvpcConfiguration: { subnets: ['s'], assignPublicIp: 'DISABLED' } },
          }),
        [],
      ],
      [
        'non-compliant: enabled',
        (s) =>
          new ecs.CfnService(s, 'Service', {
            networkConfiguration: { awsvpcConfiguration: { subnets: ['s'], assignPublicIp: 'ENABLED' } },
          }),
        ['Test-C5-NoPublicIpOnTasks'],
      ],
      ['not applicable: a task definition', (s) => taskDefinition(s, {}), []],
      [
        'token: a setting known only at deploy is reported',
        (s) =>
          new ecs.CfnService(s, 'Service', {
            networkConfiguration: {
              awsvpcConfiguration: { subnets: ['s'], assignPublicIp: deployTime },
            },
          }),
        ['Test-C5-NoPublicIpOnTasks'],
      ],
    ],
  ],
  [
    'C7-WafLogRedaction',
    [
      [
        'compliant: both headers and the query string redacted',
        (s) =>
          new wafv2.CfnLoggingConfiguration(s, 'Logging', {
            resourceArn: 'arn',
            logDestinationConfigs: ['arn'],
            redactedFields: [
              { singleHeader: { Name: 'authorization' } },
              { singleHeader: { Name: 'Cookie' } },
              { queryString: {} },
            ],
          }),
        [],
      ],
      [
        'non-compliant: the cookie header is logged',
        (s) =>
          new wafv2.CfnLoggingConfiguration(s, 'Logging', {
            resourceArn: 'arn',
            logDestinationConfigs: ['arn'],
            redactedFields: [{ singleHeader: { Name: 'authorization' } }, { queryString: {} }],
          }),
        ['Test-C7-WafLogRedaction[cookie]'],
      ],
      [
        'non-compliant: the query string is logged',
        (s) =>
          new wafv2.CfnLoggingConfiguration(s, 'Logging', {
            resourceArn: 'arn',
            logDestinationConfigs: ['arn'],
            redactedFields: [
              { singleHeader: { Name: 'authorization' } },
              { singleHeader: { Name: 'cookie' } },
            ],
          }),
        ['Test-C7-WafLogRedaction[query-string]'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a header name known only at deploy is reported',
        (s) =>
          new wafv2.CfnLoggingConfiguration(s, 'Logging', {
            resourceArn: 'arn',
            logDestinationConfigs: ['arn'],
            redactedFields: [
              { singleHeader: { Name: deployTime } },
              { singleHeader: { Name: 'cookie' } },
              { queryString: {} },
            ],
          }),
        ['Test-C7-WafLogRedaction'],
      ],
    ],
  ],
  [
    'C7-LogDataMasking',
    [
      [
        'compliant: the WAF log group masks email addresses',
        (s) => wafLogGroup(s, masking(['EmailAddress'])),
        [],
      ],
      [
        "compliant: the app's log group masks email addresses, as WebFirewall and SchedulingService write it",
        (s) => {
          const findings = new logs.LogGroup(s, 'Findings');
          const group = new logs.LogGroup(s, 'AppLogs', {
            dataProtectionPolicy: maskingPolicy(DEFAULT_MASKED_DATA_IDENTIFIERS, findings),
          });
          const task = taskDefinition(s, {
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': group.logGroupName } },
          });
          new ecs.CfnService(s, 'Service', {
            taskDefinition: task.ref,
            loadBalancers: [{ containerName: 'app', containerPort: 8080, targetGroupArn: 'arn' }],
          });
        },
        [],
      ],
      ['non-compliant: the WAF log group masks nothing', (s) => wafLogGroup(s), ['Test-C7-LogDataMasking']],
      [
        "non-compliant: the app's log group audits email addresses but masks only secret keys",
        (s) => taskLogGroup(s, true, masking(['AwsSecretKey'], ['AwsSecretKey', 'EmailAddress'])),
        ['Test-C7-LogDataMasking'],
      ],
      ['not applicable: the log group of a task no load balancer serves', (s) => taskLogGroup(s, false), []],
      ['not applicable: a log group nothing writes to', (s) => new logs.CfnLogGroup(s, 'Logs', {}), []],
      [
        'token: a policy known only at deploy is reported',
        (s) => wafLogGroup(s, deployTime),
        ['Test-C7-LogDataMasking'],
      ],
    ],
  ],
  [
    'C7-LogRetention',
    [
      ['compliant: 90 days', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 90 }), []],
      ['non-compliant: forever', (s) => new logs.CfnLogGroup(s, 'Logs', {}), ['Test-C7-LogRetention']],
      [
        'non-compliant: over the ceiling',
        (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 731 }),
        ['Test-C7-LogRetention'],
      ],
      ['not applicable: a listener', (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }), []],
      [
        'token: a retention known only at deploy is reported',
        (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: Token.asNumber(deployTime) }),
        ['Test-C7-LogRetention'],
      ],
    ],
  ],
  [
    'C8-EgressNamedPorts',
    [
      [
        'compliant: HTTPS to anywhere',
        (s) =>
          new ec2.CfnSecurityGroup(s, 'Sg', {
            groupDescription: 'x',
            securityGroupEgress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' }],
          }),
        [],
      ],
      [
        'non-compliant: all traffic to anywhere',
        (s) =>
          new ec2.CfnSecurityGroup(s, 'Sg', {
            groupDescription: 'x',
            securityGroupEgress: [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0' }],
          }),
        ['Test-C8-EgressNamedPorts'],
      ],
      [
        'non-compliant: a separate egress rule to all of IPv6',
        (s) =>
          new ec2.CfnSecurityGroupEgress(s, 'Egress', {
            groupId: 'sg',
            ipProtocol: '-1',
            cidrIpv6: '::/0',
          }),
        ['Test-C8-EgressNamedPorts'],
      ],
      [
        'compliant: all traffic within the VPC',
        (s) =>
          new ec2.CfnSecurityGroup(s, 'Sg', {
            groupDescription: 'x',
            securityGroupEgress: [{ ipProtocol: '-1', cidrIp: '10.20.0.0/16' }],
          }),
        [],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a range known only at deploy is reported',
        (s) =>
          new ec2.CfnSecurityGroupEgress(s, 'Egress', {
            groupId: 'sg',
            ipProtocol: '-1',
            cidrIp: deployTime,
          }),
        ['Test-C8-EgressNamedPorts'],
      ],
    ],
  ],
  [
    'C1-CertificateKeyStrength',
    [
      [
        'compliant: RSA 2048',
        (s) => new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com', keyAlgorithm: 'RSA_2048' }),
        [],
      ],
      [
        'compliant: ECDSA P-384',
        (s) =>
          new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com', keyAlgorithm: 'EC_secp384r1' }),
        [],
      ],
      [
        'compliant: ACM default (RSA 2048)',
        (s) => new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com' }),
        [],
      ],
      [
        'non-compliant: RSA 1024',
        (s) => new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com', keyAlgorithm: 'RSA_1024' }),
        ['Test-C1-CertificateKeyStrength'],
      ],
      ['not applicable: a listener', (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }), []],
      [
        'token: an algorithm known only at deploy is reported',
        (s) => new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com', keyAlgorithm: deployTime }),
        ['Test-C1-CertificateKeyStrength'],
      ],
    ],
  ],
  [
    'C9-LoadBalancerWebAcl',
    [
      [
        'compliant: managed group and rate limit',
        (s) => protectedLoadBalancer(s, [managedRule, rateRule]),
        [],
      ],
      [
        'non-compliant: no web ACL',
        (s) => new elbv2.CfnLoadBalancer(s, 'Lb', { scheme: 'internet-facing' }),
        ['Test-C9-LoadBalancerWebAcl[web-acl]'],
      ],
      [
        'non-compliant: no rate limit',
        (s) => protectedLoadBalancer(s, [managedRule]),
        ['Test-C9-LoadBalancerWebAcl[rate-based-rule]'],
      ],
      [
        'not applicable: an internal load balancer',
        (s) => new elbv2.CfnLoadBalancer(s, 'Lb', { scheme: 'internal' }),
        [],
      ],
      [
        'token: a scheme known only at deploy is reported',
        (s) => new elbv2.CfnLoadBalancer(s, 'Lb', { scheme: deployTime }),
        ['Test-C9-LoadBalancerWebAcl'],
      ],
    ],
  ],
  [
    'C9-ListenerAnswersOwnNames',
    [
      [
        'compliant: a fixed 404 by default and a host rule that forwards',
        (s) => {
          const l = listener(s, { protocol: 'HTTPS', defaultActions: notFound });
          hostRule(s, l, [{ field: 'host-header', hostHeaderConfig: { values: ['a.example.com'] } }]);
        },
        [],
      ],
      [
        'non-compliant: the default action forwards',
        (s) => listener(s, { protocol: 'HTTPS', defaultActions: forward }),
        ['Test-C9-ListenerAnswersOwnNames'],
      ],
      [
        'non-compliant: a rule forwards on a path alone, for any host',
        (s) => {
          const l = listener(s, { protocol: 'HTTPS', defaultActions: notFound });
          hostRule(s, l, [{ field: 'path-pattern', pathPatternConfig: { values: ['/app/*'] } }]);
        },
        ['Test-C9-ListenerAnswersOwnNames'],
      ],
      [
        "compliant: a rule of another listener is not this listener's",
        (s) => {
          listener(s, { protocol: 'HTTPS', defaultActions: notFound });
          const other = new elbv2.CfnListener(s, 'Other', {
            loadBalancerArn: 'arn',
            protocol: 'HTTP',
            defaultActions: redirect,
          });
          hostRule(s, other, [{ field: 'path-pattern', pathPatternConfig: { values: ['/app/*'] } }]);
        },
        [],
      ],
      [
        'not applicable: an HTTP listener that forwards',
        (s) => listener(s, { protocol: 'HTTP', defaultActions: forward }),
        [],
      ],
      [
        'token: a default action type known only at deploy is reported',
        (s) => listener(s, { protocol: 'HTTPS', defaultActions: [{ type: deployTime }] }),
        ['Test-C9-ListenerAnswersOwnNames'],
      ],
    ],
  ],
  [
    'C1-BucketTlsOnly',
    [
      [
        'compliant: an L2 bucket with enforceSSL',
        (s) => new s3.Bucket(s, 'Bucket', { enforceSSL: true }),
        [],
      ],
      [
        'compliant: a Deny on aws:SecureTransport false',
        (s) => bucketPolicy(s, new s3.CfnBucket(s, 'Bucket'), denyInsecure),
        [],
      ],
      ['non-compliant: no bucket policy', (s) => new s3.CfnBucket(s, 'Bucket'), ['Test-C1-BucketTlsOnly']],
      [
        'non-compliant: a policy that only allows',
        (s) => bucketPolicy(s, new s3.CfnBucket(s, 'Bucket'), { ...denyInsecure, Effect: 'Allow' }),
        ['Test-C1-BucketTlsOnly'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a condition known only at deploy is reported',
        (s) =>
          bucketPolicy(s, new s3.CfnBucket(s, 'Bucket'), {
            ...denyInsecure,
            Condition: { Bool: { 'aws:SecureTransport': deployTime } },
          }),
        ['Test-C1-BucketTlsOnly'],
      ],
    ],
  ],
  [
    'C1-ListenerCertificateFromAcm',
    [
      [
        'compliant: an ACM certificate of the template',
        (s) =>
          listener(s, {
            protocol: 'HTTPS',
            certificates: [
              { certificateArn: new acm.CfnCertificate(s, 'Cert', { domainName: 'a.example.com' }).ref },
            ],
          }),
        [],
      ],
      [
        'non-compliant: an imported certificate ARN',
        (s) =>
          listener(s, {
            protocol: 'HTTPS',
            certificates: [{ certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' }],
          }),
        ['Test-C1-ListenerCertificateFromAcm[certificate-1]'],
      ],
      [
        'non-compliant: an extra certificate added from outside',
        (s) =>
          new elbv2.CfnListenerCertificate(s, 'Extra', {
            listenerArn: 'arn',
            certificates: [{ certificateArn: 'arn:aws:iam::111111111111:server-certificate/self-signed' }],
          }),
        ['Test-C1-ListenerCertificateFromAcm[certificate-1]'],
      ],
      [
        'not applicable: an HTTP listener',
        (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }),
        [],
      ],
      [
        'token: a certificate given as a parameter is reported',
        (s) => listener(s, { protocol: 'HTTPS', certificates: [{ certificateArn: deployTime }] }),
        ['Test-C1-ListenerCertificateFromAcm[certificate-1]'],
      ],
    ],
  ],
  [
    'C1-PostgresForceTls',
    [
      ['compliant: rds.force_ssl 1', (s) => postgresParameters(s, { 'rds.force_ssl': '1' }), []],
      [
        'compliant: a cluster parameter group',
        (s) =>
          new rds.CfnDBClusterParameterGroup(s, 'Cluster', {
            description: 'x',
            family: 'aurora-postgresql16',
            parameters: { 'rds.force_ssl': 1 },
          }),
        [],
      ],
      ['non-compliant: not set', (s) => postgresParameters(s, {}), ['Test-C1-PostgresForceTls']],
      [
        'non-compliant: set to 0',
        (s) => postgresParameters(s, { 'rds.force_ssl': '0' }),
        ['Test-C1-PostgresForceTls'],
      ],
      ['not applicable: a MySQL parameter group', (s) => postgresParameters(s, {}, 'mysql8.0'), []],
      [
        'token: a value known only at deploy is reported',
        (s) => postgresParameters(s, { 'rds.force_ssl': deployTime }),
        ['Test-C1-PostgresForceTls'],
      ],
    ],
  ],
  [
    'C2-UserPoolMfa',
    [
      [
        'compliant: required, with an authenticator app',
        (s) =>
          new cognito.CfnUserPool(s, 'Pool', { mfaConfiguration: 'ON', enabledMfas: ['SOFTWARE_TOKEN_MFA'] }),
        [],
      ],
      [
        'compliant: the operator pool of OperatorLogin',
        (s) => new OperatorLogin(s, 'Operators', { hostNames: ['schedule.example.com'] }),
        [],
      ],
      [
        'non-compliant: required, but SMS codes only',
        (s) => new cognito.CfnUserPool(s, 'Pool', { mfaConfiguration: 'ON', enabledMfas: ['SMS_MFA'] }),
        ['Test-C2-UserPoolMfa'],
      ],
      [
        'non-compliant: optional',
        (s) =>
          new cognito.CfnUserPool(s, 'Pool', {
            mfaConfiguration: 'OPTIONAL',
            enabledMfas: ['SOFTWARE_TOKEN_MFA'],
          }),
        ['Test-C2-UserPoolMfa'],
      ],
      ['non-compliant: not set', (s) => new cognito.CfnUserPool(s, 'Pool', {}), ['Test-C2-UserPoolMfa']],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a setting known only at deploy is reported',
        (s) =>
          new cognito.CfnUserPool(s, 'Pool', {
            mfaConfiguration: deployTime,
            enabledMfas: ['SOFTWARE_TOKEN_MFA'],
          }),
        ['Test-C2-UserPoolMfa'],
      ],
    ],
  ],
  [
    'C2-UserPoolPasswordPolicy',
    [
      [
        'compliant: 14 characters, four classes',
        (s) => new cognito.CfnUserPool(s, 'Pool', { policies: { passwordPolicy: strongPasswords } }),
        [],
      ],
      [
        'compliant: the operator pool of OperatorLogin',
        (s) => new OperatorLogin(s, 'Operators', { hostNames: ['schedule.example.com'] }),
        [],
      ],
      [
        'non-compliant: one character short of the threshold',
        (s) =>
          new cognito.CfnUserPool(s, 'Pool', {
            policies: { passwordPolicy: { ...strongPasswords, minimumLength: MIN_PASSWORD_LENGTH - 1 } },
          }),
        ['Test-C2-UserPoolPasswordPolicy[length]'],
      ],
      [
        'non-compliant: each shortfall is a finding',
        (s) =>
          new cognito.CfnUserPool(s, 'Pool', {
            policies: { passwordPolicy: { ...strongPasswords, minimumLength: 8, requireSymbols: false } },
          }),
        ['Test-C2-UserPoolPasswordPolicy[length]', 'Test-C2-UserPoolPasswordPolicy[symbols]'],
      ],
      [
        'non-compliant: no policy (Cognito accepts 8 characters)',
        (s) => new cognito.CfnUserPool(s, 'Pool', {}),
        [
          'Test-C2-UserPoolPasswordPolicy[length]',
          'Test-C2-UserPoolPasswordPolicy[lowercase]',
          'Test-C2-UserPoolPasswordPolicy[uppercase]',
          'Test-C2-UserPoolPasswordPolicy[numbers]',
          'Test-C2-UserPoolPasswordPolicy[symbols]',
        ],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a length known only at deploy is reported',
        (s) =>
          new cognito.CfnUserPool(s, 'Pool', {
            policies: { passwordPolicy: { ...strongPasswords, minimumLength: Token.asNumber(deployTime) } },
          }),
        ['Test-C2-UserPoolPasswordPolicy[length]'],
      ],
    ],
  ],
  [
    'C2-NoLiteralSecrets',
    [
      [
        'compliant: a generated secret and a dynamic reference',
        (s) => {
          new secretsmanager.CfnSecret(s, 'Secret', { generateSecretString: { passwordLength: 32 } });
          dbInstance(s, { masterUserPassword: '{{resolve:secretsmanager:db:SecretString:password}}' });
        },
        [],
      ],
      [
        'non-compliant: a literal master password',
        (s) => dbInstance(s, { masterUserPassword: 'hunter2hunter2' }),
        ['Test-C2-NoLiteralSecrets[MasterUserPassword]'],
      ],
      [
        'non-compliant: a literal secret value',
        (s) => new secretsmanager.CfnSecret(s, 'Secret', { secretString: '{"password":"hunter2"}' }),
        ['Test-C2-NoLiteralSecrets[SecretString]'],
      ],
      [
        'non-compliant: secret-named variables and a URL with a password',
        (s) =>
          taskDefinition(s, {
            environment: [
              { name: 'NEXTAUTH_SECRET', value: 'abc' },
              { name: 'DATABASE_URL', value: 'postgres://app:hunter2@db:5432/cal' },
              { name: 'NEXT_PUBLIC_WEBAPP_URL', value: 'https://book.example.com' },
            ],
          }),
        ['Test-C2-NoLiteralSecrets[app.NEXTAUTH_SECRET]', 'Test-C2-NoLiteralSecrets[app.DATABASE_URL]'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a value known only at deploy is not a literal',
        (s) => taskDefinition(s, { environment: [{ name: 'API_TOKEN', value: deployTime }] }),
        [],
      ],
    ],
  ],
  [
    'C3-DatabaseNotPublic',
    [
      ['compliant: the L2 database in isolated subnets', (s) => secureDatabase(s), []],
      [
        'compliant: subnets without an internet route',
        (s) => dbInstance(s, { dbSubnetGroupName: subnetGroup(s, false).ref }),
        [],
      ],
      [
        'non-compliant: the L2 database in public subnets',
        // CDK also makes an instance in public subnets publicly accessible.
        (s) => secureDatabase(s, ec2.SubnetType.PUBLIC),
        ['Test-C3-DatabaseNotPublic[publicly-accessible]', 'Test-C3-DatabaseNotPublic[internet-route]'],
      ],
      [
        'non-compliant: publicly accessible, in subnets that route to an internet gateway',
        (s) => dbInstance(s, { publiclyAccessible: true, dbSubnetGroupName: subnetGroup(s, true).ref }),
        ['Test-C3-DatabaseNotPublic[publicly-accessible]', 'Test-C3-DatabaseNotPublic[internet-route]'],
      ],
      [
        'non-compliant: no subnet group (the default VPC)',
        (s) => new rds.CfnDBCluster(s, 'Cluster', { engine: 'aurora-postgresql' }),
        ['Test-C3-DatabaseNotPublic[subnet-group]'],
      ],
      [
        'non-compliant: subnets of another stack, whose routes cannot be seen',
        (s) =>
          dbInstance(s, {
            dbSubnetGroupName: new rds.CfnDBSubnetGroup(s, 'SubnetGroup', {
              dbSubnetGroupDescription: 'x',
              subnetIds: ['subnet-0123', 'subnet-4567'],
            }).ref,
          }),
        ['Test-C3-DatabaseNotPublic[subnet-routes-unknown]'],
      ],
      [
        'compliant: an instance of an Aurora cluster is placed by its cluster',
        (s) => dbInstance(s, { dbClusterIdentifier: 'cluster', engine: 'aurora-postgresql' }),
        [],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: public access known only at deploy is reported',
        (s) =>
          dbInstance(s, {
            publiclyAccessible: Token.asAny(deployTime) as unknown as boolean,
            dbSubnetGroupName: subnetGroup(s, false).ref,
          }),
        ['Test-C3-DatabaseNotPublic'],
      ],
    ],
  ],
  [
    'C3-DatabaseIngressFromSecurityGroups',
    [
      ['compliant: the L2 database admits the app security group', (s) => secureDatabase(s), []],
      [
        'non-compliant: a CIDR range',
        (s) => databaseGroup(s, [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: '10.0.0.0/16' }]),
        ['Test-C3-DatabaseIngressFromSecurityGroups'],
      ],
      [
        'non-compliant: a separate ingress rule from an IPv6 range',
        (s) => {
          const group = databaseGroup(s, []);
          new ec2.CfnSecurityGroupIngress(s, 'Ingress', {
            groupId: group.attrGroupId,
            ipProtocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            cidrIpv6: '::/0',
          });
        },
        ['Test-C3-DatabaseIngressFromSecurityGroups'],
      ],
      [
        'not applicable: a security group no database uses',
        (s) =>
          new ec2.CfnSecurityGroup(s, 'Sg', {
            groupDescription: 'x',
            securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' }],
          }),
        [],
      ],
      [
        'token: a range known only at deploy is still a range',
        (s) => databaseGroup(s, [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: deployTime }]),
        ['Test-C3-DatabaseIngressFromSecurityGroups'],
      ],
    ],
  ],
  [
    'C3-NoOpenIngress',
    [
      ["compliant: a load balancer's 80 and 443", (s) => openGroup(s, [80, 443], true), []],
      [
        "non-compliant: 22 open on a load balancer's group",
        (s) => openGroup(s, [443, 22], true),
        ['Test-C3-NoOpenIngress[tcp:22-22]'],
      ],
      [
        'non-compliant: 443 open on a group no load balancer uses',
        (s) => openGroup(s, [443], false),
        ['Test-C3-NoOpenIngress[tcp:443-443]'],
      ],
      [
        'non-compliant: a separate ingress rule from all of IPv6',
        (s) =>
          new ec2.CfnSecurityGroupIngress(s, 'Ingress', {
            groupId: 'sg',
            ipProtocol: '-1',
            cidrIpv6: '::/0',
          }),
        ['Test-C3-NoOpenIngress[-1:all-all]'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a range known only at deploy is reported',
        (s) =>
          new ec2.CfnSecurityGroupIngress(s, 'Ingress', {
            groupId: 'sg',
            ipProtocol: 'tcp',
            cidrIp: deployTime,
          }),
        ['Test-C3-NoOpenIngress'],
      ],
    ],
  ],
  [
    'C3-IamNoWildcardAdmin',
    [
      [
        'compliant: named actions on *',
        (s) => policy(s, { Action: ['ecr:GetAuthorizationToken'], Resource: '*' }),
        [],
      ],
      [
        'compliant: s3:* on one bucket',
        (s) => policy(s, { Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }),
        [],
      ],
      [
        'non-compliant: * on *',
        (s) => policy(s, { Action: '*', Resource: '*' }),
        ['Test-C3-IamNoWildcardAdmin'],
      ],
      [
        "non-compliant: a role's inline s3:* on *",
        (s) =>
          new iam.CfnRole(s, 'Role', {
            assumeRolePolicyDocument: {},
            policies: [
              {
                policyName: 'p',
                policyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['*'] }] },
              },
            ],
          }),
        ['Test-C3-IamNoWildcardAdmin'],
      ],
      ['compliant: a Deny of * on *', (s) => policy(s, { Effect: 'Deny', Action: '*', Resource: '*' }), []],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: s3:* on a bucket named by reference is not every resource',
        (s) => policy(s, { Action: 's3:*', Resource: new s3.CfnBucket(s, 'Bucket').attrArn }),
        [],
      ],
    ],
  ],
  [
    'C4-DatabaseMinorVersionUpgrades',
    [
      ['compliant: RDS default (on)', (s) => dbInstance(s), []],
      [
        'non-compliant: turned off',
        (s) => dbInstance(s, { autoMinorVersionUpgrade: false }),
        ['Test-C4-DatabaseMinorVersionUpgrades'],
      ],
      [
        'non-compliant: a Multi-AZ DB cluster with upgrades off',
        (s) =>
          new rds.CfnDBCluster(s, 'Cluster', {
            engine: 'postgres',
            dbClusterInstanceClass: 'db.m6gd.large',
            autoMinorVersionUpgrade: false,
          }),
        ['Test-C4-DatabaseMinorVersionUpgrades'],
      ],
      [
        'not applicable: an Aurora cluster (set per instance)',
        (s) => new rds.CfnDBCluster(s, 'Cluster', { engine: 'aurora-postgresql' }),
        [],
      ],
      [
        'token: a setting known only at deploy is reported',
        (s) => dbInstance(s, { autoMinorVersionUpgrade: Token.asAny(deployTime) as unknown as boolean }),
        ['Test-C4-DatabaseMinorVersionUpgrades'],
      ],
    ],
  ],
  [
    'C5-CustomerManagedKeys',
    [
      ['compliant: the L2 database tier', (s) => secureDatabase(s), []],
      [
        'non-compliant: an unencrypted database',
        (s) => dbInstance(s),
        ['Test-C5-CustomerManagedKeys[storage-encrypted]', 'Test-C5-CustomerManagedKeys[kms-key]'],
      ],
      [
        'non-compliant: encrypted with the AWS-managed key',
        (s) => dbInstance(s, { storageEncrypted: true, kmsKeyId: 'alias/aws/rds' }),
        ['Test-C5-CustomerManagedKeys[kms-key]'],
      ],
      [
        'non-compliant: a secret and a log group without a key',
        (s) => {
          new secretsmanager.CfnSecret(s, 'Secret', { generateSecretString: {} });
          new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 });
        },
        ['Test-C5-CustomerManagedKeys[kms-key]'],
      ],
      ['not applicable: a listener', (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }), []],
      [
        'token: a key of the stack named by reference',
        (s) =>
          dbInstance(s, {
            storageEncrypted: true,
            kmsKeyId: new kms.Key(s, 'Key', { enableKeyRotation: true }).keyArn,
          }),
        [],
      ],
      [
        'token: encryption switched at deploy is reported',
        (s) =>
          dbInstance(s, {
            storageEncrypted: Token.asAny(deployTime) as unknown as boolean,
            kmsKeyId: new kms.Key(s, 'Key', { enableKeyRotation: true }).keyArn,
          }),
        ['Test-C5-CustomerManagedKeys'],
      ],
    ],
  ],
  [
    'C3-KeyDutiesSeparated',
    [
      [
        'compliant: administration and use apart, use through one service, grants for AWS resources',
        (s) => {
          const key = new SeparatedDutiesKey(s, 'Key', { enableKeyRotation: true });
          key.grantDecrypt(
            new iam.Role(s, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
          );
          key.addToResourcePolicy(
            new iam.PolicyStatement({
              principals: [new iam.AccountRootPrincipal()],
              actions: ['kms:Decrypt', 'kms:CreateGrant'],
              resources: ['*'],
              conditions: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
            }),
          );
        },
        [],
      ],
      [
        "non-compliant: CDK's default key policy (kms:* for the account)",
        (s) => new kms.Key(s, 'Key', { enableKeyRotation: true }),
        ['Test-C3-KeyDutiesSeparated'],
      ],
      [
        'non-compliant: decrypt for every IAM policy of the account',
        (s) =>
          new SeparatedDutiesKey(s, 'Key').addToResourcePolicy(
            new iam.PolicyStatement({
              principals: [new iam.AccountRootPrincipal()],
              actions: ['kms:Decrypt'],
              resources: ['*'],
            }),
          ),
        ['Test-C3-KeyDutiesSeparated'],
      ],
      [
        'non-compliant: a role may grant the key to anyone',
        (s) =>
          new SeparatedDutiesKey(s, 'Key').addToResourcePolicy(
            new iam.PolicyStatement({
              principals: [new iam.ArnPrincipal('arn:aws:iam::123456789012:role/Ops')],
              actions: ['kms:CreateGrant'],
              resources: ['*'],
            }),
          ),
        ['Test-C3-KeyDutiesSeparated'],
      ],
      ['not applicable: a bucket', (s) => new s3.CfnBucket(s, 'Bucket'), []],
      [
        'token: a policy given at deploy time is judged as written',
        (s) =>
          new kms.CfnKey(s, 'Key', {
            keyPolicy: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: deployTime },
                  Action: 'kms:*',
                  Resource: '*',
                },
              ],
            },
          }),
        ['Test-C3-KeyDutiesSeparated'],
      ],
    ],
  ],
  [
    'C5-KeyRotation',
    [
      ['compliant: rotation on', (s) => new kms.Key(s, 'Key', { enableKeyRotation: true }), []],
      ['non-compliant: rotation off', (s) => new kms.Key(s, 'Key'), ['Test-C5-KeyRotation']],
      [
        'not applicable: an asymmetric signing key',
        (s) =>
          new kms.Key(s, 'Key', { keySpec: kms.KeySpec.ECC_NIST_P256, keyUsage: kms.KeyUsage.SIGN_VERIFY }),
        [],
      ],
      [
        'token: a setting known only at deploy is reported',
        (s) => new kms.CfnKey(s, 'Key', { enableKeyRotation: Token.asAny(deployTime) as unknown as boolean }),
        ['Test-C5-KeyRotation'],
      ],
    ],
  ],
  [
    'C6-DatabaseBackupRetention',
    [
      ['compliant: 7 days', (s) => dbInstance(s, { backupRetentionPeriod: 7 }), []],
      ['non-compliant: RDS default (1 day)', (s) => dbInstance(s), ['Test-C6-DatabaseBackupRetention']],
      [
        'non-compliant: a cluster keeping 3 days',
        (s) => new rds.CfnDBCluster(s, 'Cluster', { engine: 'aurora-postgresql', backupRetentionPeriod: 3 }),
        ['Test-C6-DatabaseBackupRetention'],
      ],
      [
        'not applicable: an instance of an Aurora cluster',
        (s) => dbInstance(s, { dbClusterIdentifier: 'cluster', engine: 'aurora-postgresql' }),
        [],
      ],
      [
        'token: a period known only at deploy is reported',
        (s) => dbInstance(s, { backupRetentionPeriod: Token.asNumber(deployTime) }),
        ['Test-C6-DatabaseBackupRetention'],
      ],
    ],
  ],
  [
    'C6-DatabaseInBackupPlan',
    [
      ['compliant: the L2 selection of the instance (an Fn::Join of its Ref)', (s) => secureDatabase(s), []],
      [
        'compliant: selected by tag',
        (s) => {
          dbInstance(s).tags.setTag('backup', 'daily');
          backupSelection(s, {
            listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: 'backup', conditionValue: 'daily' }],
          });
        },
        [],
      ],
      [
        'compliant: selected by a tag condition',
        (s) => {
          dbInstance(s).tags.setTag('backup', 'daily');
          backupSelection(s, {
            conditions: {
              stringEquals: [{ conditionKey: 'aws:ResourceTag/backup', conditionValue: 'daily' }],
            },
          });
        },
        [],
      ],
      ['non-compliant: no selection', (s) => dbInstance(s), ['Test-C6-DatabaseInBackupPlan']],
      [
        'non-compliant: a selection of another tag value',
        (s) => {
          dbInstance(s).tags.setTag('backup', 'never');
          backupSelection(s, {
            listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: 'backup', conditionValue: 'daily' }],
          });
        },
        ['Test-C6-DatabaseInBackupPlan'],
      ],
      [
        'not applicable: an instance of an Aurora cluster',
        (s) => dbInstance(s, { dbClusterIdentifier: 'cluster', engine: 'aurora-postgresql' }),
        [],
      ],
      [
        'token: a selection known only at deploy does not prove the database is in it',
        (s) => {
          dbInstance(s);
          backupSelection(s, { resources: [deployTime] });
        },
        ['Test-C6-DatabaseInBackupPlan'],
      ],
    ],
  ],
  [
    'C6-BackupVaultProtected',
    [
      [
        'compliant: a customer key and a Deny of deletion',
        (s) =>
          new backup.CfnBackupVault(s, 'Vault', {
            backupVaultName: 'v',
            encryptionKeyArn: new kms.Key(s, 'Key').keyArn,
            accessPolicy: denyDelete,
          }),
        [],
      ],
      [
        'non-compliant: neither',
        (s) => new backup.CfnBackupVault(s, 'Vault', { backupVaultName: 'v' }),
        ['Test-C6-BackupVaultProtected[kms-key]', 'Test-C6-BackupVaultProtected[deny-delete]'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: an access policy known only at deploy does not prove deletion is denied',
        (s) =>
          new backup.CfnBackupVault(s, 'Vault', {
            backupVaultName: 'v',
            encryptionKeyArn: new kms.Key(s, 'Key').keyArn,
            accessPolicy: deployTime,
          }),
        ['Test-C6-BackupVaultProtected[deny-delete]'],
      ],
    ],
  ],
  [
    'C6-BackupVaultLocked',
    [
      [
        'compliant: governance mode (no grace time), 35 days',
        (s) =>
          new backup.CfnBackupVault(s, 'Vault', {
            backupVaultName: 'v',
            lockConfiguration: { minRetentionDays: 35 },
          }),
        [],
      ],
      [
        'compliant: compliance mode after 3 days',
        (s) =>
          new backup.CfnBackupVault(s, 'Vault', {
            backupVaultName: 'v',
            lockConfiguration: { minRetentionDays: 7, changeableForDays: 3 },
          }),
        [],
      ],
      [
        'non-compliant: no lock',
        (s) => new backup.CfnBackupVault(s, 'Vault', { backupVaultName: 'v' }),
        ['Test-C6-BackupVaultLocked[lock]'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a minimum retention known only at deploy proves nothing',
        (s) =>
          new backup.CfnBackupVault(s, 'Vault', {
            backupVaultName: 'v',
            lockConfiguration: { minRetentionDays: Token.asNumber(deployTime) },
          }),
        ['Test-C6-BackupVaultLocked'],
      ],
    ],
  ],
  [
    'C6-StatefulResourcesRetained',
    [
      [
        'compliant: a database kept as a snapshot, a bucket and a key retained',
        (s) => {
          retained(dbInstance(s), CfnDeletionPolicy.SNAPSHOT);
          retained(new s3.CfnBucket(s, 'Bucket'), CfnDeletionPolicy.RETAIN);
          new kms.Key(s, 'Key');
        },
        [],
      ],
      [
        'non-compliant: a database deleted with the stack',
        (s) => dbInstance(s),
        [
          'Test-C6-StatefulResourcesRetained[DeletionPolicy]',
          'Test-C6-StatefulResourcesRetained[UpdateReplacePolicy]',
        ],
      ],
      [
        'non-compliant: a log group snapshot policy is not enough (log groups have no snapshot)',
        (s) => retained(new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), CfnDeletionPolicy.SNAPSHOT),
        [
          'Test-C6-StatefulResourcesRetained[DeletionPolicy]',
          'Test-C6-StatefulResourcesRetained[UpdateReplacePolicy]',
        ],
      ],
      [
        'non-compliant: a bucket retained on delete but not on replacement',
        (s) => retained(new s3.CfnBucket(s, 'Bucket'), CfnDeletionPolicy.RETAIN, CfnDeletionPolicy.DELETE),
        ['Test-C6-StatefulResourcesRetained[UpdateReplacePolicy]'],
      ],
      ['not applicable: a listener', (s) => listener(s, { protocol: 'HTTP', defaultActions: redirect }), []],
      [
        'token: a database named only at deploy is judged by its policies alone',
        (s) => retained(dbInstance(s, { dbInstanceIdentifier: deployTime }), CfnDeletionPolicy.SNAPSHOT),
        [],
      ],
    ],
  ],
  [
    'C7-AuditLogRetentionFloor',
    [
      ['compliant: a year', (s) => trailLogGroup(s, 365), []],
      ['non-compliant: three months', (s) => trailLogGroup(s, 90), ['Test-C7-AuditLogRetentionFloor']],
      [
        'not applicable: a log group no trail delivers to',
        (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 90 }),
        [],
      ],
      [
        'token: a retention known only at deploy is reported',
        (s) => trailLogGroup(s, Token.asNumber(deployTime)),
        ['Test-C7-AuditLogRetentionFloor'],
      ],
    ],
  ],
  [
    'C7-LogBucketExpiry',
    [
      [
        'compliant: objects expire',
        (s) => accessLogBucket(s, { rules: [{ status: 'Enabled', expirationInDays: 90 }] }),
        [],
      ],
      ['non-compliant: no lifecycle', (s) => accessLogBucket(s), ['Test-C7-LogBucketExpiry']],
      [
        'non-compliant: a disabled rule',
        (s) => accessLogBucket(s, { rules: [{ status: 'Disabled', expirationInDays: 90 }] }),
        ['Test-C7-LogBucketExpiry'],
      ],
      [
        'non-compliant: the target of S3 server access logs',
        (s) => {
          const logsBucket = new s3.Bucket(s, 'AccessLogs');
          new s3.Bucket(s, 'Data', { serverAccessLogsBucket: logsBucket });
        },
        ['Test-C7-LogBucketExpiry'],
      ],
      ['not applicable: a bucket that receives no logs', (s) => new s3.CfnBucket(s, 'Bucket'), []],
      [
        'token: an expiry known only at deploy is an expiry',
        (s) =>
          accessLogBucket(s, {
            rules: [{ status: 'Enabled', expirationInDays: Token.asNumber(deployTime) }],
          }),
        [],
      ],
    ],
  ],
  [
    'C10-TrailEvidenceLocked',
    [
      [
        'compliant: the L2 trail of an audit tier, locked, writes recorded',
        (s) => cisAuditTier(s, { categories: [] }),
        [],
      ],
      [
        'compliant: locked at creation, deletes recorded by an advanced selector',
        (s) => {
          const bucket = new s3.CfnBucket(s, 'TrailBucket', { objectLockEnabled: true });
          cfnTrail(s, {
            s3BucketName: bucket.ref,
            advancedEventSelectors: [
              { fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
              {
                fieldSelectors: [
                  { field: 'eventCategory', equalTo: ['Data'] },
                  { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
                  { field: 'resources.ARN', startsWith: [Fn.join('', [bucket.attrArn, '/'])] },
                  { field: 'eventName', equalTo: ['DeleteObject', 'DeleteObjects'] },
                ],
              },
            ],
          });
        },
        [],
      ],
      [
        'compliant: locked in place by Custom::BucketObjectLock',
        (s) => {
          const bucket = new s3.CfnBucket(s, 'TrailBucket');
          new CfnResource(s, 'Lock', {
            type: BUCKET_OBJECT_LOCK_TYPE,
            properties: {
              ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:lock',
              BucketName: bucket.ref,
            },
          });
          cfnTrail(s, {
            s3BucketName: bucket.ref,
            eventSelectors: [
              {
                includeManagementEvents: true,
                readWriteType: 'All',
                dataResources: [{ type: 'AWS::S3::Object', values: [Fn.join('', [bucket.attrArn, '/'])] }],
              },
            ],
          });
        },
        [],
      ],
      [
        'non-compliant: an unlocked bucket, no data events',
        (s) => cfnTrail(s, { s3BucketName: new s3.CfnBucket(s, 'TrailBucket').ref }),
        ['Test-C10-TrailEvidenceLocked[object-lock]', 'Test-C10-TrailEvidenceLocked[data-events]'],
      ],
      [
        'non-compliant: data events on reads only, of another bucket',
        (s) => {
          const bucket = new s3.CfnBucket(s, 'TrailBucket', { objectLockEnabled: true });
          const other = new s3.CfnBucket(s, 'Other');
          cfnTrail(s, {
            s3BucketName: bucket.ref,
            eventSelectors: [
              {
                readWriteType: 'ReadOnly',
                dataResources: [{ type: 'AWS::S3::Object', values: [Fn.join('', [bucket.attrArn, '/'])] }],
              },
              { dataResources: [{ type: 'AWS::S3::Object', values: [Fn.join('', [other.attrArn, '/'])] }] },
            ],
          });
        },
        ['Test-C10-TrailEvidenceLocked[data-events]'],
      ],
      ['not applicable: a trail writing to a bucket of another stack', (s) => cfnTrail(s), []],
      [
        'token: Object Lock decided at deploy is reported',
        (s) => {
          const bucket = new s3.CfnBucket(s, 'TrailBucket', {
            objectLockEnabled: Token.asAny(deployTime) as unknown as boolean,
          });
          cfnTrail(s, {
            s3BucketName: bucket.ref,
            eventSelectors: [
              { dataResources: [{ type: 'AWS::S3::Object', values: [Fn.join('', [bucket.attrArn, '/'])] }] },
            ],
          });
        },
        ['Test-C10-TrailEvidenceLocked'],
      ],
    ],
  ],
  [
    'C10-AuditTrail',
    [
      ['compliant: every region, validated, encrypted, to CloudWatch Logs', (s) => cfnTrail(s), []],
      ['compliant: the L2 trail of an audit tier', (s) => cisAuditTier(s, { categories: [] }), []],
      [
        'non-compliant: the CloudFormation defaults',
        (s) => new cloudtrail.CfnTrail(s, 'AuditTrail', { isLogging: true, s3BucketName: 'audit-bucket' }),
        [
          'Test-C10-AuditTrail[multi-region]',
          'Test-C10-AuditTrail[log-file-validation]',
          'Test-C10-AuditTrail[kms-key]',
          'Test-C10-AuditTrail[cloudwatch-logs]',
        ],
      ],
      [
        'non-compliant: write-only management events, global services left out, logging stopped',
        (s) =>
          cfnTrail(s, {
            isLogging: false,
            includeGlobalServiceEvents: false,
            eventSelectors: [{ includeManagementEvents: true, readWriteType: 'WriteOnly' }],
          }),
        [
          'Test-C10-AuditTrail[global-service-events]',
          'Test-C10-AuditTrail[management-events]',
          'Test-C10-AuditTrail[logging]',
        ],
      ],
      [
        'compliant: an advanced selector of all management events',
        (s) =>
          cfnTrail(s, {
            advancedEventSelectors: [
              { fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
            ],
          }),
        [],
      ],
      [
        'non-compliant: an advanced selector of read-only management events',
        (s) =>
          cfnTrail(s, {
            advancedEventSelectors: [
              {
                fieldSelectors: [
                  { field: 'eventCategory', equalTo: ['Management'] },
                  { field: 'readOnly', equalTo: ['true'] },
                ],
              },
            ],
          }),
        ['Test-C10-AuditTrail[management-events]'],
      ],
      [
        'not applicable: a stack without a trail',
        (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }),
        [],
      ],
      [
        'token: multi-region known only at deploy is reported',
        (s) => cfnTrail(s, { isMultiRegionTrail: Token.asAny(deployTime) as unknown as boolean }),
        ['Test-C10-AuditTrail'],
      ],
    ],
  ],
  [
    'C10-CisChangeAlarms',
    [
      [
        'compliant: a filter with the benchmark pattern and an alarm with an action for each category',
        (s) => cisAuditTier(s),
        [],
      ],
      [
        'compliant: filters on a log group named in the trail ARN',
        (s) => {
          cfnTrail(s);
          const topic = new sns.Topic(s, 'Alerts');
          for (const [id, pattern] of Object.entries(CIS_BENCHMARK_PATTERNS)) {
            new logs.MetricFilter(s, `Filter-${id}`, {
              logGroup: logs.LogGroup.fromLogGroupName(s, `Audit-${id}`, 'audit'),
              filterPattern: logs.FilterPattern.literal(pattern),
              metricNamespace: 'CISBenchmark',
              metricName: id,
            })
              .metric()
              .createAlarm(s, `Alarm-${id}`, { threshold: 1, evaluationPeriods: 1 })
              .addAlarmAction(new cloudwatchActions.SnsAction(topic));
          }
        },
        [],
      ],
      [
        'non-compliant: two categories missing',
        (s) =>
          cisAuditTier(s, {
            categories: Object.keys(CIS_BENCHMARK_PATTERNS).filter(
              (id) => id !== 'iam-policy-changes' && id !== 'organizations-changes',
            ),
          }),
        ['Test-C10-CisChangeAlarms[iam-policy-changes]', 'Test-C10-CisChangeAlarms[organizations-changes]'],
      ],
      [
        'non-compliant: a pattern that leaves out an event of the benchmark',
        (s) =>
          cisAuditTier(s, {
            pattern: (id) =>
              id === 'cloudtrail-changes'
                ? '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }'
                : CIS_BENCHMARK_PATTERNS[id],
          }),
        ['Test-C10-CisChangeAlarms[cloudtrail-changes]'],
      ],
      [
        'non-compliant: alarms without actions',
        (s) => cisAuditTier(s, { withActions: false }),
        Object.keys(CIS_BENCHMARK_PATTERNS).map((id) => `Test-C10-CisChangeAlarms[${id}]`),
      ],
      [
        'compliant: the full set on the log group of a trail outside the stack',
        (s) => reusedTrailAlarms(s),
        [],
      ],
      [
        'non-compliant: a category missing on the log group of a trail outside the stack, reported once',
        (s) =>
          reusedTrailAlarms(
            s,
            Object.keys(CIS_BENCHMARK_PATTERNS).filter((id) => id !== 'vpc-changes'),
          ),
        ['Test-C10-CisChangeAlarms[vpc-changes]'],
      ],
      [
        'not applicable: a metric filter of no CIS category in a stack without a trail',
        (s) =>
          new logs.MetricFilter(s, 'Errors', {
            logGroup: new logs.LogGroup(s, 'AppLogs'),
            filterPattern: logs.FilterPattern.literal('ERROR'),
            metricNamespace: 'App',
            metricName: 'Errors',
          }),
        [],
      ],
      [
        'not applicable: a trail without CloudWatch Logs (C10-AuditTrail reports it)',
        (s) => cfnTrail(s, { cloudWatchLogsLogGroupArn: undefined, cloudWatchLogsRoleArn: undefined }),
        [],
      ],
      [
        'not applicable: a stack without a trail',
        (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }),
        [],
      ],
      [
        'token: a pattern known only at deploy does not count',
        (s) =>
          cisAuditTier(s, {
            pattern: (id) => (id === 'vpc-changes' ? deployTime : CIS_BENCHMARK_PATTERNS[id]),
          }),
        ['Test-C10-CisChangeAlarms[vpc-changes]'],
      ],
    ],
  ],
  [
    'C10-AlarmActions',
    [
      [
        'compliant: an alarm to a topic',
        (s) =>
          new cloudwatch.CfnAlarm(s, 'Alarm', {
            comparisonOperator: 'GreaterThanThreshold',
            evaluationPeriods: 1,
            threshold: 1,
            alarmActions: [new sns.Topic(s, 'Alerts').topicArn],
          }),
        [],
      ],
      [
        'non-compliant: no action',
        (s) =>
          new cloudwatch.CfnAlarm(s, 'Alarm', {
            comparisonOperator: 'GreaterThanThreshold',
            evaluationPeriods: 1,
            threshold: 1,
          }),
        ['Test-C10-AlarmActions'],
      ],
      [
        'non-compliant: actions turned off',
        (s) =>
          new cloudwatch.CfnAlarm(s, 'Alarm', {
            comparisonOperator: 'GreaterThanThreshold',
            evaluationPeriods: 1,
            threshold: 1,
            alarmActions: ['arn:aws:sns:eu-west-1:111111111111:alerts'],
            actionsEnabled: false,
          }),
        ['Test-C10-AlarmActions'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: an action given as a parameter is an action',
        (s) =>
          new cloudwatch.CfnAlarm(s, 'Alarm', {
            comparisonOperator: 'GreaterThanThreshold',
            evaluationPeriods: 1,
            threshold: 1,
            alarmActions: [deployTime],
          }),
        [],
      ],
    ],
  ],

  [
    'C10-LoadBalancerAccessLogs',
    [
      ['compliant: on', (s) => accessLogBucket(s), []],
      [
        'non-compliant: off',
        (s) => new elbv2.CfnLoadBalancer(s, 'Lb', { scheme: 'internal' }),
        ['Test-C10-LoadBalancerAccessLogs'],
      ],
      [
        'not applicable: a network load balancer',
        (s) => new elbv2.CfnLoadBalancer(s, 'Lb', { type: 'network' }),
        [],
      ],
      [
        'token: logging switched at deploy is reported',
        (s) =>
          new elbv2.CfnLoadBalancer(s, 'Lb', {
            loadBalancerAttributes: [{ key: 'access_logs.s3.enabled', value: deployTime }],
          }),
        ['Test-C10-LoadBalancerAccessLogs'],
      ],
    ],
  ],
  [
    'C10-VpcFlowLogs',
    [
      [
        'compliant: the L2 VPC with a flow log',
        (s) => new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1, flowLogs: { all: {} } }),
        [],
      ],
      [
        'non-compliant: no flow log',
        (s) => new ec2.CfnVPC(s, 'Vpc', { cidrBlock: '10.0.0.0/16' }),
        ['Test-C10-VpcFlowLogs'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a flow log of a resource named only at deploy does not count',
        (s) => {
          new ec2.CfnVPC(s, 'Vpc', { cidrBlock: '10.0.0.0/16' });
          new ec2.CfnFlowLog(s, 'FlowLog', {
            resourceId: deployTime,
            resourceType: 'VPC',
            trafficType: 'ALL',
          });
        },
        ['Test-C10-VpcFlowLogs'],
      ],
    ],
  ],
  [
    'C10-WebAclLogging',
    [
      [
        'compliant: a logging configuration',
        (s) => {
          const acl = new wafv2.CfnWebACL(s, 'Acl', {
            scope: 'REGIONAL',
            defaultAction: { allow: {} },
            visibilityConfig: visibility,
          });
          new wafv2.CfnLoggingConfiguration(s, 'Logging', {
            resourceArn: acl.attrArn,
            logDestinationConfigs: ['arn'],
          });
        },
        [],
      ],
      [
        'non-compliant: none',
        (s) => protectedLoadBalancer(s, [managedRule, rateRule]),
        ['Test-C10-WebAclLogging'],
      ],
      ['not applicable: a log group', (s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }), []],
      [
        'token: a logging configuration of a web ACL named only at deploy does not count',
        (s) => {
          new wafv2.CfnWebACL(s, 'Acl', {
            scope: 'REGIONAL',
            defaultAction: { allow: {} },
            visibilityConfig: visibility,
          });
          new wafv2.CfnLoggingConfiguration(s, 'Logging', {
            resourceArn: deployTime,
            logDestinationConfigs: ['arn'],
          });
        },
        ['Test-C10-WebAclLogging'],
      ],
    ],
  ],
];

describe('SchedulingChecklistChecks', () => {
  test('the manifest: every rule id, level, checklist item and Security Hub control, in checklist order', () => {
    expect(CHECKLIST_RULES.map((r) => [r.id, r.level, r.checklist, r.securityHubControls])).toEqual<
      Array<[string, NagMessageLevel, string, string[]]>
    >([
      ['C1-ListenerTlsPolicy', NagMessageLevel.ERROR, 'C1', ['ELB.17']],
      ['C1-HttpRedirectsOnly', NagMessageLevel.ERROR, 'C1', ['ELB.1']],
      ['C1-Hsts', NagMessageLevel.ERROR, 'C1', []],
      ['C1-CertificateKeyStrength', NagMessageLevel.ERROR, 'C1', ['ACM.2']],
      ['C1-ContainerTlsVerification', NagMessageLevel.ERROR, 'C1', []],
      ['C1-BucketTlsOnly', NagMessageLevel.ERROR, 'C1', ['S3.5']],
      ['C1-ListenerCertificateFromAcm', NagMessageLevel.WARN, 'C1', []],
      ['C1-PostgresForceTls', NagMessageLevel.ERROR, 'C1', []],
      ['C2-UserPoolMfa', NagMessageLevel.ERROR, 'C2', []],
      ['C2-UserPoolPasswordPolicy', NagMessageLevel.ERROR, 'C2', []],
      ['C2-OperatorPathsAuthenticate', NagMessageLevel.ERROR, 'C2', []],
      ['C2-NoLiteralSecrets', NagMessageLevel.ERROR, 'C2', ['ECS.8']],
      ['C3-DatabaseNotPublic', NagMessageLevel.ERROR, 'C3', ['RDS.2']],
      ['C3-DatabaseIngressFromSecurityGroups', NagMessageLevel.ERROR, 'C3', []],
      ['C3-NoOpenIngress', NagMessageLevel.ERROR, 'C3', ['EC2.18', 'EC2.19']],
      ['C3-IamNoWildcardAdmin', NagMessageLevel.ERROR, 'C3', ['IAM.1', 'IAM.21']],
      ['C3-KeyDutiesSeparated', NagMessageLevel.ERROR, 'C3', ['KMS.1', 'KMS.2']],
      ['C4-ImagePinned', NagMessageLevel.ERROR, 'C4', []],
      ['C4-FargateLatestPlatform', NagMessageLevel.WARN, 'C4', ['ECS.10']],
      ['C4-DatabaseMinorVersionUpgrades', NagMessageLevel.ERROR, 'C4', ['RDS.13', 'RDS.35']],
      ['C4-ImageScanned', NagMessageLevel.ERROR, 'C4', ['ECR.1', 'ECR.2']],
      ['C5-NoPublicIpOnTasks', NagMessageLevel.ERROR, 'C5', ['ECS.2']],
      ['C5-CustomerManagedKeys', NagMessageLevel.ERROR, 'C5', ['RDS.3', 'RDS.27']],
      ['C5-KeyRotation', NagMessageLevel.ERROR, 'C5', ['KMS.4']],
      ['C6-DatabaseBackupRetention', NagMessageLevel.ERROR, 'C6', ['RDS.11']],
      ['C6-DatabaseInBackupPlan', NagMessageLevel.ERROR, 'C6', ['RDS.26']],
      ['C6-BackupVaultProtected', NagMessageLevel.ERROR, 'C6', []],
      ['C6-BackupVaultLocked', NagMessageLevel.ERROR, 'C6', []],
      ['C6-StatefulResourcesRetained', NagMessageLevel.ERROR, 'C6', []],
      ['C7-WafLogRedaction', NagMessageLevel.ERROR, 'C7', []],
      ['C7-LogDataMasking', NagMessageLevel.ERROR, 'C7', []],
      ['C7-LogRetention', NagMessageLevel.ERROR, 'C7', []],
      ['C7-AuditLogRetentionFloor', NagMessageLevel.ERROR, 'C7', ['CloudWatch.16']],
      ['C7-LogBucketExpiry', NagMessageLevel.ERROR, 'C7', ['S3.13']],
      ['C8-EgressNamedPorts', NagMessageLevel.ERROR, 'C8', []],
      ['C8-DnsFirewallBlocks', NagMessageLevel.ERROR, 'C8', []],
      ['C9-LoadBalancerWebAcl', NagMessageLevel.ERROR, 'C9', ['ELB.16']],
      ['C9-ListenerAnswersOwnNames', NagMessageLevel.ERROR, 'C9', []],
      [
        'C10-AuditTrail',
        NagMessageLevel.ERROR,
        'C10',
        ['CloudTrail.1', 'CloudTrail.2', 'CloudTrail.4', 'CloudTrail.5'],
      ],
      ['C10-TrailEvidenceLocked', NagMessageLevel.ERROR, 'C10', ['S3.15', 'S3.22']],
      [
        'C10-CisChangeAlarms',
        NagMessageLevel.ERROR,
        'C10',
        [
          'CloudWatch.1',
          'CloudWatch.2',
          'CloudWatch.3',
          'CloudWatch.4',
          'CloudWatch.5',
          'CloudWatch.6',
          'CloudWatch.7',
          'CloudWatch.8',
          'CloudWatch.9',
          'CloudWatch.10',
          'CloudWatch.11',
          'CloudWatch.12',
          'CloudWatch.13',
          'CloudWatch.14',
        ],
      ],
      ['C10-AlarmActions', NagMessageLevel.ERROR, 'C10', ['CloudWatch.15']],
      ['C10-LoadBalancerAccessLogs', NagMessageLevel.ERROR, 'C10', ['ELB.5']],
      ['C10-VpcFlowLogs', NagMessageLevel.ERROR, 'C10', ['EC2.6']],
      ['C10-WebAclLogging', NagMessageLevel.ERROR, 'C10', ['WAF.11']],
    ]);
    for (const rule of CHECKLIST_RULES) {
      expect(rule.id.startsWith(`${rule.checklist}-`)).toBe(true);
    }
  });

  test('the default stack passes every rule', () => {
    const report = new SchedulingChecklistChecks().validateScope(defaultStack());
    expect(report.violations).toEqual([]);
  });

  test('an audit tier written with the L2 constructs the secure way passes every rule', () => {
    const stack = new Stack(undefined, 'Audit');
    cisAuditTier(stack);
    const report = new SchedulingChecklistChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  test('a database tier written with the L2 constructs the secure way passes every rule but its VPC flow log and DNS firewall', () => {
    const stack = new Stack(undefined, 'Database');
    secureDatabase(stack);
    const report = new SchedulingChecklistChecks().validateScope(stack);
    // A VPC of its own, with neither flow logs nor a DNS firewall.
    expect(report.violations.map((v) => v.ruleName).sort()).toEqual([
      'SchedulingChecklist-C10-VpcFlowLogs',
      'SchedulingChecklist-C8-DnsFirewallBlocks',
    ]);
  });

  test('every rule has compliant, non-compliant, not-applicable and token-valued fixtures, and no other', () => {
    expect(FIXTURES.map(([id]) => id).sort()).toEqual(CHECKLIST_RULES.map((r) => r.id).sort());
    for (const [id, cases] of FIXTURES) {
      const kinds = cases.map(([name]) => /^(compliant|non-compliant|not applicable|token):/.exec(name)?.[1]);
      expect({ id, kinds: [...new Set(kinds)].sort() }).toEqual({
        id,
        kinds: ['compliant', 'non-compliant', 'not applicable', 'token'],
      });
    }
  });

  describe.each(FIXTURES)('%s', (id, cases) => {
    test.each(cases)('%s', (_name, build, expected) => {
      expect(findings(id, build)).toEqual(expected);
    });
  });
});
