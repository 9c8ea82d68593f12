import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The resource policy that lets the CloudWatch Logs delivery service (`delivery.logs.amazonaws.com`) write into
 * one log group, for deliveries of this account only, in the form AWS documents:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html. AWS would add such a
 * policy itself, for the whole account's log groups, if the deploying role may call logs:PutResourcePolicy;
 * declaring it keeps it in the template, scoped to the one log group.
 */
export function logDeliveryPolicy(
  scope: Construct,
  id: string,
  logGroupName: string,
): { readonly policy: logs.ResourcePolicy; readonly logGroupArn: string } {
  const stack = Stack.of(scope);
  const logGroupArn = stack.formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: logGroupName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const policy = new logs.ResourcePolicy(scope, id, {
    policyStatements: [
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryWrite',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:log-stream:*`],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
        },
      }),
    ],
  });
  return { policy, logGroupArn };
}
