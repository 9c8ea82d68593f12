import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { addCompliancePacks, RuleOutcomeLog } from '../../lib';

describe('RuleOutcomeLog', () => {
  const node = new CfnResource(new Stack(), 'Thing', { type: 'Test::Thing' });

  test('within one validation, a rule runs once per resource, whichever pack asks', () => {
    const log = new RuleOutcomeLog();
    const rule = jest.fn(() => NagRuleCompliance.COMPLIANT);
    log.beginValidation();
    expect([log.judge(rule, node), log.judge(rule, node)]).toEqual([
      NagRuleCompliance.COMPLIANT,
      NagRuleCompliance.COMPLIANT,
    ]);
    expect(rule).toHaveBeenCalledTimes(1);
    log.endValidation();
    log.judge(rule, node);
    expect(rule).toHaveBeenCalledTimes(2);
  });

  test('outside a validation (a pack called on its own), every call runs the rule', () => {
    const log = new RuleOutcomeLog();
    const rule = jest.fn(() => NagRuleCompliance.NON_COMPLIANT);
    log.judge(rule, node);
    log.judge(rule, node);
    expect(rule).toHaveBeenCalledTimes(2);
  });

  test('a rule shared by the HIPAA, NIST and PCI packs is recorded once by each, under its own name', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Shared');
    new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
    const log = new RuleOutcomeLog();
    addCompliancePacks(app, { outcomes: log });
    try {
      app.synth();
    } catch {
      // The plain bucket has findings; only the outcomes matter here.
    }
    const ssl = log.outcomes
      .filter(
        (o) => /-S3BucketSSLRequestsOnly$/.test(o.ruleId) && o.resourcePath === 'Shared/Bucket/Resource',
      )
      .map((o) => `${o.ruleId} ${o.status}`);
    expect(ssl.sort()).toEqual([
      'HIPAA.Security-S3BucketSSLRequestsOnly compliant',
      'NIST.800.53.R5-S3BucketSSLRequestsOnly compliant',
      'PCI.DSS.321-S3BucketSSLRequestsOnly compliant',
    ]);
  });
});
