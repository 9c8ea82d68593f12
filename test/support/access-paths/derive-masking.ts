/**
 * Paths of the masking audit findings: CloudWatch Logs delivers the findings of each log group's data
 * protection policy to its CloudWatch Logs destination through the log delivery service, which the
 * destination's resource policy must admit (CloudWatch Logs User Guide, data-protection-policy-permissions.html:
 * a policy with a CloudWatch Logs audit destination needs logs:CreateLogDelivery and logs:PutResourcePolicy, as
 * for the vended logs of AWS-logs-infrastructure-CWL.html). The key of an encrypted destination is proven by the
 * `log-group-key` paths.
 */
import { DeriveContext, logGroupName, logStreamArn, makePath, short, take, unevaluablePath } from './paths';
import { CONTEXT_SOURCES, serviceRequest } from './requests';
import { AccessPath } from './types';

/** The CloudWatch Logs destinations of a data protection policy's Audit statements, as template values. */
export function findingsDestinations(policy: unknown): unknown[] {
  const statements = (policy as { Statement?: unknown } | undefined)?.Statement;
  return (Array.isArray(statements) ? statements : [])
    .map(
      (s) =>
        (
          s as {
            Operation?: { Audit?: { FindingsDestination?: { CloudWatchLogs?: { LogGroup?: unknown } } } };
          }
        ).Operation?.Audit?.FindingsDestination?.CloudWatchLogs?.LogGroup,
    )
    .filter((g) => g !== undefined);
}

/** delivery.logs.amazonaws.com → each masking findings log group, for each log group whose policy audits to it. */
export function maskingFindingsPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  const groups = ctx.r.resourcesOfType('AWS::Logs::LogGroup');
  for (const [id, group] of groups) {
    const caller = `data protection of log group ${short(id)}`;
    for (const destination of findingsDestinations(group.Properties?.DataProtectionPolicy)) {
      const problems: string[] = [];
      const name = take(ctx.r.resolveString(destination), problems, caller);
      if (!name) {
        paths.push(
          unevaluablePath('masking-findings', caller, 'its findings destination', problems.join('; ')),
        );
        continue;
      }
      const findings = logGroupName(name);
      const findingsId = ctx.r.findByValue('AWS::Logs::LogGroup', findings);
      // The protected log group itself: a delivery the policy admits there would be a policy scoped too widely.
      const protectedName = take(ctx.r.ref(id), problems, `log group ${id}`) ?? id;
      const context = {
        'aws:SourceAccount': ctx.env.account,
        'aws:SourceArn': `arn:${ctx.env.partition}:logs:${ctx.env.region}:${ctx.env.account}:*`,
      };
      const request = (action: string, groupName: string) =>
        serviceRequest(
          'delivery.logs.amazonaws.com',
          action,
          logStreamArn(ctx, groupName, 'masking-findings-stream'),
          ctx.env.account,
          context,
        );
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        paths.push(
          makePath({
            kind: 'masking-findings',
            caller: `${caller} via delivery.logs.amazonaws.com`,
            target: `log group ${findingsId ? short(findingsId) : findings}`,
            description: action,
            request: request(action, findings),
            resourcePolicy: ctx.policies.logsResourcePolicy(),
            problems,
            contextSource: CONTEXT_SOURCES.vendedLogs,
            twins:
              protectedName === findings
                ? []
                : [{ label: 'the protected log group itself', request: request(action, protectedName) }],
          }),
        );
      }
    }
  }
  return paths;
}
