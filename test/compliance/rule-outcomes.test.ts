import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { acknowledgementOf, addCompliancePacks, RuleOutcomeLog } from '../../lib';
import { openFindingLine, openFindings, openFindingsCount } from '../../lib/compliance/open-findings';

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

  describe('of an app with a plain bucket, synthesized twice', () => {
    const log = new RuleOutcomeLog();
    let firstSynth: number;

    beforeAll(() => {
      const app = new App({ builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'Shared');
      new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
      addCompliancePacks(app, { outcomes: log, writeReports: false });
      const synth = () => {
        try {
          app.synth({ force: true });
        } catch {
          // The plain bucket has findings; only the outcomes matter here.
        }
      };
      synth();
      firstSynth = log.outcomes.length;
      synth();
    });

    test('each synth records its own outcomes: the log starts afresh', () => {
      expect(firstSynth).toBeGreaterThan(0);
      expect(log.outcomes).toHaveLength(firstSynth);
    });

    test('a rule shared by the HIPAA, NIST and PCI packs is recorded once by each, under its own name', () => {
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

    test('what each rule that reported a finding checks is noted: packs running the same check share its name', () => {
      expect(log.checkOf('AwsSolutions-S1')?.name).toBe('S3BucketLoggingEnabled');
      expect(log.checkOf('HIPAA.Security-S3BucketLoggingEnabled')).toEqual({
        name: 'S3BucketLoggingEnabled',
        explanation: expect.stringMatching(/\w/),
      });
      // A rule that found nothing has nothing to merge.
      expect(log.checkOf('HIPAA.Security-S3BucketSSLRequestsOnly')).toBeUndefined();
    });

    test('open findings are one per check and resource, with every pack that raised them', () => {
      const logging = openFindings(log.outcomes, (id) => log.checkOf(id)).filter(
        (f) => f.rule === 'S3BucketLoggingEnabled',
      );
      expect(logging).toEqual([
        expect.objectContaining({
          packs: ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'],
          ruleIds: [
            'AwsSolutions-S1',
            'HIPAA.Security-S3BucketLoggingEnabled',
            'NIST.800.53.R5-S3BucketLoggingEnabled',
            'PCI.DSS.321-S3BucketLoggingEnabled',
          ],
          resourcePath: 'Shared/Bucket/Resource',
          level: 'Error',
        }),
      ]);
      expect(openFindingLine(logging[0])).toBe(
        'AwsSolutions, HIPAA.Security, NIST.800.53.R5, PCI.DSS.321: S3BucketLoggingEnabled at Shared/Bucket/Resource',
      );
      const all = openFindings(log.outcomes, (id) => log.checkOf(id));
      expect(openFindingsCount(all)).toBe(`${all.length} open findings in 1 resource`);
      // Without knowing the checks, each pack's rule stands alone.
      expect(openFindings(log.outcomes).length).toBeGreaterThan(all.length);
    });
  });
});

describe('acknowledgementOf', () => {
  const REASON = 'Accepted for a reason a reviewer can check, given in full here.';
  const acknowledged = (id: string) => {
    const stack = new Stack();
    const node = new CfnResource(stack, 'Thing', { type: 'Test::Thing' });
    Validations.of(stack).acknowledge({ id, reason: REASON });
    return acknowledgementOf(node, 'AwsSolutions-S10');
  };

  test.each(['AwsSolutions-S10', 'AwsSolutions::AwsSolutions-S10'])(
    'finds %s on an ancestor: the rule id alone, or with its pack as the CDK CLI suggests',
    (id) => {
      expect(acknowledged(id)).toEqual({ reason: REASON, constructPath: 'Default' });
    },
  );

  test("does not take another plugin's namespace for the pack's", () => {
    expect(acknowledged('HIPAA.Security::AwsSolutions-S10')).toBeUndefined();
  });
});
