/**
 * The break-glass task: what it runs, what it may reach, and that every start reaches the alert topic. The
 * whole stack with `breakGlass` on is also the Aurora variant of the access-path matrix, which proves the
 * rule → topic and execution role → secret, key and log paths from the template's own policies.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { SecureSchedulingStack } from '../../lib';
import { defaultStack, templateOf } from '../support/app';
import { matchesPattern } from '../support/event-pattern';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, read by tests
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

describe('BreakGlassTask (setting breakGlass)', () => {
  let stack: SecureSchedulingStack;
  let template: Template;
  let resources: Resources;
  let family: string;

  beforeAll(() => {
    stack = defaultStack({ breakGlass: true });
    template = templateOf(stack);
    resources = template.toJSON().Resources;
    family = stack.breakGlass!.taskDefinition.family;
  });

  test('is off by default', () => {
    expect(defaultStack().breakGlass).toBeUndefined();
  });

  test('runs psql as a non-root user with no capabilities, a read-only root and TLS to the database', () => {
    const [definition] = Object.values(resources).filter(
      (r) => r.Type === 'AWS::ECS::TaskDefinition' && r.Properties.Family === family,
    );
    const [container] = definition.Properties.ContainerDefinitions;
    expect(container).toMatchObject({
      Name: 'psql',
      Image: 'postgres:17.6-alpine3.22',
      User: '70:70',
      ReadonlyRootFilesystem: true,
      LinuxParameters: { Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true },
    });
    // No environment variables: the connection string is in the command, the credentials are injected.
    expect(container.Environment).toBeUndefined();
    expect(container.Secrets.map((s: { Name: string }) => s.Name).sort()).toEqual(['PGPASSWORD', 'PGUSER']);
    const command = JSON.stringify(stack.resolve(container.Command));
    expect(command).toContain('sslmode=require');
    expect(command).toContain('ON_ERROR_STOP=1');
    // The master secret of the database, read when the task starts.
    expect(JSON.stringify(container.Secrets)).toContain(
      stack.getLogicalId(stack.database.secret.node.defaultChild as never),
    );
  });

  test('its security group reaches only the database port and HTTPS, and the database admits it', () => {
    const sgId = stack.getLogicalId(stack.breakGlass!.securityGroup.node.defaultChild as never);
    const egress = resources[sgId].Properties.SecurityGroupEgress ?? [];
    const separate = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::EC2::SecurityGroupEgress' && JSON.stringify(r.Properties.GroupId).includes(sgId),
    );
    const ports = [...egress, ...separate.map((r) => r.Properties)].map((e) => [e.FromPort, e.ToPort]);
    const port = stack.database.port;
    expect(ports.sort()).toEqual([
      [443, 443],
      [port, port],
    ]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: stack.database.port,
      SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] },
    });
  });

  test("every RunTask of its family alerts the topic, and the app's own tasks do not", () => {
    const ruleId = stack.getLogicalId(stack.breakGlass!.rule.node.defaultChild as never);
    const rule = resources[ruleId];
    const pattern = stack.resolve(rule.Properties.EventPattern);
    const runTask = (taskDefinition: string) => ({
      source: 'aws.ecs',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: {
        eventSource: 'ecs.amazonaws.com',
        eventName: 'RunTask',
        requestParameters: { cluster: 'c', taskDefinition },
      },
    });
    const arn = `arn:aws:ecs:eu-west-1:123456789012:task-definition/${family}`;
    for (const named of [family, `${family}:3`, arn, `${arn}:3`]) {
      expect([named, matchesPattern(pattern, runTask(named))]).toEqual([named, true]);
    }
    const appFamily = stack.service.taskDefinition.family;
    expect(matchesPattern(pattern, runTask(appFamily))).toBe(false);
    expect(matchesPattern(pattern, runTask(`${family}Other`))).toBe(false);
    const topicId = stack.getLogicalId(stack.alerts.topic.node.defaultChild as never);
    expect(rule.Properties.Targets.map((t: { Arn: unknown }) => t.Arn)).toEqual([{ Ref: topicId }]);
    expect(
      matchesPattern(pattern, runTask(`arn:aws:ecs:eu-west-1:123456789012:task-definition/${family}Other:1`)),
    ).toBe(false);
  });

  test('outputs the command that starts it, with the network it needs', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const [command] = Object.entries(outputs).filter(([k]) => k.startsWith('BreakGlassCommand'));
    const text = JSON.stringify(stack.resolve(command[1].Value));
    expect(text).toContain('aws ecs run-task');
    expect(text).toContain(`--task-definition ${family}`);
    expect(text).toContain('assignPublicIp=DISABLED');
    expect(text).toContain('containerOverrides');
    expect(text).toContain('sslmode=require');
  });
});
