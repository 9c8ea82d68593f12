import { Stack, Token } from 'aws-cdk-lib';
import { alarmLimits } from './rules/alarm-limits';
import { albAccessLogBucketEncryption } from './rules/alb-access-log-bucket-encryption';
import { albAccessLogBucketPolicy } from './rules/alb-access-log-bucket-policy';
import { backupLifecycle } from './rules/backup-lifecycle';
import { containerMountVolumes } from './rules/container-mount-volumes';
import { eventRuleLimits } from './rules/event-rule-limits';
import { fargateTaskSize } from './rules/fargate-task-size';
import { iamManagedPolicySize } from './rules/iam-managed-policy-size';
import { iamRoleLimits } from './rules/iam-role-limits';
import { lambdaReservedConcurrency } from './rules/lambda-reserved-concurrency';
import { logGroupName } from './rules/log-group-name';
import { logGroupRetention } from './rules/log-group-retention';
import { rdsEnhancedMonitoring } from './rules/rds-enhanced-monitoring';
import { rdsPerformanceInsightsRetention } from './rules/rds-performance-insights-retention';
import { secretRotationSchedule } from './rules/secret-rotation-schedule';
import { securityGroupRuleQuota } from './rules/security-group-rule-quota';
import { topicAndQueueNames } from './rules/topic-and-queue-names';
import { wafLogDestinationName } from './rules/waf-log-destination-name';
import { CfnTemplate, DeployTimeCheck, DeployTimeContext } from './template';

export type { CfnTemplate, DeployTimeCheck, DeployTimeContext, DeployTimeFinding } from './template';

/** The AWS documentation a rule relies on: the page, and the sentence on it that states the limit. */
export interface AwsDocumentation {
  /** The page. */
  readonly url: string;
  /** The sentence (or table row) as the page words it. */
  readonly quote: string;
}

/**
 * One deploy-time rule: a limit CloudFormation or a service enforces when the stack is created or updated (or
 * when the service first delivers), which neither synth nor aws-cdk-lib's schema validation checks.
 */
export interface DeployTimeRule {
  /** Stable id, reported with every problem the rule finds. */
  readonly id: string;
  /** What AWS enforces, in a sentence. */
  readonly enforces: string;
  /** The AWS documentation the rule relies on. */
  readonly documentation: AwsDocumentation;
  /** The check. */
  readonly check: DeployTimeCheck;
}

/** A problem a rule found, with the rule and the documentation behind it. */
export interface DeployTimeProblem {
  readonly ruleId: string;
  /** Logical id of the resource at fault. */
  readonly logicalId: string;
  readonly message: string;
  /** The AWS documentation that states the limit. */
  readonly documentation: string;
}

