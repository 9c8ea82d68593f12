import { CfnResource } from 'aws-cdk-lib';
import { CfnService, CfnTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration } from 'aws-cdk-lib/aws-wafv2';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { dataIdentifierName, REQUIRED_MASKED_DATA_IDENTIFIER } from '../../../private/log-data-identifiers';
import { asList, logicalIdOf, refersTo, resolved, resourcesOfStack } from '../template-references';

/**
 * C7: a log group that receives the app's logs (a task definition run by a service behind a load balancer) or
 * WAF's logs carries a data protection policy that masks email addresses: a statement with
 * `Operation.Deidentify.MaskConfig` whose `DataIdentifier` holds the managed `EmailAddress` identifier.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data-start.html
 */
export function logDataMasking(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLogGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const id = logicalIdOf(node);
  const wafLogs = resourcesOfStack(node, CfnLoggingConfiguration).some((c) =>
    refersTo(c, c.logDestinationConfigs, id),
  );
  if (!wafLogs && !receivesAppLogs(node, id)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const policy = resolved<{ Statement?: unknown } | undefined>(node, node.dataProtectionPolicy);
  const masks = asList(policy?.Statement).some((s) => {
    const statement = s as {
      DataIdentifier?: unknown;
      Operation?: { Deidentify?: { MaskConfig?: unknown } };
    };
    return (
      statement.Operation?.Deidentify?.MaskConfig !== undefined &&
      asList(statement.DataIdentifier).some((d) => dataIdentifierName(d) === REQUIRED_MASKED_DATA_IDENTIFIER)
    );
  });
  return masks ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

/** Whether a container of a task definition that a load-balanced service runs writes to the log group `id`. */
function receivesAppLogs(node: CfnLogGroup, id: string): boolean {
  const served = resourcesOfStack(node, CfnService).filter(
    (s) => asList(resolved(s, s.loadBalancers)).length > 0,
  );
  return resourcesOfStack(node, CfnTaskDefinition).some((task) => {
    const taskId = logicalIdOf(task);
    const containers = asList(resolved(task, task.containerDefinitions)) as Array<{
      logConfiguration?: { options?: Record<string, unknown> };
      LogConfiguration?: { Options?: Record<string, unknown> };
    }>;
    const writes = containers.some((c) => {
      const options = c.logConfiguration?.options ?? c.LogConfiguration?.Options ?? {};
      return refersTo(task, options['awslogs-group'], id);
    });
    return writes && served.some((s) => refersTo(s, s.taskDefinition, taskId));
  });
}
