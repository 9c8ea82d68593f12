import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { acknowledge } from '../compliance/acknowledgements';

/** Construct id of the one policy per stack. */
const ID = 'LambdaVpcNetworkInterfaces';

/**
 * What Lambda needs to attach a function to a VPC: the actions of the AWS-managed AWSLambdaVPCAccessExecutionRole
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html), in one customer-managed policy per stack
 * that every in-VPC function's role is given. The Describe actions support no resource-level permissions and the
 * interfaces do not exist before Lambda creates them, so the policy is on "*", and acknowledged once, here; each
 * role keeps its own, named permissions in its own policy.
 */
export function allowVpcNetworkInterfaces(role: iam.IRole): iam.ManagedPolicy {
  const stack = Stack.of(role);
  let policy = stack.node.tryFindChild(ID) as iam.ManagedPolicy | undefined;
  if (!policy) {
    policy = new iam.ManagedPolicy(stack, ID, {
      description: 'Lets Lambda attach the functions of this stack to its VPC (network interfaces)',
      statements: [
        new iam.PolicyStatement({
          sid: 'AttachToTheVpc',
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      ],
    });
    acknowledge(policy as IConstruct, 'vpcFunctionNetworkInterfaces');
  }
  role.addManagedPolicy(policy);
  return policy;
}
