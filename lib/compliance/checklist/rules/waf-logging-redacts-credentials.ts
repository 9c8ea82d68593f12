import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnLoggingConfiguration } from 'aws-cdk-lib/aws-wafv2';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { WAF_REDACTED_HEADERS } from '../../../private/defaults';

/** C7: WAF logging leaves out the headers that carry credentials (authorization, cookie). */
export function wafLoggingRedactsCredentials(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLoggingConfiguration)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const fields = (Stack.of(node).resolve(node.redactedFields) ?? []) as Array<{
    singleHeader?: { Name?: string; name?: string };
  }>;
  const redacted = fields.map((f) => (f.singleHeader?.Name ?? f.singleHeader?.name ?? '').toLowerCase());
  const missing = WAF_REDACTED_HEADERS.filter((header) => !redacted.includes(header));
  return missing.length > 0 ? missing : NagRuleCompliance.COMPLIANT;
}
