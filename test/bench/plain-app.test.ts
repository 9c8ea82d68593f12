import { Template } from 'aws-cdk-lib/assertions';
import { PLAIN_STACK, PlainSchedulingStack } from '../../bench/plain-app';
import { testApp } from '../support/app';
import { shippedStacks } from '../support/shipped-stacks';

type PlainTemplate = { Resources: Record<string, { Type: string }> };

/**
 * The benchmark compares the default app's synth time with bench/plain-app.ts, so the plain app must keep
 * synthesizing and keep the default stack's shape: a tier added to one and not the other skews the ratio.
 * Built here in-process; `npm run bench` runs it as an app under the CDK CLI at every measurement.
 */
describe('bench/plain-app.ts', () => {
  let missingContext: unknown;
  let plainTypes: Set<string>;
  let defaultTypes: Set<string>;

  beforeAll(() => {
    const app = testApp();
    const stack = new PlainSchedulingStack(app, PLAIN_STACK.id, { env: PLAIN_STACK.env });
    // Context a lookup would need from AWS is listed as missing in the manifest: none means offline.
    missingContext = app.synth().manifest.missing;
    const plain = Template.fromStack(stack).toJSON() as PlainTemplate;
    plainTypes = new Set(Object.values(plain.Resources).map((r) => r.Type));
    const ours = shippedStacks('the default stack')[0].template as PlainTemplate;
    defaultTypes = new Set(Object.values(ours.Resources).map((r) => r.Type));
  });

  test('synthesizes offline: no context to look up in AWS', () => {
    expect(missingContext).toBeUndefined();
  });

  test.each([
    'AWS::EC2::NatGateway',
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    'AWS::CertificateManager::Certificate',
    'AWS::WAFv2::WebACL',
    'AWS::ECS::Service',
    'AWS::RDS::DBInstance',
    'AWS::Backup::BackupPlan',
    'AWS::CloudTrail::Trail',
    'AWS::Logs::MetricFilter',
    'AWS::CloudWatch::Alarm',
    'AWS::Events::Rule',
    'AWS::CloudWatch::Dashboard',
    'AWS::Lambda::Function',
    'AWS::Route53::RecordSet',
    'AWS::ElasticLoadBalancingV2::ListenerRule',
    'AWS::Cognito::UserPool',
    'AWS::Route53Resolver::FirewallRuleGroup',
    'AWS::Route53Resolver::ResolverQueryLoggingConfig',
    'AWS::ECR::PullThroughCacheRule',
    'AWS::ECR::RepositoryCreationTemplate',
  ])('has what the default stack has: %s', (type) => {
    expect([type, defaultTypes.has(type), plainTypes.has(type)]).toEqual([type, true, true]);
  });
});
