import { readFileSync } from 'node:fs';
import {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
  Stack,
} from 'aws-cdk-lib';
import { DEPLOY_TIME_RULES, DeployTimeRule, findDeployTimeProblems } from './deploy-time-rules';
import { CfnTemplate, DeployTimeContext } from './template';

/** The name the plugin reports under in the validation report. */
export const DEPLOY_TIME_PLUGIN_NAME = 'DeployTimeRules';

/** The Region the CDK writes for a stack that names none. */
const UNKNOWN_REGION = 'unknown-region';

/** What the rules may know of one synthesized stack: its Region when it names one, and its name. */
function contextOf(
  stack: IPolicyValidationContext['stackTemplates'][number],
  app: IPolicyValidationContext['appConstruct'],
): DeployTimeContext {
  const construct = app.node.findAll().find((c) => c.node.path === stack.stackConstructPath);
  const region = stack.region && stack.region !== UNKNOWN_REGION ? stack.region : undefined;
  return {
    ...(region ? { region } : {}),
    ...(construct && Stack.isStack(construct) ? { stackName: construct.stackName } : {}),
  };
}

/**
 * Runs the deploy-time rules over every synthesized template, as a validation plugin of its own: a problem
 * fails synth, reported under the rule's id with the AWS documentation that states the limit. It is not a
 * cdk-nag pack: its problems are for fixing, not acknowledging, since AWS would refuse the deployment anyway.
 */
export class DeployTimeRulesPlugin implements IPolicyValidationPlugin {
  public readonly name = DEPLOY_TIME_PLUGIN_NAME;
  public readonly ruleIds: string[];

  constructor(private readonly rules: readonly DeployTimeRule[] = DEPLOY_TIME_RULES) {
    this.ruleIds = rules.map((r) => r.id);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations = context.stackTemplates.flatMap((stack) => {
      const template = JSON.parse(readFileSync(stack.templatePath, 'utf8')) as CfnTemplate;
      return findDeployTimeProblems(template, contextOf(stack, context.appConstruct), this.rules).map(
        (p): PolicyViolation => ({
          ruleName: p.ruleId,
          description: `${p.ruleId}: ${p.message} (${p.documentation})`,
          severity: 'error',
          violatingResources: [
            { resourceLogicalId: p.logicalId, templatePath: stack.templatePath, locations: [] },
          ],
          ruleMetadata: { documentation: p.documentation },
        }),
      );
    });
    return { success: violations.length === 0, violations };
  }
}
