import { CfnResource } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { KEY_USE_ACTION } from '../../../private/separated-key';
import { asList, statementsOf } from '../template-references';

/** Condition keys that narrow a use of the key to one service's requests or to one kind of data. */
const NARROWING_KEY = /^kms:(ViaService|EncryptionContext:)/i;

/** True when the statement's principals include an account as a whole (`arn:...:root` or a bare account id). */
function namesAnAccount(statement: Record<string, unknown>): boolean {
  const principal = statement.Principal as Record<string, unknown> | string | undefined;
  if (principal === '*') return true;
  const aws = typeof principal === 'object' && principal !== null ? principal.AWS : undefined;
  return asList(aws).some(
    (p) => p === '*' || /:root"?\]?\]?}?$|^\d{12}$/.test(typeof p === 'string' ? p : JSON.stringify(p)),
  );
}

function conditionKeys(statement: Record<string, unknown>): string[] {
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(condition).flatMap((block) => Object.keys(block ?? {}));
}

/**
 * C3 (and C10: whoever administers a key can make the data it protects unreadable): a customer managed key's
 * policy separates administering it from using it.
 *
 * - no statement allows `kms:*`: administration and use are listed apart;
 * - a use of the key (Encrypt, Decrypt, GenerateDataKey, ReEncrypt, ...) given to an account as a whole, which
 *   hands it to every IAM policy of that account, is narrowed to one service's requests (`kms:ViaService`) or
 *   to one kind of data (`kms:EncryptionContext:*`);
 * - `kms:CreateGrant` is given only for AWS resources (`kms:GrantIsForAWSResource`) or through one service
 *   (`kms:ViaService`), so nobody grants the key to themselves.
 */
export function keyDutiesSeparated(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnKey)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const allows = statementsOf(node, node.keyPolicy).filter((s) => s.Effect === 'Allow');
  const actionsOf = (s: Record<string, unknown>) =>
    asList(s.Action).filter((a): a is string => typeof a === 'string');
  const failed = allows.some((s) => {
    const actions = actionsOf(s);
    const keys = conditionKeys(s);
    if (actions.some((a) => a === '*' || /^kms:\*$/i.test(a))) return true;
    if (
      namesAnAccount(s) &&
      actions.some((a) => KEY_USE_ACTION.test(a)) &&
      !keys.some((k) => NARROWING_KEY.test(k))
    ) {
      return true;
    }
    const grants = actions.some((a) => /^kms:(CreateGrant|Create\*)$/i.test(a));
    return grants && !keys.some((k) => /^kms:(GrantIsForAWSResource|ViaService)$/i.test(k));
  });
  return failed ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
