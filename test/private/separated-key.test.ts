/**
 * Keys with separated duties, judged by a real IAM policy engine on the synthesized key policy: who may
 * administer a key, who may use it, and that the two are apart.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { evaluateRequest, TemplateResolver } from '../support/access-paths';
import { testApp } from '../support/app';
import { PolicyIndex } from '../support/access-paths/policies';
import { roleRequest } from '../support/access-paths/requests';
import { NamedPolicy } from '../support/access-paths/types';
import {
  keyAdministratorProblems,
  SeparatedDutiesKey,
  setKeyAdministrators,
} from '../../lib/private/separated-key';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const env = { account: ACCOUNT, region: REGION };
const KEY_ADMINS = `arn:aws:iam::${ACCOUNT}:role/KeyAdmins`;
const ACCOUNT_ADMIN = `arn:aws:iam::${ACCOUNT}:role/Administrator`;
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
/** What an administrator of the account holds: everything, through IAM. */
const ADMINISTRATOR_ACCESS: NamedPolicy = {
  name: 'AdministratorAccess',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

function synthesize(administrators?: string[], usableThrough?: string[]) {
  const stack = new Stack(testApp(), 'Keys', { env });
  if (administrators) setKeyAdministrators(stack, administrators);
  const key = new SeparatedDutiesKey(stack, 'Key', { enableKeyRotation: true, usableThrough });
  const reader = new iam.Role(stack, 'Reader', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  key.grantDecrypt(reader);
  const template = Template.fromStack(stack).toJSON();
  const r = new TemplateResolver(template, { ...env, stackName: 'Keys' });
  const policies = new PolicyIndex(r);
  const [keyId] = Object.keys(template.Resources).filter(
    (id) => template.Resources[id].Type === 'AWS::KMS::Key',
  );
  const keyArn = r.getAtt(keyId, 'Arn');
  const [readerId] = Object.keys(template.Resources).filter(
    (id) => template.Resources[id].Type === 'AWS::IAM::Role',
  );
  const readerArn = r.getAtt(readerId, 'Arn');
  if (!keyArn.ok || !readerArn.ok) throw new Error('the key or the role did not resolve');
  const keyPolicy = policies.keyPolicy(keyArn.value).value;
  const readerPolicies = policies.identityPolicies(readerId).value.policies;
  const decide = async (
    principal: string,
    action: string,
    identity: readonly NamedPolicy[] = [ADMINISTRATOR_ACCESS],
    context: Record<string, string> = {},
  ) =>
    (
      await evaluateRequest(
        roleRequest(principal, action, keyArn.value, ACCOUNT, context),
        identity,
        keyPolicy,
      )
    ).decision;
  return { template, decide, readerArn: readerArn.value, readerPolicies };
}

const DENIED = /Denied$/;

describe('a key with separated duties and no named administrators', () => {
  const keys = synthesize();

  test("the account's administrators administer it: policy, rotation, deletion", async () => {
    for (const action of [
      'kms:ScheduleKeyDeletion',
      'kms:PutKeyPolicy',
      'kms:DisableKey',
      'kms:DescribeKey',
    ]) {
      expect({ action, decision: await keys.decide(ACCOUNT_ADMIN, action) }).toEqual({
        action,
        decision: 'Allowed',
      });
    }
  });

  test('but cannot use it, though their IAM policy allows everything', async () => {
    for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom']) {
      expect({ action, decision: await keys.decide(ACCOUNT_ADMIN, action) }).toEqual({
        action,
        decision: expect.stringMatching(DENIED),
      });
    }
  });

  test('grants only for AWS resources', async () => {
    expect(await keys.decide(ACCOUNT_ADMIN, 'kms:CreateGrant')).toMatch(DENIED);
    expect(
      await keys.decide(ACCOUNT_ADMIN, 'kms:CreateGrant', undefined, { 'kms:GrantIsForAWSResource': 'true' }),
    ).toBe('Allowed');
  });

  test('the role it was granted to decrypts, and only decrypts', async () => {
    expect(await keys.decide(keys.readerArn, 'kms:Decrypt', keys.readerPolicies)).toBe('Allowed');
    expect(await keys.decide(keys.readerArn, 'kms:Encrypt', keys.readerPolicies)).toMatch(DENIED);
    expect(await keys.decide(keys.readerArn, 'kms:ScheduleKeyDeletion', keys.readerPolicies)).toMatch(DENIED);
  });

  test('no statement of its policy allows kms:*', () => {
    const resources = keys.template.Resources as Record<string, { Type: string; Properties: unknown }>;
    const key = Object.values(resources).find((r) => r.Type === 'AWS::KMS::Key');
    expect(JSON.stringify(key?.Properties)).toContain('KeyAdministration');
    expect(JSON.stringify(key?.Properties)).not.toContain('"kms:*"');
  });
});

describe('a key with named administrators', () => {
  const keys = synthesize([KEY_ADMINS]);

  test('they administer it but cannot use it', async () => {
    expect(await keys.decide(KEY_ADMINS, 'kms:ScheduleKeyDeletion')).toBe('Allowed');
    expect(await keys.decide(KEY_ADMINS, 'kms:PutKeyPolicy')).toBe('Allowed');
    expect(await keys.decide(KEY_ADMINS, 'kms:Decrypt')).toMatch(DENIED);
  });

  test("the account's other administrators can neither administer nor use it", async () => {
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKey', 'kms:Decrypt']) {
      expect({ action, decision: await keys.decide(ACCOUNT_ADMIN, action) }).toEqual({
        action,
        decision: expect.stringMatching(DENIED),
      });
    }
  });

  // KMS Developer Guide, key-policy-default.html: CreateKey and PutKeyPolicy fail the "key policy lockout safety
  // check" unless the policy lets the principal making the request call PutKeyPolicy; CloudFormation makes it with
  // the stack's execution role.
  test('the role CloudFormation deploys with may still set the policy (KMS lockout safety check)', async () => {
    expect(await keys.decide(DEPLOYER, 'kms:PutKeyPolicy')).toBe('Allowed');
    expect(await keys.decide(DEPLOYER, 'kms:Decrypt')).toMatch(DENIED);
  });

  test('the role it was granted to still decrypts', async () => {
    expect(await keys.decide(keys.readerArn, 'kms:Decrypt', keys.readerPolicies)).toBe('Allowed');
  });
});

