import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { AlertTopic } from '../audit/alert-topic';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { domainNameProblem } from '../private/domain-names';
import { Problems } from '../private/problems';
import { logDeliveryPolicy } from '../private/log-delivery';

/** What the firewall does with a query for a domain that is not allowed. */
export type DnsFirewallMode = 'BLOCK' | 'ALERT';

/**
 * Priority of the association among the rule groups of the VPC: DNS Firewall evaluates the groups from the lowest
 * number up, and CloudFormation takes values between 100 and 9900, both excluded (AWS::Route53Resolver::
 * FirewallRuleGroupAssociation, Priority). 1000 leaves room before it for an organisation's own groups
 * (Firewall Manager places its groups first or last).
 */
export const DNS_FIREWALL_ASSOCIATION_PRIORITY = 1000;
/** Priority of the rule that allows the listed domains: evaluated first. */
export const DNS_FIREWALL_ALLOW_RULE_PRIORITY = 100;
/** Priority of the rule that blocks (or alerts on) every other domain: evaluated last. */
export const DNS_FIREWALL_CATCH_ALL_RULE_PRIORITY = 1000;
/**
 * The most domains the allowed list may hold: UpdateFirewallDomains, which fills a domain list, takes at most 1,000
 * domains per request (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_UpdateFirewallDomains.html).
 * The account also has a regional quota of 100,000 domains across all its lists and 1,000 lists
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html#limits-api-entities-resolver-dns-firewall).
 */
export const MAX_ALLOWED_DOMAINS = 1000;
/** Namespace and name of the metric of blocked or alerted queries. */
export const DNS_FIREWALL_METRIC = {
  namespace: 'SecureScheduling',
  name: 'DnsFirewallBlockedQueries',
} as const;

/**
 * Docker Hub's hosts for pulling the default public image (calcom/cal.com): the registry, its token service and
 * the CDNs that serve layers, as Docker lists them for firewalls: https://docs.docker.com/desktop/setup/allow-list/
 */
export const DOCKER_HUB_DOMAINS: readonly string[] = [
  'registry-1.docker.io',
  'auth.docker.io',
  'production.cloudflare.docker.com',
  'production.cloudfront.docker.com',
  'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com',
];

export interface OutboundDnsFirewallProps {
  /** The VPC whose DNS queries are filtered: every task and function in it resolves names through its Resolver. */
  readonly vpc: ec2.IVpc;

  /**
   * Domains the app may resolve besides the AWS services the stack uses: the app's integrations. Lower-case DNS
   * names, each optionally starting with one `*.` label (`*.example.com`; whether that also matches `example.com`
   * itself is not documented, so list the apex on its own when the app calls it). No URLs, IP addresses, lone `*`
   * or trailing dots. For Cal.com, `calComIntegrationDomainNames()` gives the common integrations' hosts.
   * @default - the AWS service domains (and Docker Hub's, with `dockerHub`) only
   */
  readonly allowedDomains?: string[];

  /**
   * Whether Docker Hub's registry, token service and layer CDNs are allowed, for an image pulled from Docker Hub
   * (the default Cal.com image). Turn off when images come from ECR.
   * @default true
   */
  readonly dockerHub?: boolean;

  /**
   * `BLOCK` answers NXDOMAIN for every domain not allowed. `ALERT` lets such queries through and only logs them
   * (and raises the alarm): the rollout mode, to find what the app needs before blocking. The checklist pack reports
   * `ALERT` as not compliant (C8).
   * @default 'BLOCK'
   */
  readonly mode?: DnsFirewallMode;

  /**
   * How long the Resolver query logs are kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /** Key that encrypts the query log group: the stack's log key (`LogEncryptionKey`), which admits CloudWatch Logs. */
  readonly encryptionKey: kms.IKey;

  /**
   * Topic that hears of blocked (or, in `ALERT` mode, alerted) queries.
   * @default - the alarm has no action; it shows in the CloudWatch console only
   */
  readonly alerts?: AlertTopic;
}

/**
 * An outbound allow-list of domains for a VPC, with Route 53 Resolver DNS Firewall (checklist C8): the tasks and
 * in-VPC functions resolve only the AWS endpoints the stack uses and the app's integrations; any other name gets
 * NXDOMAIN, so a compromised task cannot reach an arbitrary host by name nor tunnel data out through DNS queries.
 * Every query is logged to an encrypted log group with a retention limit, and blocked queries raise an alarm.
 *
 * DNS Firewall filters names, not connections: a process that connects to a literal IP address is not stopped
 * here (the security groups limit ports; see docs/integrations.md).
 */
