/**
 * The CIS AWS Foundations Benchmark's monitoring set (section 4, "ensure a log metric filter and alarm exist
 * for ..."), as the checklist pack recognises it in a metric filter pattern. A pattern serves a category when
 * it holds every term of the category, whatever its spacing, quoting and order: the benchmark's own versions
 * (and Security Hub's CloudWatch controls) differ in those, and a stricter pattern that adds conditions still
 * catches what the benchmark asks for. Terms are written without spaces or double quotes.
 */
export interface CisMetricFilterCategory {
  /** Short id, used as the finding name: `iam-policy-changes`. */
  readonly id: string;
  /** What the alarm tells, in words a reviewer knows. */
  readonly title: string;
  /** The Security Hub control that checks the same filter and alarm, where one exists. */
  readonly securityHubControl?: string;
  /** Terms the pattern must hold, each `$.<field><operator><value>`. */
  readonly terms: readonly string[];
}

const events = (...names: string[]) => names.map((name) => `$.eventName=${name}`);

/** The fifteen categories of the benchmark, in its order. */
export const CIS_METRIC_FILTER_CATEGORIES: readonly CisMetricFilterCategory[] = [
  {
    id: 'unauthorized-api-calls',
    title: 'unauthorized API calls',
    securityHubControl: 'CloudWatch.2',
    terms: ['$.errorCode=*UnauthorizedOperation', '$.errorCode=AccessDenied*'],
  },
  {
    id: 'console-sign-in-without-mfa',
    title: 'console sign-in without MFA',
    securityHubControl: 'CloudWatch.3',
    terms: ['$.eventName=ConsoleLogin', '$.additionalEventData.MFAUsed!=Yes'],
  },
  {
    id: 'root-account-usage',
    title: 'use of the root account',
    securityHubControl: 'CloudWatch.1',
    terms: ['$.userIdentity.type=Root', '$.userIdentity.invokedByNOTEXISTS', '$.eventType!=AwsServiceEvent'],
  },
  {
    id: 'iam-policy-changes',
    title: 'IAM policy changes',
    securityHubControl: 'CloudWatch.4',
    terms: events(
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    ),
  },
  {
    id: 'cloudtrail-changes',
    title: 'CloudTrail configuration changes',
    securityHubControl: 'CloudWatch.5',
    terms: events('CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'),
  },
  {
    id: 'console-sign-in-failures',
    title: 'console sign-in failures',
    securityHubControl: 'CloudWatch.6',
    terms: ['$.eventName=ConsoleLogin', '$.errorMessage=Failedauthentication'],
  },
  {
    id: 'key-disable-or-deletion',
    title: 'disabling or scheduled deletion of customer-managed keys',
    securityHubControl: 'CloudWatch.7',
    terms: ['$.eventSource=kms.amazonaws.com', ...events('DisableKey', 'ScheduleKeyDeletion')],
  },
  {
    id: 's3-bucket-policy-changes',
    title: 'S3 bucket policy changes',
    securityHubControl: 'CloudWatch.8',
    terms: [
      '$.eventSource=s3.amazonaws.com',
      ...events(
        'PutBucketAcl',
        'PutBucketPolicy',
        'PutBucketCors',
        'PutBucketLifecycle',
        'PutBucketReplication',
        'DeleteBucketPolicy',
        'DeleteBucketCors',
        'DeleteBucketLifecycle',
        'DeleteBucketReplication',
      ),
    ],
  },
  {
    id: 'config-changes',
    title: 'AWS Config configuration changes',
    securityHubControl: 'CloudWatch.9',
    terms: [
      '$.eventSource=config.amazonaws.com',
      ...events(
        'StopConfigurationRecorder',
        'DeleteDeliveryChannel',
        'PutDeliveryChannel',
        'PutConfigurationRecorder',
      ),
    ],
  },
  {
    id: 'security-group-changes',
    title: 'security group changes',
    securityHubControl: 'CloudWatch.10',
    terms: events(
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'CreateSecurityGroup',
      'DeleteSecurityGroup',
    ),
  },
  {
    id: 'network-acl-changes',
    title: 'network ACL changes',
    securityHubControl: 'CloudWatch.11',
    terms: events(
      'CreateNetworkAcl',
      'CreateNetworkAclEntry',
      'DeleteNetworkAcl',
      'DeleteNetworkAclEntry',
      'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
    ),
  },
  {
    id: 'network-gateway-changes',
    title: 'network gateway changes',
    securityHubControl: 'CloudWatch.12',
    terms: events(
      'CreateCustomerGateway',
      'DeleteCustomerGateway',
      'AttachInternetGateway',
      'CreateInternetGateway',
      'DeleteInternetGateway',
      'DetachInternetGateway',
    ),
  },
  {
    id: 'route-table-changes',
    title: 'route table changes',
    securityHubControl: 'CloudWatch.13',
    terms: events(
      'CreateRoute',
      'CreateRouteTable',
      'ReplaceRoute',
      'ReplaceRouteTableAssociation',
      'DeleteRouteTable',
      'DeleteRoute',
      'DisassociateRouteTable',
    ),
  },
  {
    id: 'vpc-changes',
    title: 'VPC changes',
    securityHubControl: 'CloudWatch.14',
    terms: events(
      'CreateVpc',
      'DeleteVpc',
      'ModifyVpcAttribute',
      'AcceptVpcPeeringConnection',
      'CreateVpcPeeringConnection',
      'DeleteVpcPeeringConnection',
      'RejectVpcPeeringConnection',
      'AttachClassicLinkVpc',
      'DetachClassicLinkVpc',
      'DisableVpcClassicLink',
      'EnableVpcClassicLink',
    ),
  },
  {
    id: 'organizations-changes',
    title: 'AWS Organizations changes',
    terms: [
      '$.eventSource=organizations.amazonaws.com',
      ...events(
        'AcceptHandshake',
        'AttachPolicy',
        'CreateAccount',
        'CreateOrganizationalUnit',
        'CreatePolicy',
        'DeclineHandshake',
        'DeleteOrganization',
        'DeleteOrganizationalUnit',
        'DeletePolicy',
        'DetachPolicy',
        'DisablePolicyType',
        'EnablePolicyType',
        'InviteAccountToOrganization',
        'LeaveOrganization',
        'MoveAccount',
        'RemoveAccountFromOrganization',
        'UpdatePolicy',
        'UpdateOrganizationalUnit',
      ),
    ],
  },
];

/** Whether `pattern` (a CloudWatch Logs filter pattern) holds every term of `category`. */
export function patternServes(pattern: string, category: CisMetricFilterCategory): boolean {
  const compact = pattern.replace(/[\s"]/g, '');
  return category.terms.every((term) =>
    // A term must end where a name ends: `CreateRoute` is not found in `CreateRouteTable`.
    new RegExp(`${escape(term)}(?![A-Za-z0-9])`).test(compact),
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