describe('keyAdministrators is checked', () => {
  test.each([
    [`arn:aws:iam::${ACCOUNT}:root`, 'names the account itself'],
    [ACCOUNT, 'names the account itself'],
    ['KeyAdmins', 'must hold IAM role or user ARNs'],
    [`arn:aws:iam::${ACCOUNT}:group/KeyAdmins`, 'must hold IAM role or user ARNs'],
    ['arn:aws:iam::12345:role/KeyAdmins', 'must hold IAM role or user ARNs'],
  ])('%s is refused', (arn, message) => {
    const problems = keyAdministratorProblems('keyAdministrators', [arn]);
    expect(problems).toEqual([expect.stringContaining(message)]);
    expect(problems[0]).toContain(`'${arn}'`);
  });

  test('a principal named twice is refused', () => {
    expect(keyAdministratorProblems('keyAdministrators', [KEY_ADMINS, KEY_ADMINS])).toEqual([
      expect.stringContaining('names a principal twice'),
    ]);
  });

  test('role and user ARNs, with paths, are accepted', () => {
    expect(
      keyAdministratorProblems('keyAdministrators', [KEY_ADMINS, `arn:aws:iam::${ACCOUNT}:user/ops/alice`]),
    ).toEqual([]);
  });
});

// AWS Backup Developer Guide, create-a-vault.html: creating a vault under a customer managed key takes the
// creator's kms:CreateGrant, DescribeKey, RetireGrant, Decrypt and GenerateDataKey, which AWS Backup uses for it.
describe('a key usable through one service of the account', () => {
  const keys = synthesize(undefined, ['backup']);
  const viaBackup = { 'kms:ViaService': `backup.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT };

  test('lets the account create a vault under it through AWS Backup', async () => {
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:RetireGrant', 'kms:CreateGrant']) {
      expect({ action, decision: await keys.decide(ACCOUNT_ADMIN, action, undefined, viaBackup) }).toEqual({
        action,
        decision: 'Allowed',
      });
    }
  });

  test('but not directly, nor through another service', async () => {
    expect(await keys.decide(ACCOUNT_ADMIN, 'kms:Decrypt')).toMatch(DENIED);
    const viaS3 = { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT };
    expect(await keys.decide(ACCOUNT_ADMIN, 'kms:Decrypt', undefined, viaS3)).toMatch(DENIED);
  });
});
