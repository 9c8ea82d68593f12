import {
  asList,
  CfnTemplate,
  DeployTimeContext,
  DeployTimeFinding,
  finding,
  jsonLength,
  literalString,
  propsOf,
  referencedId,
  resourcesOfType,
} from '../template';

/** The longest role name IAM accepts. */
export const MAX_ROLE_NAME_LENGTH = 64;
/** The default quota of managed policies attached to one role. */
export const MAX_MANAGED_POLICIES_PER_ROLE = 10;
/** The largest aggregate size of a role's inline policies, in characters without white space. */
export const MAX_ROLE_INLINE_POLICY_SIZE = 10_240;

/** The policies of `type` in the template that are attached to role `roleId` through their `Roles`. */
function attachedPolicies(
  template: CfnTemplate,
  type: string,
  roleId: string,
): Array<Record<string, unknown>> {
  return resourcesOfType(template, type)
    .map(([, p]) => propsOf(p))
    .filter((p) => asList(p.Roles).some((r) => referencedId(r) === roleId));
}

/** An IAM role fits IAM's quotas: its name, its number of managed policies, the size of its inline policies. */
export function iamRoleLimits(template: CfnTemplate, context: DeployTimeContext): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::IAM::Role').flatMap(([id, resource]) => {
    const props = propsOf(resource);
    const found = [];
    const name = literalString(props.RoleName, context);
    if (name !== undefined && name.length > MAX_ROLE_NAME_LENGTH) {
      found.push(
        finding(id, `RoleName has ${name.length} characters; IAM accepts at most ${MAX_ROLE_NAME_LENGTH}`),
      );
    }
    const managed =
      asList(props.ManagedPolicyArns).length +
      attachedPolicies(template, 'AWS::IAM::ManagedPolicy', id).length;
    if (managed > MAX_MANAGED_POLICIES_PER_ROLE) {
      found.push(
        finding(
          id,
          `has ${managed} managed policies; the default quota is ${MAX_MANAGED_POLICIES_PER_ROLE} per role`,
        ),
      );
    }
    const inline = [
      ...asList(props.Policies).map((p) => (p as { PolicyDocument?: unknown }).PolicyDocument),
      ...attachedPolicies(template, 'AWS::IAM::Policy', id).map((p) => p.PolicyDocument),
    ];
    const size = inline.reduce<number>((sum, doc) => sum + jsonLength(doc, true, template, context), 0);
    if (size > MAX_ROLE_INLINE_POLICY_SIZE) {
      found.push(
        finding(
          id,
          `its inline policies have about ${size} characters; IAM accepts at most ${MAX_ROLE_INLINE_POLICY_SIZE} per role`,
        ),
      );
    }
    return found;
  });
}
