import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { defaultStack } from '../support/app';
import { cliEnvironment } from '../support/cli';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

type PlainTemplate = { Resources: Record<string, { Type: string }> };

/**
 * The benchmark compares the default app's synth time with bench/plain-app.ts, so the plain app must keep
 * synthesizing and keep the default stack's shape: a tier added to one and not the other skews the ratio.
 */
describe('bench/plain-app.ts', () => {
  let outDir: string;
  let status: number | null;
  let stderr: string;
  let plainTypes: Set<string>;
  let defaultTypes: Set<string>;

  beforeAll(() => {
    outDir = mkdtempSync(path.join(tmpdir(), 'plain-app-'));
    // The app synthesizes on exit when CDK_OUTDIR is set, as under `cdk synth`.
    const run = spawnSync(TSX, [path.join(ROOT, 'bench', 'plain-app.ts')], {
      cwd: ROOT,
      env: cliEnvironment({ CDK_OUTDIR: outDir }),
      encoding: 'utf8',
    });
    status = run.status;
    stderr = run.stderr;
    const plain = JSON.parse(
      readFileSync(path.join(outDir, 'PlainScheduling.template.json'), 'utf8'),
    ) as PlainTemplate;
    plainTypes = new Set(Object.values(plain.Resources).map((r) => r.Type));
    const ours = Template.fromStack(defaultStack()).toJSON() as PlainTemplate;
    defaultTypes = new Set(Object.values(ours.Resources).map((r) => r.Type));
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  test('synthesizes offline', () => {
    expect([status, stderr.includes('Error')]).toEqual([0, false]);
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
  ])('has what the default stack has: %s', (type) => {
    expect([type, defaultTypes.has(type), plainTypes.has(type)]).toEqual([type, true, true]);
  });
});
