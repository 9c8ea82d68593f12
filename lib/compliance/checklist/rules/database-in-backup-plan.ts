import { CfnResource, TagManager } from 'aws-cdk-lib';
import { CfnBackupSelection } from 'aws-cdk-lib/aws-backup';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asList, logicalIdOf, refersTo, resolved, resourcesOfStack } from '../template-references';

interface TagCondition {
  conditionType?: string;
  conditionKey?: string;
  conditionValue?: string;
}

interface Selection {
  resources?: unknown[];
  listOfTags?: TagCondition[];
  conditions?: { stringEquals?: Array<{ conditionKey?: string; conditionValue?: string }> };
}

/**
 * C6: every database instance and cluster is selected by an AWS Backup selection of the same stack, so its
 * backups land in a separate vault on a schedule of their own. A selection picks the database by its ARN (CDK
 * renders it as an `Fn::Join` around `{ Ref: <database> }`), by `*`, or by tags: a `STRINGEQUALS` entry of
 * `ListOfTags`, or `Conditions.StringEquals` on `aws:ResourceTag/<key>` that all match the database's tags.
 * An instance of an Aurora cluster is backed up with its cluster.
 */
export function databaseInBackupPlan(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnDBInstance || node instanceof CfnDBCluster)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (node instanceof CfnDBInstance && node.dbClusterIdentifier !== undefined) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const id = logicalIdOf(node);
  const tags: Record<string, string> = TagManager.isTaggable(node) ? node.tags.tagValues() : {};
  const selected = resourcesOfStack(node, CfnBackupSelection).some((selection) => {
    const spec = resolved<Selection>(selection, selection.backupSelection);
    const byArn = asList(spec.resources).some(
      (resource) => resource === '*' || refersTo(selection, resource, id),
    );
    const byTag = (spec.listOfTags ?? []).some(
      (t) =>
        t.conditionType === 'STRINGEQUALS' &&
        t.conditionKey !== undefined &&
        tags[t.conditionKey] === t.conditionValue,
    );
    const equals = spec.conditions?.stringEquals ?? [];
    const byCondition =
      equals.length > 0 &&
      equals.every(
        (c) => tags[(c.conditionKey ?? '').replace(/^aws:ResourceTag\//, '')] === c.conditionValue,
      );
    return byArn || byTag || byCondition;
  });
  return selected ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
