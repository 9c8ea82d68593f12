import { CfnResource } from 'aws-cdk-lib';
import { CfnGroup, CfnManagedPolicy, CfnPolicy, CfnRole, CfnUser } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asList, resolved, statementsOf } from '../template-references';

/**
 * C3: no IAM policy statement allows a wildcard action (`*` or `<service>:*`) on every resource (`*`): that is
 * administrator access to a service, or to the account. Applies to managed and inline policies, and to the
 * inline policies of roles, users and groups.
 */
export function iamNoWildcardAdmin(node: CfnResource): NagRuleResult {
  let documents: unknown[];
  if (node instanceof CfnPolicy || node instanceof CfnManagedPolicy) {
    documents = [node.policyDocument];
  } else if (node instanceof CfnRole || node instanceof CfnUser || node instanceof CfnGroup) {
    const policies = resolved<Array<{ policyDocument?: unknown }> | undefined>(node, node.policies) ?? [];
    documents = policies.map((p) => p.policyDocument);
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const admin = documents
    .flatMap((document) => statementsOf(node, document))
    .some(
      (statement) =>
        statement.Effect === 'Allow' &&
        asList(statement.Action).some((action) => typeof action === 'string' && /(^|:)\*$/.test(action)) &&
        asList(statement.Resource).some((resource) => resource === '*'),
    );
  return admin ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
