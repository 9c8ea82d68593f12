import {
  CloudFormationTemplate,
  dataHoldingResourcesOf,
  holdsData,
  IN_PLACE_UPDATES,
  statefulChanges,
  TemplateResource,
} from '../../lib/guard/stateful-changes';

/** A resource with a construct path, as `cdk synth` writes it. */
function resource(type: string, path: string, more: Partial<TemplateResource> = {}): TemplateResource {
  return { Type: type, Metadata: { 'aws:cdk:path': path }, ...more };
}

function template(resources: Record<string, TemplateResource>): CloudFormationTemplate {
  return { Resources: resources };
}

const RETAIN = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };

const bucket = (props: Record<string, unknown> = {}, path = 'App/Uploads/Resource') =>
  resource('AWS::S3::Bucket', path, { Properties: props, ...RETAIN });

const database = (props: Record<string, unknown> = {}) =>
  resource('AWS::RDS::DBInstance', 'App/Database/Instance/Resource', {
    Properties: {
      Engine: 'postgres',
      EngineVersion: '17',
      DBInstanceClass: 'db.t4g.medium',
      BackupRetentionPeriod: 14,
      MultiAZ: true,
      DBParameterGroupName: { Ref: 'Parameters' },
      DBSubnetGroupName: { Ref: 'SubnetGroup' },
      ...props,
    },
    DeletionPolicy: 'Snapshot',
    UpdateReplacePolicy: 'Snapshot',
  });

const parameters = (family: string) =>
  resource('AWS::RDS::DBParameterGroup', 'App/Database/Parameters/Resource', {
    Properties: { Family: family, Description: 'hardened', Parameters: { 'rds.force_ssl': '1' } },
  });

const subnetGroup = (description: string, name?: string) =>
  resource('AWS::RDS::DBSubnetGroup', 'App/Database/SubnetGroup/Default', {
    Properties: {
      DBSubnetGroupDescription: description,
      SubnetIds: ['subnet-1', 'subnet-2'],
      DBSubnetGroupName: name,
    },
  });

