/**
 * How each caller's request looks to IAM: its principal and the context keys it sends, per AWS's
 * documentation for that service. A key a service is not documented to send is not sent: a policy that
 * depends on it is then judged the way AWS would judge it (the condition fails), which is the point.
 */
import { AccessRequest, NamedPolicy, RequestContext } from './types';

/** The account of every negative twin's principal or source. */
export const OTHER_ACCOUNT = '999999999999';

/**
 * Where each caller's context comes from. Each entry names the AWS documentation page that says which keys the
 * service sends; the derivations cite these in every path they make.
 */
export const CONTEXT_SOURCES = {
  // SNS Developer Guide, "Key management" > "Enable compatibility between event sources from AWS services and
  // encrypted topics" (sns-key-management.html#compatibility-with-aws-services), and "Example cases for Amazon
  // SNS access control" (sns-access-policy-use-cases.html): CloudWatch's publish and its use of the topic's key
  // carry aws:SourceArn (the alarm's ARN) and aws:SourceAccount.
  cloudwatchAlarm:
    'cloudwatch.amazonaws.com sends aws:SourceArn (alarm) and aws:SourceAccount, on sns:Publish and on the topic key (SNS Developer Guide, sns-key-management.html#compatibility-with-aws-services)',
  // EventBridge User Guide, "Using resource-based policies for Amazon EventBridge" (eb-use-resource-based.html):
  // SNS, SQS and Lambda targets are called by events.amazonaws.com with aws:SourceArn (the rule) and
  // aws:SourceAccount; "Using dead-letter queues" (eb-rule-dlq.html) for the DLQ, same keys.
  eventsTarget:
    'events.amazonaws.com sends aws:SourceArn (rule) and aws:SourceAccount to the target (EventBridge User Guide, eb-use-resource-based.html, eb-rule-dlq.html)',
  // SNS Developer Guide, sns-key-management.html#compatibility-with-aws-services: for EventBridge, the KMS
  // request does not carry aws:SourceAccount, aws:SourceArn or aws:SourceOrgID.
  eventsKey:
    'events.amazonaws.com uses the target key with no aws:SourceArn/aws:SourceAccount (SNS Developer Guide, sns-key-management.html#compatibility-with-aws-services)',
  // RDS User Guide, "Granting permissions to publish notifications to an Amazon SNS topic"
  // (USER_Events.GrantingPermissions.html): aws:SourceArn is the RDS resource's ARN, with aws:SourceAccount.
  rdsEvents:
    'events.rds.amazonaws.com sends aws:SourceArn (the RDS resource) and aws:SourceAccount on sns:Publish (RDS User Guide, USER_Events.GrantingPermissions.html)',
  // No AWS page documents source keys on RDS's use of the topic key: none are sent here, so a key policy
  // that requires them fails, as it would if RDS does not send them.
  rdsEventsKey:
    'events.rds.amazonaws.com uses the topic key; no source keys are documented for that request, so none are sent (SNS Developer Guide, sns-key-management.html#compatibility-with-aws-services)',
  // CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS" (encrypt-log-data-kms.html):
  // the encryption context is kms:EncryptionContext:aws:logs:arn = the log group's ARN (without ':*').
  logsKey:
    'logs.<region>.amazonaws.com sends kms:EncryptionContext:aws:logs:arn = the log group ARN (CloudWatch Logs User Guide, encrypt-log-data-kms.html)',
  // ELB User Guide, "Enable access logs for your Application Load Balancer" (enable-access-logging.html):
  // the regional ELB account (regions before August 2022) or logdelivery.elasticloadbalancing.amazonaws.com
  // writes to <bucket>/<prefix>/AWSLogs/<account>/...; no condition keys are documented.
  loadBalancerLogs:
    'the regional Elastic Load Balancing account or logdelivery.elasticloadbalancing.amazonaws.com writes to <prefix>/AWSLogs/<account>/ (ELB User Guide, enable-access-logging.html)',
  // CloudWatch Logs User Guide, "Enable logging from AWS services" > "Logs sent to CloudWatch Logs / Amazon S3"
  // (AWS-logs-and-resource-policy.html): delivery.logs.amazonaws.com sends aws:SourceAccount and
  // aws:SourceArn (arn:aws:logs:<region>:<account>:*); S3 objects carry s3:x-amz-acl bucket-owner-full-control.
  vendedLogs:
    'delivery.logs.amazonaws.com sends aws:SourceAccount and aws:SourceArn arn:aws:logs:<region>:<account>:* (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html)',
  // VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs" (flow-logs-iam-role.html): the
  // trust policy may use aws:SourceAccount and aws:SourceArn (the flow log's ARN).
  flowLogs:
    'vpc-flow-logs.amazonaws.com assumes the delivery role with aws:SourceAccount and aws:SourceArn (flow log) (VPC User Guide, flow-logs-iam-role.html)',
  // CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail" (create-s3-bucket-policy-for-cloudtrail.html)
  // and "Configure AWS KMS key policies for CloudTrail" (create-kms-key-policy-for-cloudtrail.html):
  // aws:SourceArn is the trail's ARN, aws:SourceAccount the trail's account; the key's encryption context is
  // kms:EncryptionContext:aws:cloudtrail:arn = the trail's ARN; objects are written with bucket-owner-full-control.
  cloudtrail:
    'cloudtrail.amazonaws.com sends aws:SourceArn (trail), aws:SourceAccount, s3:x-amz-acl and kms:EncryptionContext:aws:cloudtrail:arn (CloudTrail User Guide, create-s3-bucket-policy-for-cloudtrail.html, create-kms-key-policy-for-cloudtrail.html)',
  // S3 User Guide, "Enabling Amazon S3 server access logging" (enable-server-access-logging.html):
  // logging.s3.amazonaws.com writes with aws:SourceArn (the source bucket) and aws:SourceAccount.
  s3AccessLogs:
    'logging.s3.amazonaws.com sends aws:SourceArn (source bucket) and aws:SourceAccount (S3 User Guide, enable-server-access-logging.html)',
  // A role's own calls: the principal is its session; IAM adds aws:PrincipalArn and aws:PrincipalAccount.
  // Calls another service makes for it with its credentials (SNS, Secrets Manager and RDS using a key) carry
  // kms:ViaService and kms:CallerAccount (KMS Developer Guide, conditions-kms.html); Secrets Manager adds the
  // encryption context SecretARN (Secrets Manager User Guide, security-encryption.html#security-encryption-encryption-context).
  role: 'the role session, with aws:PrincipalArn and aws:PrincipalAccount; through a service, kms:ViaService and kms:CallerAccount (KMS Developer Guide, conditions-kms.html)',
  // IAM User Guide, "The confused deputy problem": services that document source keys for AssumeRole send them;
  // ECS (task-iam-roles.html), Step Functions (procedure-create-iam-role.html), VPC flow logs
  // (flow-logs-iam-role.html) and RDS enhanced monitoring (USER_Monitoring.OS.Enabling.html) do; others are
  // given none.
  assumeRole:
    'the service principal calls sts:AssumeRole; ECS tasks, Step Functions, flow logs and RDS enhanced monitoring also send aws:SourceAccount/aws:SourceArn (IAM User Guide, confused-deputy.html)',
} as const;

