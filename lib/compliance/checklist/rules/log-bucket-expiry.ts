import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { CfnFlowLog } from 'aws-cdk-lib/aws-ec2';
import { CfnLoadBalancer } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { logicalIdOf, refersTo, resolved, resourcesOfStack } from '../template-references';

interface LifecycleRule {
  status?: string;
  expirationInDays?: unknown;
  expirationDate?: unknown;
}

/**
 * C7: a log bucket expires its objects through a lifecycle rule, so request logs (client IPs, URLs) are not
 * kept forever. A log bucket is one of this stack that receives S3 server access logs, load balancer access
 * logs, VPC flow logs or a CloudTrail trail's files.
 */
export function logBucketExpiry(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnBucket)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const id = logicalIdOf(node);
  const receivesLogs =
    resourcesOfStack(node, CfnBucket).some((b) => refersTo(b, b.loggingConfiguration, id)) ||
    resourcesOfStack(node, CfnLoadBalancer).some((lb) =>
      (
        resolved<Array<{ key?: string; value?: unknown }> | undefined>(lb, lb.loadBalancerAttributes) ?? []
      ).some((a) => a.key === 'access_logs.s3.bucket' && refersTo(lb, a.value, id)),
    ) ||
    resourcesOfStack(node, CfnTrail).some((t) => refersTo(t, t.s3BucketName, id)) ||
    resourcesOfStack(node, CfnFlowLog).some((f) => refersTo(f, f.logDestination, id));
  if (!receivesLogs) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const rules =
    (Stack.of(node).resolve(node.lifecycleConfiguration) as { rules?: LifecycleRule[] } | undefined)?.rules ??
    [];
  const expires = rules.some(
    (r) => r.status === 'Enabled' && (r.expirationInDays !== undefined || r.expirationDate !== undefined),
  );
  return expires ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
