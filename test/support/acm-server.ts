/**
 * A small AWS Certificate Manager on 127.0.0.1 that speaks ACM's JSON 1.1 protocol (X-Amz-Target
 * `CertificateManager.<Operation>`, JSON errors with `__type`), so the real `@aws-sdk/client-acm` client can be
 * tested end to end: ListCertificates with pages and the key-type filter, DescribeCertificate, throttling and
 * access denial.
 */
import * as http from 'node:http';
import { LocalServer } from './local-server';

/** A certificate as ACM's JSON carries it (dates in epoch seconds). */
export type AcmCertificate = Record<string, unknown> & { CertificateArn: string; DomainName: string };

export interface AcmScenario {
  certificates: AcmCertificate[];
  /** Certificates per ListCertificates page. @default 100 */
  pageSize?: number;
  /** Answer this many requests with ThrottlingException before answering normally. @default 0 */
  throttle?: number;
  /** Answer every request with AccessDeniedException. @default false */
  deny?: boolean;
}

export interface AcmRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string;
}

const DAY_S = 24 * 60 * 60;
const nowS = () => Math.floor(Date.now() / 1000);
let serial = 0;

/** A healthy, DNS-validated ACM certificate for `domain` with a year and half a day left; `overrides` change any field. */
export function acmCertificate(domain: string, overrides: Record<string, unknown> = {}): AcmCertificate {
  serial++;
  return {
    CertificateArn: `arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-${String(serial).padStart(12, '0')}`,
    DomainName: domain,
    SubjectAlternativeNames: [domain],
    Status: 'ISSUED',
    Type: 'AMAZON_ISSUED',
    KeyAlgorithm: 'RSA_2048',
    Issuer: 'Amazon',
    Subject: `CN=${domain}`,
    NotBefore: nowS() - 30 * DAY_S,
    NotAfter: nowS() + 365 * DAY_S + DAY_S / 2,
    RenewalEligibility: 'ELIGIBLE',
    InUseBy: [],
    Options: { CertificateTransparencyLoggingPreference: 'ENABLED' },
    ...overrides,
  };
}

/** Seconds since the epoch, `days` from now (negative for the past). */
export function inDays(days: number): number {
  return nowS() + Math.round(days * DAY_S);
}

const DEFAULT_KEY_TYPES = ['RSA_1024', 'RSA_2048'];

export class AcmServer extends LocalServer {
  public scenario: AcmScenario = { certificates: [] };
  public readonly requests: AcmRequest[] = [];

  /** Sets the next scenario and forgets the requests seen so far. */
  public use(scenario: AcmScenario): void {
    this.scenario = scenario;
    this.requests.length = 0;
  }

  protected answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^CertificateManager\./, '');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    this.requests.push({ operation, body, authorization: String(req.headers.authorization ?? '') });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': `req-${this.requests.length}`,
      });
      res.end(JSON.stringify(payload));
    };
    const error = (status: number, type: string, message: string) =>
      send(status, { __type: `com.amazonaws.acm#${type}`, message });

    if (!target.startsWith('CertificateManager.')) {
      return error(400, 'UnknownOperationException', `unknown target '${target}'`);
    }
    if (this.scenario.deny) {
      return error(
        400,
        'AccessDeniedException',
        `User: arn:aws:iam::111111111111:user/ci is not authorized to perform: acm:${operation}`,
      );
    }
    if ((this.scenario.throttle ?? 0) > 0) {
      this.scenario.throttle!--;
      return error(400, 'ThrottlingException', 'Rate exceeded');
    }
    if (operation === 'ListCertificates') {
      const includes = body.Includes as { keyTypes?: string[] } | undefined;
      const keyTypes = includes?.keyTypes ?? DEFAULT_KEY_TYPES;
      const matching = this.scenario.certificates.filter((c) => keyTypes.includes(String(c.KeyAlgorithm)));
      const size = Math.min(Number(body.MaxItems ?? 1000), this.scenario.pageSize ?? 100);
      const start = body.NextToken ? Number(body.NextToken) : 0;
      const page = matching.slice(start, start + size);
      const next = start + size < matching.length ? String(start + size) : undefined;
      return send(200, {
        CertificateSummaryList: page.map((c) => ({
          CertificateArn: c.CertificateArn,
          DomainName: c.DomainName,
          SubjectAlternativeNameSummaries: c.SubjectAlternativeNames,
          HasAdditionalSubjectAlternativeNames: false,
          Status: c.Status,
          Type: c.Type,
          KeyAlgorithm: c.KeyAlgorithm,
          NotAfter: c.NotAfter,
          InUse: ((c.InUseBy as string[] | undefined) ?? []).length > 0,
        })),
        ...(next ? { NextToken: next } : {}),
      });
    }
    if (operation === 'DescribeCertificate') {
      const found = this.scenario.certificates.find((c) => c.CertificateArn === body.CertificateArn);
      return found
        ? send(200, { Certificate: found })
        : error(
            400,
            'ResourceNotFoundException',
            `Could not find certificate ${String(body.CertificateArn)}.`,
          );
    }
    return error(400, 'UnknownOperationException', `operation ${operation} is not served here`);
  }
}
