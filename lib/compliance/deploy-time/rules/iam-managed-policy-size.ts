import {
  CfnTemplate,
  DeployTimeContext,
  DeployTimeFinding,
  finding,
  jsonLength,
  propsOf,
  resourcesOfType,
} from '../template';

/** The largest customer managed policy IAM accepts, in characters without white space. */
export const MAX_MANAGED_POLICY_SIZE = 6_144;

/** A customer managed policy's document fits IAM's size limit. */
export function iamManagedPolicySize(template: CfnTemplate, context: DeployTimeContext): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::IAM::ManagedPolicy').flatMap(([id, resource]) => {
    const size = jsonLength(propsOf(resource).PolicyDocument, true, template, context);
    return size > MAX_MANAGED_POLICY_SIZE
      ? [
          finding(
            id,
            `its document has about ${size} characters; IAM accepts at most ${MAX_MANAGED_POLICY_SIZE}`,
          ),
        ]
      : [];
  });
}