export class OutboundDnsFirewall extends Construct {
  /** The domains allowed, AWS service domains first, de-duplicated (some hold tokens of the stack's region). */
  public readonly allowedDomains: readonly string[];
  /** What happens to a query for a domain not allowed. */
  public readonly mode: DnsFirewallMode;
  /** The list of allowed domains. */
  public readonly allowedDomainList: route53resolver.CfnFirewallDomainList;
  /** The list that matches every domain (`*`), for the last rule. */
  public readonly everyDomainList: route53resolver.CfnFirewallDomainList;
  /** The rule group: allow the list, then block (or alert on) everything else. */
  public readonly ruleGroup: route53resolver.CfnFirewallRuleGroup;
  /** The rule group's association with the VPC, protected against changes. */
  public readonly association: route53resolver.CfnFirewallRuleGroupAssociation;
  /** Log group of the VPC's Resolver query logs (every query, and the firewall's action on it). */
  public readonly queryLogGroup: logs.LogGroup;
  /** The query logging configuration that writes to `queryLogGroup`. */
  public readonly queryLogging: route53resolver.CfnResolverQueryLoggingConfig;
  /** The query logging configuration's association with the VPC. */
  public readonly queryLoggingAssociation: route53resolver.CfnResolverQueryLoggingConfigAssociation;
  /** Counts the queries the firewall blocked or alerted on. */
  public readonly blockedQueriesFilter: logs.MetricFilter;
  /** Raised when a query was blocked (or alerted on): a missing integration, or something worth a look. */
  public readonly blockedQueriesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OutboundDnsFirewallProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.mode = props.mode ?? 'BLOCK';
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    const userDomains = props.allowedDomains ?? [];

    const problems = new Problems();
    for (const domain of userDomains) {
      if (Token.isUnresolved(domain)) continue;
      const problem = domainNameProblem(domain);
      problems.check(
        problem !== undefined,
        `\`allowedDomains\` must hold lower-case DNS names, each optionally starting with '*.', got '${domain}': ${problem}`,
      );
    }
    problems.check(
      !['BLOCK', 'ALERT'].includes(this.mode),
      `\`mode\` must be 'BLOCK' or 'ALERT', got '${this.mode}'`,
    );
    problems.retention('logRetention', logRetention);
    const builtIn = uniqueDomains(stack, [
      ...awsServiceDomains(stack),
      ...((props.dockerHub ?? true) ? DOCKER_HUB_DOMAINS : []),
    ]);
    const domains = uniqueDomains(stack, [...builtIn, ...userDomains]);
    problems.check(
      domains.length > MAX_ALLOWED_DOMAINS,
      `\`allowedDomains\` must hold at most ${MAX_ALLOWED_DOMAINS - builtIn.length} distinct domains (one domain list takes ${MAX_ALLOWED_DOMAINS}, ${builtIn.length} of them the built-in AWS and registry domains), got ${domains.length - builtIn.length}`,
    );
    problems.throwIfAny(this);
    this.allowedDomains = domains;

    this.allowedDomainList = new route53resolver.CfnFirewallDomainList(this, 'AllowedDomains', {
      domains: [...domains],
    });
    this.everyDomainList = new route53resolver.CfnFirewallDomainList(this, 'EveryDomain', {
      // The documented way to match every query: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-getting-started.html
      domains: ['*'],
    });
    this.ruleGroup = new route53resolver.CfnFirewallRuleGroup(this, 'RuleGroup', {
      firewallRules: [
        {
          priority: DNS_FIREWALL_ALLOW_RULE_PRIORITY,
          action: 'ALLOW',
          firewallDomainListId: this.allowedDomainList.attrId,
          // The allowed providers answer through CNAME chains into their CDNs (names nobody can list in advance);
          // trusting the chain of an allowed name keeps the catch-all rule from blocking its next hops. The default,
          // INSPECT_REDIRECTION_DOMAIN, would need every name of the chain in the list:
          // https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_FirewallRule.html
          firewallDomainRedirectionAction: 'TRUST_REDIRECTION_DOMAIN',
        },
        this.mode === 'BLOCK'
          ? {
              priority: DNS_FIREWALL_CATCH_ALL_RULE_PRIORITY,
              action: 'BLOCK',
              // The name "doesn't exist": the app logs a resolution error (ENOTFOUND) naming the host.
              blockResponse: 'NXDOMAIN',
              firewallDomainListId: this.everyDomainList.attrId,
            }
          : {
              priority: DNS_FIREWALL_CATCH_ALL_RULE_PRIORITY,
              action: 'ALERT',
              firewallDomainListId: this.everyDomainList.attrId,
            },
      ],
    });
    this.association = new route53resolver.CfnFirewallRuleGroupAssociation(this, 'Association', {
      firewallRuleGroupId: this.ruleGroup.attrId,
      vpcId: props.vpc.vpcId,
      priority: DNS_FIREWALL_ASSOCIATION_PRIORITY,
      // The association cannot be changed or removed until this is turned off first: an outage of the
      // allow-list takes two deliberate, logged changes.
      mutationProtection: 'ENABLED',
    });

