import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isSecretName } from '../../../private/secret-name-words';
import { URL_WITH_PASSWORD } from '../../../private/secret-names';

/**
 * C2: no secret is written into the template as a literal: a database master password, a Secrets Manager
 * secret value, or a container environment variable whose name says secret (or a URL with a password in it).
 * A literal secret is readable by anyone who can read the template, the cloud assembly or the stack in the
 * console, and is never rotated. Values built by CloudFormation (a `{{resolve:secretsmanager:...}}` reference, a
 * generated secret) are not literals. Findings name the property or `<container>.<variable>`.
 */
export function noLiteralSecrets(node: CfnResource): NagRuleResult {
  const findings: string[] = [];
  if (node instanceof CfnDBInstance || node instanceof CfnDBCluster) {
    if (isLiteralSecret(Stack.of(node).resolve(node.masterUserPassword))) findings.push('MasterUserPassword');
  } else if (node instanceof CfnSecret) {
    if (isLiteralSecret(Stack.of(node).resolve(node.secretString))) findings.push('SecretString');
  } else if (node instanceof CfnTaskDefinition) {
    const containers = (Stack.of(node).resolve(node.containerDefinitions) ?? []) as Array<{
      name?: string;
      environment?: Array<{ name?: unknown; value?: unknown }>;
    }>;
    for (const container of containers) {
      for (const variable of container.environment ?? []) {
        const name = String(variable.name ?? '');
        const value = variable.value;
        const literal = isLiteralSecret(value);
        if (literal && (isSecretName(name) || URL_WITH_PASSWORD.test(String(value)))) {
          findings.push(`${container.name ?? 'container'}.${name}`);
        }
      }
    }
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/** A non-empty literal string that is not a CloudFormation dynamic reference. */
function isLiteralSecret(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && !/^\{\{resolve:/.test(value);
}
