import { CfnTemplate, DeployTimeFinding, finding, propsOf, resourcesOfType } from '../template';

/**
 * No function reserves concurrency. Lambda refuses a reservation that leaves the account fewer than 100
 * unreserved executions, and what the account has left is not in the template (new accounts may have 10 in
 * all), so any reservation can fail stack creation.
 */
export function lambdaReservedConcurrency(template: CfnTemplate): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').flatMap(([id, resource]) => {
    const reserved = propsOf(resource).ReservedConcurrentExecutions;
    return reserved === undefined
      ? []
      : [
          finding(
            id,
            `ReservedConcurrentExecutions is ${JSON.stringify(reserved)}; creation fails in an account with fewer than ${JSON.stringify(reserved)} + 100 unreserved executions`,
          ),
        ];
  });
}
