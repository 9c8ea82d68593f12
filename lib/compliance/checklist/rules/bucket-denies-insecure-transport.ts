import { CfnResource } from 'aws-cdk-lib';
import { CfnBucket, CfnBucketPolicy } from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asList, logicalIdOf, refersTo, resourcesOfStack, statementsOf } from '../template-references';

/**
 * C1: a bucket's policy (in the same stack) denies every request not sent over TLS: a Deny statement on
 * all principals whose condition is `aws:SecureTransport` = false.
 */
export function bucketDeniesInsecureTransport(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnBucket)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const id = logicalIdOf(node);
  const denies = resourcesOfStack(node, CfnBucketPolicy)
    .filter((policy) => refersTo(policy, policy.bucket, id))
    .flatMap((policy) => statementsOf(policy, policy.policyDocument))
    .some((statement) => {
      const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
      const secure = condition?.Bool?.['aws:SecureTransport'];
      const principal = JSON.stringify(statement.Principal);
      return (
        statement.Effect === 'Deny' &&
        (principal === '"*"' || principal === '{"AWS":"*"}') &&
        asList(secure).some((v) => String(v) === 'false')
      );
    });
  return denies ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