describe('statefulChanges', () => {
  describe('replacements', () => {
    test('a property that requires replacement replaces the bucket: logical id, construct path, type and property are named', () => {
      const report = statefulChanges(
        template({ Uploads: bucket({ BucketName: 'uploads-a' }) }),
        template({ Uploads: bucket({ BucketName: 'uploads-b' }) }),
      );
      expect(report.ok).toBe(false);
      expect(report.changes).toEqual([
        {
          kind: 'replaced',
          blocking: true,
          logicalId: 'Uploads',
          constructPath: 'App/Uploads/Resource',
          resourceType: 'AWS::S3::Bucket',
          causes: [{ property: 'BucketName', effect: 'replace' }],
          message:
            'Uploads (App/Uploads/Resource, AWS::S3::Bucket) would be replaced: BucketName requires replacement; a new, empty resource would take its place and its objects would be left behind (the old one is kept by its UpdateReplacePolicy Retain, but the stack moves to the new one)',
        },
      ]);
    });

    test('a replaced resource it references replaces the database too (the subnet group, by its name)', () => {
      const report = statefulChanges(
        template({ SubnetGroup: subnetGroup('old', 'db-a'), Database: database() }),
        template({ SubnetGroup: subnetGroup('old', 'db-b'), Database: database() }),
      );
      expect(report.changes).toEqual([
        expect.objectContaining({
          logicalId: 'Database',
          kind: 'replaced',
          causes: [{ property: 'DBSubnetGroupName', effect: 'replace' }],
        }),
      ]);
    });

    test('a property that may require replacement is reported as a possible replacement', () => {
      const cluster = (user: string) =>
        resource('AWS::RDS::DBCluster', 'App/Database/Cluster/Resource', {
          Properties: { Engine: 'aurora-postgresql', MasterUsername: user },
          DeletionPolicy: 'Snapshot',
        });
      const report = statefulChanges(
        template({ Cluster: cluster('admin_a') }),
        template({ Cluster: cluster('admin_b') }),
      );
      expect(report.changes).toEqual([
        expect.objectContaining({
          kind: 'may-be-replaced',
          blocking: true,
          causes: [{ property: 'MasterUsername', effect: 'may-replace' }],
          message: expect.stringContaining('may be replaced: MasterUsername may require replacement'),
        }),
      ]);
    });

    test('a new type under the same logical id is a replacement', () => {
      const report = statefulChanges(
        template({ Store: resource('AWS::SQS::Queue', 'App/Store/Resource') }),
        template({ Store: bucket({}, 'App/Store/Resource') }),
      );
      expect(report.changes).toEqual([
        expect.objectContaining({ kind: 'replaced', causes: [{ property: 'Type', effect: 'replace' }] }),
      ]);
    });
  });

  describe('updates in place that cloudformation-diff reads as "may replace"', () => {
    test.each([
      ['BackupRetentionPeriod', { BackupRetentionPeriod: 21 }],
      ['MultiAZ', { MultiAZ: false }],
    ])(
      '%s of a database instance: updated in place, citing the CloudFormation reference',
      (property, props) => {
        const report = statefulChanges(
          template({ Database: database() }),
          template({ Database: database(props) }),
        );
        expect(report.ok).toBe(true);
        expect(report.changes).toEqual([
          expect.objectContaining({
            kind: 'updated-in-place',
            blocking: false,
            causes: [
              expect.objectContaining({
                property,
                effect: 'in-place',
                reference: expect.stringMatching(
                  /^https:\/\/docs\.aws\.amazon\.com\/AWSCloudFormation\/latest\/TemplateReference\/aws-resource-rds-dbinstance\.html#cfn-rds-dbinstance-/,
                ),
              }),
            ],
          }),
        ]);
      },
    );

    test('a new parameter group family replaces the group, not the database it is attached to', () => {
      const report = statefulChanges(
        template({ Parameters: parameters('postgres16'), Database: database({ EngineVersion: '16' }) }),
        template({
          Parameters: parameters('postgres17'),
          Database: database({ AllowMajorVersionUpgrade: true }),
        }),
      );
      expect(report.changes).toEqual([
        expect.objectContaining({
          logicalId: 'Database',
          kind: 'updated-in-place',
          causes: [expect.objectContaining({ property: 'DBParameterGroupName', effect: 'in-place' })],
        }),
      ]);
    });

    test('an in-place property beside one that replaces does not hide the replacement', () => {
      const report = statefulChanges(
        template({ Database: database() }),
        template({ Database: database({ BackupRetentionPeriod: 21, DBName: 'other' }) }),
      );
      expect(report.changes[0]).toMatchObject({
        kind: 'replaced',
        causes: expect.arrayContaining([
          { property: 'DBName', effect: 'replace' },
          expect.objectContaining({ property: 'BackupRetentionPeriod', effect: 'in-place' }),
        ]),
        message: expect.stringMatching(/would be replaced: DBName requires replacement;/),
      });
    });

    test('every in-place entry links the entry of its property on the CloudFormation reference page', () => {
      for (const entry of IN_PLACE_UPDATES) {
        expect(entry.reference).toMatch(
          new RegExp(
            `#cfn-${entry.resourceType.split('::').slice(1).join('-').toLowerCase()}-${entry.property.toLowerCase()}$`,
          ),
        );
      }
    });
  });

  describe('removals', () => {
    test('a queue that leaves the template is deleted with its messages', () => {
      const report = statefulChanges(
        template({ Dlq: resource('AWS::SQS::Queue', 'App/Monitor/DeadLetterQueue/Resource') }),
        template({}),
      );
      expect(report.changes).toEqual([
        expect.objectContaining({
          kind: 'removed',
          blocking: true,
          message:
            'Dlq (App/Monitor/DeadLetterQueue/Resource, AWS::SQS::Queue) would be removed from the stack and deleted with its messages (DeletionPolicy Delete)',
        }),
      ]);
    });

    test('a database that leaves the template is deleted after its final snapshot: still a loss', () => {
      const report = statefulChanges(template({ Database: database() }), template({}));
      expect(report.changes[0]).toMatchObject({
        kind: 'removed',
        blocking: true,
        message: expect.stringContaining('deleted after a final snapshot (DeletionPolicy Snapshot)'),
      });
    });

    test('a retained resource that leaves is kept in the account, no longer managed: reported, not blocking', () => {
      const report = statefulChanges(
        template({ Logs: resource('AWS::Logs::LogGroup', 'App/Monitor/LogGroup/Resource', RETAIN) }),
        template({ Other: resource('AWS::Logs::LogGroup', 'App/BreakGlass/Task/LogGroup/Resource', RETAIN) }),
      );
      expect(report.ok).toBe(true);
      expect(report.changes).toEqual([
        expect.objectContaining({
          kind: 'kept-unmanaged',
          blocking: false,
          message: expect.stringContaining('kept in the account with its log events (DeletionPolicy Retain)'),
        }),
      ]);
    });

    test('a retained resource whose construct was renamed is moved: the stack would use a new, empty one', () => {
      const report = statefulChanges(
        template({ UploadsA1B2C3D4: bucket({}, 'App/Uploads/Resource') }),
        template({ FilesE5F6A7B8: bucket({}, 'App/Files/Resource') }),
      );
      expect(report.ok).toBe(false);
      expect(report.changes).toEqual([
        expect.objectContaining({
          kind: 'moved',
          blocking: true,
          logicalId: 'UploadsA1B2C3D4',
          replacedBy: { logicalId: 'FilesE5F6A7B8', constructPath: 'App/Files/Resource' },
        }),
      ]);
    });
  });

  describe('what is not data', () => {
    test('resources that hold no data may be replaced or removed', () => {
      const fn = (name: string) =>
        resource('AWS::Lambda::Function', 'App/Fn/Resource', { Properties: { FunctionName: name } });
      const report = statefulChanges(
        template({ Fn: fn('a'), Params: parameters('postgres16') }),
        template({ Fn: fn('b') }),
      );
      expect(report).toEqual({ ok: true, changes: [], dataHoldingResources: 0 });
    });

    test('an instance of an Aurora cluster holds no data of its own', () => {
      expect(
        holdsData({ Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'C' } } }),
      ).toBe(false);
      expect(holdsData({ Type: 'AWS::RDS::DBInstance', Properties: {} })).toBe(true);
    });

    test('templates without construct paths are compared all the same', () => {
      const report = statefulChanges(
        template({ Q: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true } } }),
        template({ Q: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: false } } }),
      );
      expect(report.changes).toEqual([
        expect.objectContaining({
          kind: 'replaced',
          message: expect.stringMatching(/^Q \(AWS::SQS::Queue\) would be replaced/),
        }),
      ]);
      expect(report.changes[0].constructPath).toBeUndefined();
    });
  });
});

describe('dataHoldingResourcesOf', () => {
  test('keeps the data-holding resources, each with its type, properties, policies and construct path only', () => {
    const minimized = dataHoldingResourcesOf(
      template({
        Zeta: bucket({ VersioningConfiguration: { Status: 'Enabled' } }),
        Alpha: resource('AWS::KMS::Key', 'App/Key/Resource', {
          Properties: { EnableKeyRotation: true },
          ...RETAIN,
          DependsOn: ['X'],
        }),
        Fn: resource('AWS::Lambda::Function', 'App/Fn/Resource'),
      }),
    );
    expect(minimized).toEqual({
      Resources: {
        Alpha: {
          Type: 'AWS::KMS::Key',
          Properties: { EnableKeyRotation: true },
          ...RETAIN,
          Metadata: { 'aws:cdk:path': 'App/Key/Resource' },
        },
        Zeta: bucket({ VersioningConfiguration: { Status: 'Enabled' } }),
      },
    });
    expect(Object.keys(minimized.Resources!)).toEqual(['Alpha', 'Zeta']);
  });
});
