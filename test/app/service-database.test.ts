/* eslint-disable @typescript-eslint/no-explicit-any */
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import {
  ContainerAppOptions,
  SchedulingApp,
  SchedulingDatabase,
  SchedulingNetwork,
  SchedulingService,
  TlsLoadBalancer,
} from '../../lib';
import { testStack } from '../support/app';

const CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/0b0a6f6e-3c41-4a8e-9f64-2d1c3d5e7a90';
const APP: ContainerAppOptions = {
  name: 'booking',
  image: 'ghcr.io/acme/booking:1.4.2',
  containerPort: 8080,
};

/** The container of a service of `app` wired to a database. */
function containerOf(app: ContainerAppOptions): any {
  const stack = testStack();
  const network = new SchedulingNetwork(stack, 'Network');
  const lb = new TlsLoadBalancer(stack, 'LoadBalancer', {
    vpc: network.vpc,
    domainName: 'schedule.example.com',
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT_ARN),
  });
  const database = new SchedulingDatabase(stack, 'Database', {
    vpc: network.vpc,
    vpcSubnets: network.dataSubnets,
    rotationSubnets: network.appSubnets,
  });
  new SchedulingService(stack, 'App', {
    vpc: network.vpc,
    vpcSubnets: network.appSubnets,
    listener: lb.httpsListener,
    app: SchedulingApp.container(app),
    database: {
      secret: database.secret,
      hostname: database.instance.dbInstanceEndpointAddress,
      port: database.port,
      databaseName: database.databaseName,
      connections: database,
    },
  });
  const taskDefinition = Object.values(
    Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'),
  )[0];
  return taskDefinition.Properties.ContainerDefinitions[0];
}

describe('SchedulingService', () => {
  describe('with a database', () => {
    let plain: any;
    let withUrl: any;

    beforeAll(() => {
      plain = containerOf(APP);
      withUrl = containerOf({
        ...APP,
        databaseUrl: { urlVariables: ['DB_URL'], startCommand: '/app/start --port 8080' },
      });
    });

    test("an app that reads libpq's variables gets them, with TLS required, and keeps its own command", () => {
      const env = Object.fromEntries(plain.Environment.map((e: any) => [e.Name, e.Value]));
      expect(env.PGPORT).toBe('5438');
      expect(env.PGDATABASE).toBe('scheduling');
      expect(env.PGSSLMODE).toBe('require');
      expect(env.PGHOST).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^DatabaseInstance/), 'Endpoint.Address'],
      });
      expect(plain.Secrets.map((s: any) => s.Name)).toEqual(['PGUSER', 'PGPASSWORD']);
      expect(plain.EntryPoint).toBeUndefined();
      expect(plain.Command).toBeUndefined();
    });

    test('an app with a URL wiring gets its URL composed before its own start command', () => {
      expect(withUrl.EntryPoint).toEqual(['/bin/sh', '-c']);
      expect(withUrl.Command[0].split('\n')).toEqual([
        'set -eu',
        'export DB_URL="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE?sslmode=$PGSSLMODE"',
        'exec /app/start --port 8080',
      ]);
    });
  });
});
