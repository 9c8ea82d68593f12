import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Problems } from '../private/problems';
import { AlertTopic } from './alert-topic';
import { TRAIL_BUCKET_DATA_EVENTS } from './audit-trail';

/*
 * The filter patterns of CIS AWS Foundations Benchmark section 4 (v1.4.0 and v3.0.0; section 3 in v1.2.0),
 * verbatim as AWS Security Hub's CloudWatch.1-14 controls state them, so that those controls pass. Security
 * Hub compares a metric filter's pattern with these texts: do not reformat them.
 */

/** CIS 4.1, CloudWatch.2: unauthorized API calls. */
export const CIS_UNAUTHORIZED_API_CALLS =
  '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}';
/** CIS 4.2, CloudWatch.3: Management Console sign-in without MFA. */
export const CIS_CONSOLE_SIGN_IN_WITHOUT_MFA =
  '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }';
/** CIS 4.3, CloudWatch.1: use of the root user. */
export const CIS_ROOT_USAGE =
  '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';
/** CIS 4.4, CloudWatch.4: IAM policy changes. */
export const CIS_IAM_POLICY_CHANGES =
  '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}';
/** CIS 4.5, CloudWatch.5: CloudTrail configuration changes. */
export const CIS_CLOUDTRAIL_CHANGES =
  '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}';
/** CIS 4.6, CloudWatch.6: Management Console authentication failures. */
export const CIS_CONSOLE_AUTHENTICATION_FAILURES =
  '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}';
/** CIS 4.7, CloudWatch.7: disabling or scheduled deletion of customer managed keys. */
export const CIS_CMK_DISABLED_OR_DELETED =
  '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}';
/** CIS 4.8, CloudWatch.8: S3 bucket policy changes. */
export const CIS_S3_BUCKET_POLICY_CHANGES =
  '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}';
/** CIS 4.9, CloudWatch.9: AWS Config configuration changes. */
export const CIS_CONFIG_CHANGES =
  '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}';
/** CIS 4.10, CloudWatch.10: security group changes. */
export const CIS_SECURITY_GROUP_CHANGES =
  '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}';
/** CIS 4.11, CloudWatch.11: network ACL changes. */
export const CIS_NACL_CHANGES =
  '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}';
/** CIS 4.12, CloudWatch.12: network gateway changes. */
export const CIS_NETWORK_GATEWAY_CHANGES =
  '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}';
/** CIS 4.13, CloudWatch.13: route table changes. */
export const CIS_ROUTE_TABLE_CHANGES =
  '{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}';
/** CIS 4.14, CloudWatch.14: VPC changes. */
export const CIS_VPC_CHANGES =
  '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}';
/** CIS 4.15 (v1.4.0 and later): AWS Organizations changes. */
export const CIS_ORGANIZATIONS_CHANGES =
  '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }';

/** One CIS change category: its construct id, metric name, benchmark item, Security Hub control and pattern. */
export interface CisChangeCategory {
  /** Construct id and metric name, e.g. `RootUsage`. */
  readonly name: string;
  /** The benchmark's item, e.g. `4.3`. */
  readonly cis: string;
  /** The Security Hub control that checks it, where one does. */
  readonly securityHubControl?: string;
  /** What the alarm means, for its description. */
  readonly description: string;
  /** The metric filter's pattern, verbatim. */
  readonly pattern: string;
}

