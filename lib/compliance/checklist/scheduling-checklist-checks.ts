import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NagPack, NagPackProps } from 'cdk-nag';
import { CHECKLIST_RULES } from './checklist-rules';

/**
 * The security checklist of secure-scheduling (C1 to C10) as a cdk-nag pack: the checks no shipped pack makes
 * for this kind of stack, from the listener's TLS policy, HSTS and certificate to forced TLS to PostgreSQL,
 * MFA and password policies, literal secrets, database placement and ingress, customer keys, backups in a
 * protected vault, data kept on deletion, log retention floors and ceilings, the activity logs of the
 * load balancer, VPC and web ACL, a multi-region validated trail, and alarms that notify on the CIS
 * benchmark's risky changes.
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
