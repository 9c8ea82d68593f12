import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnLoggingConfiguration } from 'aws-cdk-lib/aws-wafv2';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { WAF_REDACTED_HEADERS } from '../../../private/defaults';

/**
 * C7: WAF logging leaves out the headers that carry credentials (authorization, cookie) and the query string
 * (booking links, reset tokens, email addresses). Findings name what is logged: a header, or `query-string`.
 */
export function wafLoggingRedactsCredentials(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLoggingConfiguration)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const fields = (Stack.of(node).resolve(node.redactedFields) ?? []) as Array<{
    singleHeader?: { Name?: string; name?: string };
    queryString?: unknown;
    QueryString?: unknown;
  }>;
  const redacted = fields.map((f) => (f.singleHeader?.Name ?? f.singleHeader?.name ?? '').toLowerCase());
  const missing = WAF_REDACTED_HEADERS.filter((header) => !redacted.includes(header));
  if (!fields.some((f) => f.queryString !== undefined || f.QueryString !== undefined)) {
    missing.push('query-string');
  }
  return missing.length > 0 ? missing : NagRuleCompliance.COMPLIANT;
}
