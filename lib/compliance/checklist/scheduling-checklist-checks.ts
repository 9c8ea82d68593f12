import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NagPack, NagPackProps } from 'cdk-nag';
import { CHECKLIST_RULES } from './checklist-rules';

/**
 * The security checklist of secure-scheduling (C1 to C10) as a cdk-nag pack: the checks no shipped pack makes
 * for this kind of stack (listener TLS policy, HSTS, redirect-only HTTP, certificate key strength, certificate
 * verification in container environments, pinned images, log retention ceilings, WAF log redaction, egress
 * limited to named ports, a web ACL with managed rules and a rate limit on every internet-facing load balancer).
 * Rule ids are `SchedulingChecklist-<id>`; the rules and their metadata are in `CHECKLIST_RULES`.
 */
export class SchedulingChecklistChecks extends NagPack {
  public readonly name = 'SchedulingChecklist';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'SchedulingChecklist';
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of CHECKLIST_RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: `${rule.info} (checklist ${rule.checklist})`,
        explanation: rule.explanation,
        level: rule.level,
        rule: rule.rule,
        node,
      });
    }
  }
}
