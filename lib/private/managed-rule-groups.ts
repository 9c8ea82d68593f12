import { Token } from 'aws-cdk-lib';

/**
 * Problems with the extra AWS managed rule groups named `name`: each must be one of `optional` (the defaults are
 * always there), and named once: each becomes a web ACL rule named after the group, and a web ACL refuses two
 * rules of one name.
 */
export function managedRuleGroupProblems(
  name: string,
  groups: readonly string[],
  optional: readonly string[],
): string[] {
  const problems: string[] = [];
  const unknown = groups.filter((g) => !Token.isUnresolved(g) && !optional.includes(g));
  if (unknown.length > 0) {
    problems.push(
      `\`${name}\` must hold rule groups of ${optional.join(', ')} (the defaults are always there), got ${unknown.map((g) => `'${g}'`).join(', ')}`,
    );
  }
  const twice = groups.filter((g, i) => groups.indexOf(g) !== i);
  if (twice.length > 0) {
    problems.push(
      `\`${name}\` must name each rule group once (each becomes a web ACL rule of that name), got ${twice.map((g) => `'${g}'`).join(', ')} twice`,
    );
  }
  return problems;
}
