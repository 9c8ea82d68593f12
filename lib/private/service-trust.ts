import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Services whose documentation says they send `aws:SourceAccount` and `aws:SourceArn` when they assume a role
 * (the cross-service confused deputy problem, IAM User Guide: confused-deputy.html), with the source ARN of
 * this stack's resources they act for. A service not listed here sends neither key in its `sts:AssumeRole`
 * request, or does not document it, so a condition on them would lock the service out; its role is trusted by
 * the service principal alone, and `iam:PassRole` keeps other accounts from naming the role.
 */
const SOURCE_ARNS = {
  // VPC User Guide, flow-logs-iam-role.html: "The source account is the owner of the flow log and the source
  // ARN is the flow log ARN."
  'vpc-flow-logs.amazonaws.com': (s: Stack) =>
    `arn:${s.partition}:ec2:${s.region}:${s.account}:vpc-flow-log/*`,
  // RDS User Guide, USER_Monitoring.OS.Enabling.html#USER_Monitoring.OS.confused-deputy: the source ARN is the
  // DB instance's (for Aurora, each instance of the cluster).
  'monitoring.rds.amazonaws.com': (s: Stack) => `arn:${s.partition}:rds:${s.region}:${s.account}:db:*`,
  // ECS Developer Guide, task-iam-roles.html: the source ARN is the task's, `arn:aws:ecs:region:account:*`.
  'ecs-tasks.amazonaws.com': (s: Stack) => `arn:${s.partition}:ecs:${s.region}:${s.account}:*`,
  // Step Functions Developer Guide, procedure-create-iam-role.html (confused deputy prevention): the source ARN
  // is the state machine's.
  'states.amazonaws.com': (s: Stack) => `arn:${s.partition}:states:${s.region}:${s.account}:stateMachine:*`,
} as const;

export type SourceScopedService = keyof typeof SOURCE_ARNS;

/**
 * The service principal `service`, allowed to assume a role only while acting for a resource of this stack's
 * account and region: `aws:SourceAccount` equal to the account, `aws:SourceArn` like the service's resources
 * in the region (checklist C3).
 */
export function sourceScopedPrincipal(scope: IConstruct, service: SourceScopedService): iam.IPrincipal {
  const stack = Stack.of(scope);
  return new iam.ServicePrincipal(service).withConditions({
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': SOURCE_ARNS[service](stack) },
  });
}