/** Every change category of CIS AWS Foundations section 4, in the benchmark's order. */
export const CIS_CHANGE_CATEGORIES: readonly CisChangeCategory[] = [
  {
    name: 'UnauthorizedApiCalls',
    cis: '4.1',
    securityHubControl: 'CloudWatch.2',
    description: 'API calls were denied (unauthorized or access denied)',
    pattern: CIS_UNAUTHORIZED_API_CALLS,
  },
  {
    name: 'ConsoleSignInWithoutMfa',
    cis: '4.2',
    securityHubControl: 'CloudWatch.3',
    description: 'someone signed in to the console without MFA',
    pattern: CIS_CONSOLE_SIGN_IN_WITHOUT_MFA,
  },
  {
    name: 'RootUsage',
    cis: '4.3',
    securityHubControl: 'CloudWatch.1',
    description: 'the root user was used',
    pattern: CIS_ROOT_USAGE,
  },
  {
    name: 'IamPolicyChanges',
    cis: '4.4',
    securityHubControl: 'CloudWatch.4',
    description: 'an IAM policy was changed',
    pattern: CIS_IAM_POLICY_CHANGES,
  },
  {
    name: 'CloudTrailChanges',
    cis: '4.5',
    securityHubControl: 'CloudWatch.5',
    description: 'a CloudTrail trail was created, changed, stopped or deleted',
    pattern: CIS_CLOUDTRAIL_CHANGES,
  },
  {
    name: 'ConsoleAuthenticationFailures',
    cis: '4.6',
    securityHubControl: 'CloudWatch.6',
    description: 'console sign-ins failed',
    pattern: CIS_CONSOLE_AUTHENTICATION_FAILURES,
  },
  {
    name: 'KeyDisabledOrDeleted',
    cis: '4.7',
    securityHubControl: 'CloudWatch.7',
    description: 'a customer managed KMS key was disabled or scheduled for deletion',
    pattern: CIS_CMK_DISABLED_OR_DELETED,
  },
  {
    name: 'S3BucketPolicyChanges',
    cis: '4.8',
    securityHubControl: 'CloudWatch.8',
    description: 'an S3 bucket policy, ACL, CORS, lifecycle or replication setting was changed',
    pattern: CIS_S3_BUCKET_POLICY_CHANGES,
  },
  {
    name: 'ConfigChanges',
    cis: '4.9',
    securityHubControl: 'CloudWatch.9',
    description: 'AWS Config recording or delivery was changed or stopped',
    pattern: CIS_CONFIG_CHANGES,
  },
  {
    name: 'SecurityGroupChanges',
    cis: '4.10',
    securityHubControl: 'CloudWatch.10',
    description: 'a security group was created, changed or deleted',
    pattern: CIS_SECURITY_GROUP_CHANGES,
  },
  {
    name: 'NetworkAclChanges',
    cis: '4.11',
    securityHubControl: 'CloudWatch.11',
    description: 'a network ACL was created, changed or deleted',
    pattern: CIS_NACL_CHANGES,
  },
  {
    name: 'NetworkGatewayChanges',
    cis: '4.12',
    securityHubControl: 'CloudWatch.12',
    description: 'an internet or customer gateway was created, attached, detached or deleted',
    pattern: CIS_NETWORK_GATEWAY_CHANGES,
  },
  {
    name: 'RouteTableChanges',
    cis: '4.13',
    securityHubControl: 'CloudWatch.13',
    description: 'a route or route table was created, changed or deleted',
    pattern: CIS_ROUTE_TABLE_CHANGES,
  },
  {
    name: 'VpcChanges',
    cis: '4.14',
    securityHubControl: 'CloudWatch.14',
    description: 'a VPC or VPC peering was created, changed or deleted',
    pattern: CIS_VPC_CHANGES,
  },
  {
    name: 'OrganizationsChanges',
    cis: '4.15',
    description: 'the AWS Organizations setup was changed',
    pattern: CIS_ORGANIZATIONS_CHANGES,
  },
];

/**
 * What erases or unlocks the audit trail's own log files, in the style of the CIS patterns: the data events
 * the trail records on its bucket (`DeleteObject`, `DeleteObjects`, `PutObjectRetention`,
 * `PutObjectLegalHold`) and the management events that loosen the bucket's lock or versioning
 * (`PutObjectLockConfiguration`, `PutBucketVersioning`). Bucket policy and lifecycle changes are CIS 4.8's.
 */
export const TRAIL_EVIDENCE_EVENTS: readonly string[] = [
  ...TRAIL_BUCKET_DATA_EVENTS,
  'PutObjectLockConfiguration',
  'PutBucketVersioning',
];

