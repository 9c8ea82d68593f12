import {
  CfnTemplate,
  DeployTimeFinding,
  finding,
  literalNumber,
  propsOf,
  resourcesOfType,
} from '../template';

/** How long a recovery point must stay in cold storage, in days. */
export const MIN_COLD_STORAGE_DAYS = 90;

interface Lifecycle {
  readonly MoveToColdStorageAfterDays?: unknown;
  readonly DeleteAfterDays?: unknown;
}

/** What is wrong with one lifecycle, if anything. */
function lifecycleProblem(lifecycle: Lifecycle | undefined, where: string): string | undefined {
  const cold = literalNumber(lifecycle?.MoveToColdStorageAfterDays);
  const deleteAfter = literalNumber(lifecycle?.DeleteAfterDays);
  if (cold === undefined || deleteAfter === undefined || cold < 0 || deleteAfter < 0) return undefined;
  return deleteAfter < cold + MIN_COLD_STORAGE_DAYS
    ? `${where}: DeleteAfterDays ${deleteAfter} is less than MoveToColdStorageAfterDays ${cold} + ${MIN_COLD_STORAGE_DAYS}`
    : undefined;
}

/** A backup rule (and each of its copies) keeps a recovery point at least 90 days after it moves to cold storage. */
export function backupLifecycle(template: CfnTemplate): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::Backup::BackupPlan').flatMap(([id, resource]) => {
    const plan = propsOf(resource).BackupPlan as { BackupPlanRule?: unknown } | undefined;
    const rules = (Array.isArray(plan?.BackupPlanRule) ? plan.BackupPlanRule : []) as Array<{
      RuleName?: unknown;
      Lifecycle?: Lifecycle;
      CopyActions?: Array<{ Lifecycle?: Lifecycle }>;
    }>;
    return rules.flatMap((rule) => {
      const name = `rule ${String(rule.RuleName)}`;
      const problems = [
        lifecycleProblem(rule.Lifecycle, name),
        ...(rule.CopyActions ?? []).map((copy, i) =>
          lifecycleProblem(copy.Lifecycle, `${name}, copy ${i + 1}`),
        ),
      ];
      return problems.filter((p): p is string => p !== undefined).map((p) => finding(id, p));
    });
  });
}
