/**
 * A small Amazon S3 on 127.0.0.1 that speaks S3's REST-XML protocol for a bucket's Object Lock configuration
 * (`PUT /<bucket>?object-lock`, `GET /<bucket>?object-lock`, path-style), with S3's XML errors, and that takes
 * any other `PUT` as an object upload (a pre-signed CloudFormation response URL), so the real
 * `@aws-sdk/client-s3` client and a custom resource's answer can be tested end to end.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { crc32 } from 'node:zlib';
import { LocalServer } from './local-server';

/** A bucket's Object Lock configuration, as S3 keeps it. */
export interface ObjectLockConfiguration {
  readonly enabled: boolean;
  readonly mode?: string;
  readonly days?: number;
  readonly years?: number;
}

/** A bucket of the server: versioned or not, and its Object Lock configuration. */
export interface LocalBucket {
  versioned: boolean;
  objectLock?: ObjectLockConfiguration;
}

export interface S3Scenario {
  /** Answer every Object Lock request with AccessDenied (HTTP 403). @default false */
  deny?: boolean;
  /** What GetObjectLockConfiguration reports instead of what was stored. @default - what was stored */
  report?: ObjectLockConfiguration;
}

/** A request the server received. */
export interface S3Request {
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly authorization: string;
}

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export class S3Server extends LocalServer {
  public scenario: S3Scenario = {};
  public readonly buckets = new Map<string, LocalBucket>();
  public readonly requests: S3Request[] = [];
  /** Bodies of the objects uploaded, by path (the custom resource's answers). */
  public readonly uploads = new Map<string, string>();

  /** Sets the buckets and the scenario, and forgets what was received so far. */
  public use(buckets: Record<string, LocalBucket>, scenario: S3Scenario = {}): void {
    this.buckets.clear();
    for (const [name, bucket] of Object.entries(buckets)) this.buckets.set(name, { ...bucket });
    this.scenario = scenario;
    this.requests.length = 0;
    this.uploads.clear();
  }

  protected answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const objectLock = url.searchParams.has('object-lock');
    const operation = objectLock
      ? `${req.method === 'PUT' ? 'Put' : 'Get'}ObjectLockConfiguration`
      : `${req.method === 'PUT' ? 'Put' : 'Get'}Object`;
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      operation,
      authorization: String(req.headers.authorization ?? ''),
    });
    const requestId = `s3-${this.requests.length}`;
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
      res.end(xml === '' ? '' : `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
    };
    const error = (status: number, code: string, message: string) =>
      send(
        status,
        `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
      );

    if (!objectLock) {
      if (req.method !== 'PUT') return error(405, 'MethodNotAllowed', 'only uploads are served here');
      this.uploads.set(url.pathname, raw);
      res.writeHead(200, { etag: `"${createHash('md5').update(raw).digest('hex')}"` });
      res.end();
      return;
    }
    if (!/^AWS4-HMAC-SHA256 Credential=/.test(String(req.headers.authorization ?? ''))) {
      return error(403, 'AccessDenied', 'request is not signed with Signature Version 4');
    }
    if (this.scenario.deny) {
      return error(
        403,
        'AccessDenied',
        `User is not authorized to perform: s3:${operation.replace('ObjectLock', 'BucketObjectLock')}`,
      );
    }
    const name = url.pathname.replace(/^\/|\/$/g, '');
    const bucket = this.buckets.get(name);
    if (bucket === undefined) return error(404, 'NoSuchBucket', 'The specified bucket does not exist');

    if (req.method === 'PUT') {
      // S3 requires an integrity check on this call: Content-MD5 or an x-amz-checksum-* header, that matches.
      const md5 = req.headers['content-md5'];
      const crc = req.headers['x-amz-checksum-crc32'];
      if (md5 === undefined && crc === undefined) {
        return error(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5');
      }
      const bytes = Buffer.from(raw, 'utf8');
      if (md5 !== undefined && md5 !== createHash('md5').update(bytes).digest('base64')) {
        return error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
      }
      if (crc !== undefined) {
        const expected = Buffer.alloc(4);
        expected.writeUInt32BE(crc32(bytes));
        if (crc !== expected.toString('base64')) {
          return error(400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
        }
      }
      if (!raw.includes('<ObjectLockConfiguration') || tag(raw, 'ObjectLockEnabled') !== 'Enabled') {
        return error(400, 'MalformedXML', 'The XML you provided was not well-formed');
      }
      if (!bucket.versioned) {
        return error(
          409,
          'InvalidBucketState',
          "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
        );
      }
      const mode = tag(raw, 'Mode');
      const days = tag(raw, 'Days');
      const years = tag(raw, 'Years');
      if (mode !== undefined && !['GOVERNANCE', 'COMPLIANCE'].includes(mode)) {
        return error(400, 'MalformedXML', 'The XML you provided was not well-formed');
      }
      if (mode !== undefined && (days === undefined) === (years === undefined)) {
        return error(400, 'MalformedXML', 'a default retention takes either Days or Years');
      }
      bucket.objectLock = {
        enabled: true,
        mode,
        days: days === undefined ? undefined : Number(days),
        years: years === undefined ? undefined : Number(years),
      };
      return send(200, '');
    }

    const shown = this.scenario.report ?? bucket.objectLock;
    if (shown === undefined) {
      return error(
        404,
        'ObjectLockConfigurationNotFoundError',
        'Object Lock configuration does not exist for this bucket',
      );
    }
    const retention =
      shown.mode === undefined
        ? ''
        : `<Rule><DefaultRetention><Mode>${shown.mode}</Mode>${shown.days === undefined ? '' : `<Days>${shown.days}</Days>`}${shown.years === undefined ? '' : `<Years>${shown.years}</Years>`}</DefaultRetention></Rule>`;
    send(
      200,
      `<ObjectLockConfiguration xmlns="${NS}"><ObjectLockEnabled>${shown.enabled ? 'Enabled' : ''}</ObjectLockEnabled>${retention}</ObjectLockConfiguration>`,
    );
  }
}
