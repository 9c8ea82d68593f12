import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Template } from 'aws-cdk-lib/assertions';
import { RuleOutcome } from '../../lib';
import { ARCHITECTURE_TIERS, architectureSvg } from '../../lib/compliance/architecture-diagram';
import { TemplateResources } from '../../lib/compliance/assembly-resources';
import { testApp, testStack } from '../support/app';
import { shippedStacks } from '../support/shipped-stacks';
import { xmlProblems } from '../support/xml';

/** The template of the bundled app's default stack, synthesized once for the whole test run. */
function defaultTemplate(): TemplateResources {
  const [stack] = shippedStacks('the default stack');
  return stack.template as TemplateResources;
}

/** The logical id of the one resource of `type` in `template`. */
function logicalIdOf(template: TemplateResources, type: string): string {
  const ids = Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The flows drawn, as `from → to`, from their titles. */
const flowsOf = (svg: string) => [...svg.matchAll(/<title>(\w+) → (\w+): /g)].map((m) => `${m[1]} → ${m[2]}`);

describe('the XML check the pictures are held to', () => {
  test.each([
    ['<svg><g></svg>', '</svg> at 8 closes <g>'],
    ['<svg><text>a & b</text></svg>', 'text at 11: & is not an entity'],
    ['<svg><text>a < b</text></svg>', 'an unescaped < at 13'],
    ['<svg x="1" x="2"/>', '<svg> at 0 repeats x'],
    ['<svg x=1/>', '<svg> at 0: cannot read "x=1"'],
    ['<svg/><svg/>', '2 root elements'],
    ['<svg>', 'unclosed: svg'],
  ])('finds what is wrong with %s', (xml, problem) => {
    expect(xmlProblems(xml)).toContain(problem);
  });

  test('accepts a well-formed document', () => {
    expect(xmlProblems('<svg a="&amp;&#39;"><!-- x --><g><t>&lt;1&gt;</t></g><r/></svg>')).toEqual([]);
  });
});

describe('architectureSvg', () => {
  describe('of the default stack', () => {
    let template: TemplateResources;
    let svg: string;

    beforeAll(() => {
      template = defaultTemplate();
      svg = architectureSvg(template, { title: 'SecureScheduling', region: 'eu-west-1' }) as string;
    });

    test('is one well-formed SVG element, with nothing outside itself: no scripts, images, fonts or links out', () => {
      expect(xmlProblems(svg)).toEqual([]);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
      expect(svg).not.toMatch(
        /<script|<image|<foreignObject|<style|@import|href="(?!#C\d+")|url\((?!#arch-arrow-)/i,
      );
    });

    test('names each of its tiers, and the elements of each', () => {
      for (const tier of Object.values(ARCHITECTURE_TIERS)) {
        expect(svg).toContain(`>${tier}</text>`);
      }
      for (const element of [
        'WAF web ACL',
        'Load balancer',
        'Operator sign-in',
        'App tasks',
        'NAT gateway',
        'DNS firewall',
        'Database',
        'Backup vault',
        'Activity trail',
        'Alarms',
        'Alert topic',
      ]) {
        expect(svg).toContain(`font-weight="bold">${element}</text>`);
      }
    });

    test('draws the trust boundaries: the internet, the region, the VPC and its three kinds of subnet', () => {
      for (const boundary of [
        'Internet',
        'AWS region eu-west-1',
        'VPC',
        'Public subnets',
        'Private subnets',
        'Isolated subnets',
      ]) {
        expect(svg).toMatch(
          new RegExp(`<g class="boundary"><rect [^>]*/><text [^>]*>${boundary}</text></g>`),
        );
      }
    });

    test('draws the data flows: the request path, the way out through the DNS firewall and NAT, backups, alerts', () => {
      expect(flowsOf(svg)).toEqual([
        'users → waf',
        'waf → alb',
        'alb → service',
        'alb → signin',
        'service → db',
        'service → dnsfw',
        'dnsfw → nat',
        'nat → apis',
        'db → vault',
        'trail → alarms',
        'alarms → topic',
        'rules → topic',
      ]);
    });

    test('places each element in the subnets its resources are in', () => {
      const x = (element: string) =>
        Number(new RegExp(`data-element="${element}"><title>[^<]*</title><rect x="(\\d+)"`).exec(svg)?.[1]);
      const subnetX = (label: string) =>
        Number(
          new RegExp(`<rect x="(\\d+)" [^>]* fill="#f6f8fa"[^>]*/><text [^>]*>${label}</text>`).exec(
            svg,
          )?.[1],
        );
      expect(x('alb')).toBe(subnetX('Public subnets') + 6);
      expect(x('nat')).toBe(subnetX('Public subnets') + 6);
      expect(x('service')).toBe(subnetX('Private subnets') + 6);
      expect(x('db')).toBe(subnetX('Isolated subnets') + 6);
    });

    test('moves an element to the subnets its resources are in: a service in public subnets is drawn there', () => {
      const moved = JSON.parse(JSON.stringify(template)) as {
        Resources: Record<string, { Type: string; Properties: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
      };
      const alb = moved.Resources[logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')];
      const service = moved.Resources[logicalIdOf(template, 'AWS::ECS::Service')];
      service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets = alb.Properties.Subnets;
      const svg = architectureSvg(moved) as string;
      const x = (element: string) =>
        Number(new RegExp(`data-element="${element}"><title>[^<]*</title><rect x="(\\d+)"`).exec(svg)?.[1]);
      expect(x('service')).toBe(x('alb'));
      expect(xmlProblems(svg)).toEqual([]);
    });

    test('is the same picture for the same template', () => {
      const again = architectureSvg(JSON.parse(JSON.stringify(template)), {
        title: 'SecureScheduling',
        region: 'eu-west-1',
      });
      expect(again).toBe(svg);
    });

    test('badges each element with the checklist items its rules judged, coloured by the worst outcome', () => {
      const paths = new Map([
        [logicalIdOf(template, 'AWS::WAFv2::WebACL'), 'S/WebAcl/Resource'],
        [logicalIdOf(template, 'AWS::RDS::DBInstance'), 'S/Database/Instance/Resource'],
      ]);
      const outcome = (ruleId: string, resourcePath: string, status: RuleOutcome['status']): RuleOutcome => ({
        pack: 'SchedulingChecklist',
        ruleId,
        resourcePath,
        status,
        level: 'Error',
        info: 'finding',
      });
      const outcomes = [
        outcome('SchedulingChecklist-C9-LoadBalancerWebAcl', 'S/WebAcl/Resource', 'compliant'),
        outcome('SchedulingChecklist-C3-DatabaseNotPublic', 'S/Database/Instance/Resource', 'compliant'),
        outcome(
          'SchedulingChecklist-C5-CustomerManagedKeys',
          'S/Database/Instance/Resource',
          'non-compliant',
        ),
        outcome(
          'SchedulingChecklist-C6-DatabaseBackupRetention',
          'S/Database/Instance/Resource',
          'compliant',
        ),
      ];
      const badged = architectureSvg(template, { paths, outcomes }) as string;
      expect(xmlProblems(badged)).toEqual([]);
      const badges = (element: string) =>
        [
          ...(new RegExp(`data-element="${element}">.*?</g>`).exec(badged)?.[0] ?? '').matchAll(
            /<a href="#(C\d+)" class="badge (\w+)"><title>([^<]*)<\/title>/g,
          ),
        ].map((m) => `${m[1]} ${m[2]}: ${m[3].replace(/^C\d+ [^:]*: /, '')}`);
      expect(badges('db')).toEqual([
        'C3 passed: 1 compliant',
        'C5 open: 1 non-compliant',
        'C6 passed: 1 compliant',
      ]);
      expect(badges('waf')).toEqual(['C9 passed: 1 compliant']);
      expect(badges('alb')).toEqual([]);
    });
  });

  describe('of a stack with only an audit tier', () => {
    let svg: string;

    beforeAll(() => {
      const stack = testStack(testApp(), 'Alerting');
      const topic = new sns.Topic(stack, 'Topic');
      new cloudwatch.Alarm(stack, 'Alarm', {
        metric: new cloudwatch.Metric({
          namespace: 'App',
          metricName: 'Errors',
          period: Duration.minutes(5),
        }),
        threshold: 1,
        evaluationPeriods: 1,
      }).addAlarmAction(new actions.SnsAction(topic));
      svg = architectureSvg(Template.fromStack(stack).toJSON() as TemplateResources, {
        title: 'A <stack> & "its" alarms',
      }) as string;
    });

    test('names the tier it has and leaves out the tiers, boundaries and flows it lacks', () => {
      expect(xmlProblems(svg)).toEqual([]);
      expect(svg).toContain('>Audit tier</text>');
      for (const absent of [
        'Edge tier',
        'App tier',
        'Data tier',
        '>EDGE<',
        '>APP<',
        '>DATA<',
        'Internet',
        'VPC',
        'subnets',
      ]) {
        expect(svg).not.toContain(absent);
      }
      expect(flowsOf(svg)).toEqual(['alarms → topic']);
    });

    test('escapes the text it is given', () => {
      expect(svg).toContain('Architecture of A &lt;stack&gt; &amp; &quot;its&quot; alarms</text>');
    });
  });

  test('draws nothing for a stack with none of the elements it knows', () => {
    expect(architectureSvg({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } })).toBeUndefined();
  });
});