    this.queryLogGroup = new logs.LogGroup(this, 'QueryLogGroup', {
      retention: logRetention,
      // The stack's log key admits CloudWatch Logs for the log groups of this account and region
      // (LogEncryptionKey): https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Resolver query logs reach CloudWatch Logs through the log delivery service (Resolver's service-linked role
    // holds logs:CreateLogDelivery: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/Route53ResolverServiceRolePolicy.html),
    // which writes only to a log group whose resource policy admits it.
    const { policy: deliveryPolicy, logGroupArn } = logDeliveryPolicy(
      this,
      'QueryLogDeliveryPolicy',
      this.queryLogGroup.logGroupName,
    );
    this.queryLogging = new route53resolver.CfnResolverQueryLoggingConfig(this, 'QueryLogging', {
      destinationArn: logGroupArn,
    });
    this.queryLogging.node.addDependency(deliveryPolicy);
    this.queryLoggingAssociation = new route53resolver.CfnResolverQueryLoggingConfigAssociation(
      this,
      'QueryLoggingAssociation',
      { resolverQueryLogConfigId: this.queryLogging.attrId, resourceId: props.vpc.vpcId },
    );

    // A query log entry carries firewall_rule_action only when a rule with action ALERT or BLOCK matched it:
    // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs-format.html
    this.blockedQueriesFilter = new logs.MetricFilter(this, 'BlockedQueriesFilter', {
      logGroup: this.queryLogGroup,
      filterPattern: logs.FilterPattern.any(
        logs.FilterPattern.stringValue('$.firewall_rule_action', '=', 'BLOCK'),
        logs.FilterPattern.stringValue('$.firewall_rule_action', '=', 'ALERT'),
      ),
      metricNamespace: DNS_FIREWALL_METRIC.namespace,
      metricName: DNS_FIREWALL_METRIC.name,
      metricValue: '1',
    });
    this.blockedQueriesAlarm = new cloudwatch.Alarm(this, 'BlockedQueriesAlarm', {
      alarmDescription:
        this.mode === 'BLOCK'
          ? 'The DNS firewall blocked a query from the VPC (NXDOMAIN): an integration missing from `allowedDomains`, or a task trying to reach a host it should not. Find the names in the Resolver query log group (docs/integrations.md).'
          : 'The DNS firewall (ALERT mode) saw a query for a domain not allowed: add it to `allowedDomains` if the app needs it, before switching to BLOCK. Find the names in the Resolver query log group (docs/integrations.md).',
      metric: this.blockedQueriesFilter.metric({
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No blocked query publishes no data point: the quiet, healthy state.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    props.alerts?.notify(this.blockedQueriesAlarm);
  }
}

/**
 * The AWS endpoints the stack's tasks and in-VPC functions call, in the stack's region, the same services the
 * network's interface endpoints cover (SchedulingNetwork):
 * - ECR, for an image in ECR: the API (authorisation token), the account's registry, and the bucket its layers
 *   are downloaded from (`prod-<region>-starport-layer-bucket`, which AWS names for S3 gateway endpoint policies:
 *   https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway);
 * - Secrets Manager: task secrets at start, and the password rotation function;
 * - CloudWatch Logs: the tasks' awslogs driver;
 * - the region's RDS endpoints (`<instance>.<id>.<region>.rds.amazonaws.com`): the database's host name;
 * - the RDS and AWS Backup APIs: the restore validation function finds the restored copy and reports its verdict;
 * - the ACM and SNS APIs: the certificate monitor describes the certificates and publishes its findings.
 * Not `*.amazonaws.com`, nor `*.s3.<region>.amazonaws.com`: either would let a compromised task reach any bucket
 * of any account, the easiest way to carry data out. No STS: task credentials come from the ECS credentials
 * endpoint (an IP address, no DNS), and nothing in the VPC assumes a role.
 */
export function awsServiceDomains(stack: Stack): string[] {
  const { region, account, urlSuffix } = stack;
  return [
    `api.ecr.${region}.${urlSuffix}`,
    `${account}.dkr.ecr.${region}.${urlSuffix}`,
    `prod-${region}-starport-layer-bucket.s3.${region}.${urlSuffix}`,
    `secretsmanager.${region}.${urlSuffix}`,
    `logs.${region}.${urlSuffix}`,
    `*.${region}.rds.${urlSuffix}`,
    `rds.${region}.${urlSuffix}`,
    `backup.${region}.${urlSuffix}`,
    `acm.${region}.${urlSuffix}`,
    `sns.${region}.${urlSuffix}`,
  ];
}

/** `domains` without repeats, in first-seen order; values with tokens compare by what they resolve to. */
function uniqueDomains(stack: Stack, domains: readonly string[]): string[] {
  const seen = new Set<string>();
  return domains.filter((domain) => {
    const key = JSON.stringify(stack.resolve(domain));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