/** A policy that allows everything: the identity of another account's principal in a negative twin. */
export const ANOTHER_ACCOUNTS_ADMIN: NamedPolicy = {
  name: `administrator of account ${OTHER_ACCOUNT}`,
  document: {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }],
  },
};

/** The request context of every AWS API call made over TLS. */
export function tlsContext(): RequestContext {
  return { 'aws:SecureTransport': 'true' };
}

/** The account field of an ARN (empty for S3 and IAM-global forms without one). */
export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** `arn` with its account field replaced. */
export function inAccount(arn: string, account: string): string {
  const parts = arn.split(':');
  if (parts.length < 6) return arn;
  parts[4] = account;
  return parts.join(':');
}

/** The session ARN a role's credentials are used as. */
export function sessionOf(roleArn: string): string {
  const [, partition, , , account, resource] = roleArn.split(':');
  const name = resource.slice(resource.lastIndexOf('/') + 1);
  return `arn:${partition}:sts::${account}:assumed-role/${name}/access-path`;
}

/** A request made by an AWS service principal. */
export function serviceRequest(
  service: string,
  action: string,
  resource: string,
  resourceAccount: string,
  context: RequestContext,
): AccessRequest {
  return { principal: service, action, resource, resourceAccount, context: { ...tlsContext(), ...context } };
}

/** A request made with a role's credentials. */
export function roleRequest(
  roleArn: string,
  action: string,
  resource: string,
  resourceAccount: string,
  context: RequestContext = {},
): AccessRequest {
  return {
    principal: sessionOf(roleArn),
    action,
    resource,
    resourceAccount,
    context: {
      ...tlsContext(),
      'aws:PrincipalArn': roleArn,
      'aws:PrincipalAccount': accountOf(roleArn),
      ...context,
    },
  };
}

/** The context of a KMS request a service makes with its caller's credentials. */
export function viaService(service: string, region: string, account: string): RequestContext {
  return { 'kms:ViaService': `${service}.${region}.amazonaws.com`, 'kms:CallerAccount': account };
}

/** The same request made by a principal of another account (with every permission in its own account). */
export function fromAnotherAccount(request: AccessRequest, asPrincipal = false): AccessRequest {
  const context = { ...request.context };
  for (const key of Object.keys(context)) {
    if (/^aws:sourceaccount$|^aws:principalaccount$|^kms:calleraccount$/i.test(key))
      context[key] = OTHER_ACCOUNT;
    if (/^aws:sourcearn$|^aws:principalarn$/i.test(key))
      context[key] = inAccount(String(context[key]), OTHER_ACCOUNT);
  }
  const isService = !request.principal.startsWith('arn:');
  const hasSource = Object.keys(context).some((k) => /^aws:source(account|arn)$/i.test(k));
  if (isService && hasSource && !asPrincipal) return { ...request, context };
  // Nothing in the request names the caller's account but the principal: use another account's role.
  return {
    ...request,
    principal: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Intruder/access-path`,
    context: {
      ...context,
      'aws:PrincipalArn': `arn:aws:iam::${OTHER_ACCOUNT}:role/Intruder`,
      'aws:PrincipalAccount': OTHER_ACCOUNT,
    },
  };
}

/** True when `request` is made by a principal of another account (its twin needs that account's identity). */
export function isForeignPrincipal(request: AccessRequest): boolean {
  return request.principal.startsWith('arn:') && accountOf(request.principal) === OTHER_ACCOUNT;
}
