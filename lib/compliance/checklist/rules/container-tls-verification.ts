import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { tlsVerificationProblems } from '../../../private/tls-environment';

/**
 * C1: no container environment turns certificate verification off (NODE_TLS_REJECT_UNAUTHORIZED=0, a weak
 * PGSSLMODE or sslmode=, ...). Each offending variable is its own finding, named `<container>.<variable>`.
 */
export function containerTlsVerification(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnTaskDefinition)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const containers = (Stack.of(node).resolve(node.containerDefinitions) ?? []) as Array<{
    name?: string;
    environment?: Array<{ name?: string; value?: unknown }>;
  }>;
  const findings: string[] = [];
  for (const container of containers) {
    const environment = Object.fromEntries(
      (container.environment ?? [])
        .filter((e) => typeof e.name === 'string' && typeof e.value === 'string')
        .map((e) => [e.name as string, e.value as string]),
    );
    for (const name of Object.keys(environment)) {
      if (tlsVerificationProblems({ [name]: environment[name] }, 'env').length > 0) {
        findings.push(`${container.name ?? 'container'}.${name}`);
      }
    }
  }
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