/** Every deploy-time rule. docs/deploy-time-rules.md is tested against this table. */
export const DEPLOY_TIME_RULES: readonly DeployTimeRule[] = [
  {
    id: 'WafLogDestinationName',
    enforces: 'The log group, bucket or Firehose stream a web ACL logs to is named `aws-waf-logs-…`.',
    documentation: {
      url: 'https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingConfiguration.html',
      quote: 'The name that you give the destination must start with aws-waf-logs-.',
    },
    check: wafLogDestinationName,
  },
  {
    id: 'AlbAccessLogBucketEncryption',
    enforces:
      'A bucket that receives load balancer access logs is encrypted with SSE-S3; with SSE-KMS no log is delivered.',
    documentation: {
      url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html',
      quote: "The only server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3).",
    },
    check: albAccessLogBucketEncryption,
  },
  {
    id: 'AlbAccessLogBucketPolicy',
    enforces:
      "The access-log bucket's policy allows s3:PutObject to the Region's Elastic Load Balancing account (Regions opened before August 2022) or to logdelivery.elasticloadbalancing.amazonaws.com; another Region's account is refused.",
    documentation: {
      url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html',
      quote:
        'Your S3 bucket must have a bucket policy that grants Elastic Load Balancing permission to write the access logs to the bucket.',
    },
    check: albAccessLogBucketPolicy,
  },
  {
    id: 'RdsPerformanceInsightsRetention',
    enforces:
      'Performance Insights keeps data 7 days, a whole number of 31-day months (1 to 23), or 731 days.',
    documentation: {
      url: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html',
      quote: "If you specify a retention period that isn't valid, such as 94, Amazon RDS issues an error.",
    },
    check: rdsPerformanceInsightsRetention,
  },
  {
    id: 'RdsEnhancedMonitoring',
    enforces:
      'The Enhanced Monitoring interval is 0, 1, 5, 10, 15, 30 or 60 seconds, and a monitoring role is given exactly when it is above 0.',
    documentation: {
      url: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html',
      quote:
        'If MonitoringRoleArn is specified, then you must set MonitoringInterval to a value other than 0.',
    },
    check: rdsEnhancedMonitoring,
  },
  {
    id: 'LogGroupName',
    enforces:
      "A log group name has 1 to 512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.', '#' and does not start with `aws/`.",
    documentation: {
      url: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html',
      quote: 'Log group names can be between 1 and 512 characters long.',
    },
    check: logGroupName,
  },
  {
    id: 'LogGroupRetention',
    enforces:
      'A log retention period is one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days.',
    documentation: {
      url: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html',
      quote:
        'Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653.',
    },
    check: logGroupRetention,
  },
  {
    id: 'EventRuleLimits',
    enforces:
      "An EventBridge rule has at most 5 targets, an event pattern of at most 2,048 characters, and a name of at most 64 characters of A-Z, a-z, 0-9, '.', '-', '_'.",
    documentation: {
      url: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html',
      quote: 'Each rule can have up to five (5) targets associated with it at one time.',
    },
    check: eventRuleLimits,
  },
  {
    id: 'LambdaReservedConcurrency',
    enforces:
      "A reservation may not leave the account fewer than 100 unreserved concurrent executions; the account's figure is not in the template (new accounts can have 10 in all), so any reservation can fail creation.",
    documentation: {
      url: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html',
      quote:
        "You can reserve up to the Unreserved account concurrency value that is shown, minus 100 for functions that don't have reserved concurrency.",
    },
    check: lambdaReservedConcurrency,
  },
  {
    id: 'AlarmLimits',
    enforces:
      'A CloudWatch alarm has at most 5 actions for each state (ALARM, OK, INSUFFICIENT_DATA) and a name of 1 to 255 characters.',
    documentation: {
      url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html',
      quote: 'Array Members: Maximum number of 5 items.',
    },
    check: alarmLimits,
  },
  {
    id: 'IamRoleLimits',
    enforces:
      "A role's name has at most 64 characters, it has at most 10 managed policies (the default quota), and its inline policies add up to at most 10,240 characters without white space.",
    documentation: {
      url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
      quote: 'Role policy size cannot exceed 10,240 characters.',
    },
    check: iamRoleLimits,
  },
  {
    id: 'IamManagedPolicySize',
    enforces: 'A customer managed policy has at most 6,144 characters without white space.',
    documentation: {
      url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
      quote: 'Managed policy size cannot exceed 6,144 characters.',
    },
    check: iamManagedPolicySize,
  },
  {
    id: 'BackupLifecycle',
    enforces:
      'A recovery point that moves to cold storage is kept at least 90 more days: DeleteAfterDays ≥ MoveToColdStorageAfterDays + 90, in a rule and in each copy.',
    documentation: {
      url: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html',
      quote:
        'This value must be at least 90 days after the number of days specified in MoveToColdStorageAfterDays.',
    },
    check: backupLifecycle,
  },
  {
    id: 'SecurityGroupRuleQuota',
    enforces:
      'A security group has at most 60 inbound and 60 outbound rules (the default quota), counted separately for IPv4 and IPv6; a rule naming a group counts in both.',
    documentation: {
      url: 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html',
      quote: 'This quota is enforced separately for IPv4 rules and IPv6 rules.',
    },
    check: securityGroupRuleQuota,
  },
  {
    id: 'FargateTaskSize',
    enforces:
      'A Fargate task definition asks for one of the CPU and memory combinations Fargate offers (e.g. 1024 CPU units with 2 to 8 GB).',
    documentation: {
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html',
      quote:
        'For task definitions that specify FARGATE for the requiresCompatibilities parameter (even if EC2 is also specified), you must use one of the values in the following table.',
    },
    check: fargateTaskSize,
  },
  {
    id: 'ContainerMountVolumes',
    enforces: "Each container mount point's SourceVolume names a volume the task definition declares.",
    documentation: {
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MountPoint.html',
      quote:
        'The name of the volume to mount. Must be a volume name referenced in the name parameter of task definition volume.',
    },
    check: containerMountVolumes,
  },
  {
    id: 'SecretRotationSchedule',
    enforces:
      'A rotation schedule is 1 to 1,000 days (or at least every 4 hours with rate()), and its window fits in a UTC day and before the next rotation.',
    documentation: {
      url: 'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html',
      quote: 'The window must not extend into the next rotation window or the next UTC day.',
    },
    check: secretRotationSchedule,
  },
  {
    id: 'TopicAndQueueNames',
    enforces:
      "A topic name has 1 to 256 characters, a queue name 1 to 80, of A-Z, a-z, 0-9, '_', '-' (and the `.fifo` suffix of a FIFO one).",
    documentation: {
      url: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html',
      quote:
        'Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.',
    },
    check: topicAndQueueNames,
  },
];

/** Runs `rules` over `template` and returns every problem found, each naming its rule and documentation. */
export function findDeployTimeProblems(
  template: CfnTemplate,
  context: DeployTimeContext,
  rules: readonly DeployTimeRule[] = DEPLOY_TIME_RULES,
): DeployTimeProblem[] {
  return rules.flatMap((rule) =>
    rule
      .check(template, context)
      .map((f) => ({ ruleId: rule.id, ...f, documentation: rule.documentation.url })),
  );
}

/** What the rules may know of `stack`'s deployment: its Region, when the stack names one, and its name. */
export function deployTimeContextOf(stack: Stack): DeployTimeContext {
  return {
    ...(Token.isUnresolved(stack.region) ? {} : { region: stack.region }),
    ...(Token.isUnresolved(stack.stackName) ? {} : { stackName: stack.stackName }),
  };
}

/** The rules as the rows of docs/deploy-time-rules.md: id, what AWS enforces, the documentation and its sentence. */
export function deployTimeRulesTable(rules: readonly DeployTimeRule[] = DEPLOY_TIME_RULES): string[][] {
  return rules.map((r) => [
    `\`${r.id}\``,
    r.enforces,
    `[${new URL(r.documentation.url).pathname.split('/').pop()}](${r.documentation.url})`,
    `“${r.documentation.quote}”`,
  ]);
}
