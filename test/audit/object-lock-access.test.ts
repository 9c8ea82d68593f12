/**
 * The in-place Object Lock function's calls, evaluated with the IAM policy engine against the synthesized
 * template (its role's policy and the trail bucket's policy): it may lock this bucket and read the lock back,
 * and nothing else. The shipped apps lock the bucket at creation, so the access-path matrix of
 * test/access-paths.test.ts never meets this function.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AuditTrail } from '../../lib';
import { accessPathMatrix, CfnTemplate, Matrix, matrixFailures } from '../support/access-paths';
import { testStack } from '../support/app';

describe("the trail bucket's Object Lock turned on in place", () => {
  let matrix: Matrix;

  beforeAll(async () => {
    const stack = testStack();
    new AuditTrail(stack, 'Audit', { objectLockEnablement: 'in-place' });
    const template = Template.fromStack(stack).toJSON() as CfnTemplate;
    matrix = await accessPathMatrix(template, {
      account: stack.account,
      region: stack.region,
      stackName: stack.stackName,
    });
  });

  test('the function may put and read the lock configuration of the trail bucket, and another account may not', () => {
    const rows = matrix.rows.filter((r) => r.path.kind === 'lambda-code');
    expect(rows.map((r) => r.path.request.action).sort()).toEqual([
      's3:GetBucketObjectLockConfiguration',
      's3:PutBucketObjectLockConfiguration',
    ]);
    for (const row of rows) {
      expect(row.path.request.resource).toMatch(/^arn:aws:s3:::/);
      expect(row.proven).toBe(true);
    }
  });

  test('every path of the template is allowed and every negative twin denied', () => {
    expect(matrixFailures(matrix.rows)).toEqual([]);
    expect(matrix.rows.filter((r) => r.verdict.decision === 'Unevaluated')).toEqual([]);
  });
});
