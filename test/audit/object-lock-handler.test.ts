/**
 * The in-place Object Lock function end to end: the real @aws-sdk/client-s3 client against a local server
 * speaking S3's REST-XML protocol for PutObjectLockConfiguration and GetObjectLockConfiguration, and the
 * custom resource's answer PUT to a pre-signed URL on the same server, as CloudFormation hands it out.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { handler, lockBucket } from '../../lib/audit/object-lock-handler';
import { CustomResourceEvent } from '../../lib/private/custom-resource-response';
import { S3Server } from '../support/s3-server';

const BUCKET = 'securescheduling-audittrailbucket-1a2b3c4d5e6f';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' };

describe('Object Lock function', () => {
  const server = new S3Server();
  let client: S3Client;

  beforeAll(async () => {
    await server.start();
    client = new S3Client({
      region: 'eu-west-1',
      credentials,
      endpoint: server.endpoint,
      forcePathStyle: true,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  describe('lockBucket', () => {
    test('turns Object Lock on for a versioned bucket in governance mode and reads it back', async () => {
      server.use({ [BUCKET]: { versioned: true } });
      await expect(lockBucket(client, BUCKET, 365)).resolves.toEqual({
        bucketName: BUCKET,
        mode: 'GOVERNANCE',
        days: 365,
      });
      expect(server.buckets.get(BUCKET)!.objectLock).toEqual({
        enabled: true,
        mode: 'GOVERNANCE',
        days: 365,
        years: undefined,
      });
      expect(server.requests.map((r) => [r.operation, r.path])).toEqual([
        ['PutObjectLockConfiguration', `/${BUCKET}/`],
        ['GetObjectLockConfiguration', `/${BUCKET}/`],
      ]);
      expect(server.requests[0].authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\//,
      );
    });

    test('changes the retention of a bucket locked before', async () => {
      server.use({
        [BUCKET]: { versioned: true, objectLock: { enabled: true, mode: 'GOVERNANCE', days: 365 } },
      });
      await lockBucket(client, BUCKET, 400);
      expect(server.buckets.get(BUCKET)!.objectLock).toMatchObject({ mode: 'GOVERNANCE', days: 400 });
    });

    test('fails with S3 own words when the bucket is not versioned', async () => {
      server.use({ [BUCKET]: { versioned: false } });
      await expect(lockBucket(client, BUCKET, 365)).rejects.toThrow(/Versioning must be 'Enabled'/);
      expect(server.buckets.get(BUCKET)!.objectLock).toBeUndefined();
    });

    test('fails when S3 refuses the role', async () => {
      server.use({ [BUCKET]: { versioned: true } }, { deny: true });
      await expect(lockBucket(client, BUCKET, 365)).rejects.toThrow(/not authorized/);
    });

    test('fails when S3 reports another configuration than the one set', async () => {
      server.use(
        { [BUCKET]: { versioned: true } },
        { report: { enabled: true, mode: 'GOVERNANCE', days: 1 } },
      );
      await expect(lockBucket(client, BUCKET, 365)).rejects.toThrow(
        `${BUCKET} reports Object Lock Enabled with GOVERNANCE retention of 1 days, not GOVERNANCE for 365 days`,
      );
    });

    test('refuses something that is not a bucket name before calling S3', async () => {
      server.use({});
      await expect(lockBucket(client, 'Not A Bucket', 365)).rejects.toThrow(
        /not a bucket name: 'Not A Bucket'/,
      );
      expect(server.requests).toEqual([]);
    });
  });

  describe('handler', () => {
    const saved = { ...process.env };
    beforeAll(() => {
      // The client the handler makes reads its endpoint, region and credentials from the environment, as the
      // Lambda runtime provides them.
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_S3: server.endpoint,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_MAX_ATTEMPTS: '1',
      });
      delete process.env.AWS_SESSION_TOKEN;
      delete process.env.AWS_PROFILE;
    });
    afterAll(() => {
      process.env = saved;
    });

    const event = (type: CustomResourceEvent['RequestType'], days = '365'): CustomResourceEvent => ({
      RequestType: type,
      ResponseURL: `${server.endpoint}/cloudformation-custom-resource-response-euwest1/answer?X-Amz-Signature=abc`,
      StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/SecureScheduling/guid',
      RequestId: 'request-1',
      LogicalResourceId: 'AuditTrailObjectLock',
      ...(type === 'Create' ? {} : { PhysicalResourceId: `${BUCKET}/object-lock` }),
      ResourceProperties: { BucketName: BUCKET, RetentionDays: days, CodeHash: 'abc' },
    });
    const answer = () =>
      JSON.parse(
        server.uploads.get('/cloudformation-custom-resource-response-euwest1/answer') ?? '{}',
      ) as Record<string, unknown>;

    test('Create locks the bucket and answers SUCCESS with the mode and days', async () => {
      server.use({ [BUCKET]: { versioned: true } });
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      await handler(event('Create'));
      log.mockRestore();
      expect(server.buckets.get(BUCKET)!.objectLock).toMatchObject({
        enabled: true,
        mode: 'GOVERNANCE',
        days: 365,
      });
      expect(answer()).toEqual({
        Status: 'SUCCESS',
        Reason: 'See the function log',
        PhysicalResourceId: `${BUCKET}/object-lock`,
        StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/SecureScheduling/guid',
        RequestId: 'request-1',
        LogicalResourceId: 'AuditTrailObjectLock',
        NoEcho: false,
        Data: { Mode: 'GOVERNANCE', Days: '365' },
      });
    });

    test('a refusal answers FAILED with S3 reason, so the deployment stops and names it', async () => {
      server.use({ [BUCKET]: { versioned: false } });
      const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      await handler(event('Update', '400'));
      err.mockRestore();
      expect(answer()).toMatchObject({
        Status: 'FAILED',
        Reason: expect.stringMatching(/Versioning must be 'Enabled'/),
      });
    });

    test('Delete changes nothing on the bucket (S3 cannot turn Object Lock off) and answers SUCCESS', async () => {
      server.use({
        [BUCKET]: { versioned: true, objectLock: { enabled: true, mode: 'GOVERNANCE', days: 365 } },
      });
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      await handler(event('Delete'));
      log.mockRestore();
      expect(server.requests.map((r) => r.operation)).toEqual(['PutObject']);
      expect(server.buckets.get(BUCKET)!.objectLock).toMatchObject({ days: 365 });
      expect(answer()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${BUCKET}/object-lock` });
    });
  });
});