/** The metric filter pattern of changes to the evidence in `bucketName` (a name or a token). */
export function trailEvidencePattern(bucketName: string): string {
  const names = TRAIL_EVIDENCE_EVENTS.map((name) => `($.eventName = ${name})`).join(' || ');
  return `{ ($.eventSource = s3.amazonaws.com) && ($.requestParameters.bucketName = "${bucketName}") && (${names}) }`;
}

/** Namespace of the metrics the CIS metric filters publish. */
export const CIS_METRIC_NAMESPACE = 'SecureScheduling/CIS';

export interface CisAlarmsProps {
  /** The log group a CloudTrail trail of this account delivers management events to. */
  readonly logGroup: logs.ILogGroup;
  /** Topic the alarms notify, in ALARM and back to OK. */
  readonly alerts: AlertTopic;
  /**
   * Namespace of the metrics. Give each stack of an account its own when several watch the same trail.
   * @default 'SecureScheduling/CIS'
   */
  readonly metricNamespace?: string;
}

/**
 * A metric filter and an alarm for each change category of CIS AWS Foundations section 4 (checklist C10):
 * any one matching event in five minutes raises the alarm, which notifies the alert topic.
 */
export class CisAlarms extends Construct {
  /** The metric filters, by category name. */
  public readonly metricFilters: Readonly<Record<string, logs.MetricFilter>>;
  /** The alarms, by category name. */
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  private readonly logGroup: logs.ILogGroup;
  private readonly alerts: AlertTopic;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: CisAlarmsProps) {
    super(scope, id);
    const namespace = props.metricNamespace ?? CIS_METRIC_NAMESPACE;
    this.logGroup = props.logGroup;
    this.alerts = props.alerts;
    this.namespace = namespace;
    const problems = new Problems();
    problems.check(
      !Token.isUnresolved(namespace) &&
        (!/^[A-Za-z0-9._/#:-]{1,255}$/.test(namespace) || /^AWS\//i.test(namespace)),
      `\`metricNamespace\` must be 1 to 255 letters, digits or '.-_/#:', not starting with 'AWS/' (reserved for AWS services), got '${namespace}'`,
    );
    problems.throwIfAny(this);
    const metricFilters: Record<string, logs.MetricFilter> = {};
    const alarms: Record<string, cloudwatch.Alarm> = {};
    for (const category of CIS_CHANGE_CATEGORIES) {
      const filter = new logs.MetricFilter(this, `${category.name}Filter`, {
        logGroup: props.logGroup,
        // Security Hub compares the pattern text, so it goes in exactly as the benchmark writes it.
        filterPattern: { logPatternString: category.pattern },
        metricNamespace: namespace,
        metricName: category.name,
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(this, category.name, {
        alarmDescription: `CIS ${category.cis}: ${category.description}. Look up the events in the trail's log group.`,
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      props.alerts.notify(alarm);
      metricFilters[category.name] = filter;
      alarms[category.name] = alarm;
    }
    this.metricFilters = metricFilters;
    this.alarms = alarms;
  }

  /**
   * Adds the `TrailEvidenceChanges` filter and alarm: a log file of the trail bucket `bucketName` was deleted,
   * its lock or legal hold changed, or the bucket's Object Lock or versioning configuration changed (checklist
   * C10). The data events come only from a trail that records them on that bucket (`AuditTrail` does).
   * Returns the alarm.
   */
  public watchTrailBucket(bucketName: string): cloudwatch.Alarm {
    const name = 'TrailEvidenceChanges';
    const filter = new logs.MetricFilter(this, `${name}Filter`, {
      logGroup: this.logGroup,
      filterPattern: { logPatternString: trailEvidencePattern(bucketName) },
      metricNamespace: this.namespace,
      metricName: name,
      metricValue: '1',
    });
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmDescription:
        "Audit evidence: a log file of the trail's bucket was deleted or its lock changed, or the bucket's Object Lock or versioning changed. Look up the events in the trail's log group; expected only once, when a deployment turns Object Lock on in place.",
      metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alerts.notify(alarm);
    return alarm;
  }
}
