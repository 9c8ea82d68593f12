/**
 * Certificates made at test time with the `openssl` command line, and real HTTPS/HTTP servers on 127.0.0.1
 * that use them, for testing `verify` over real sockets.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

/** A private CA and leaf certificates signed by it, in a temporary directory. */
export class TestCa {
  public readonly directory = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-scheduling-tls-'));
  /** Path of the CA certificate (PEM), for `--ca`. */
  public readonly caFile = path.join(this.directory, 'ca.pem');
  private readonly caKey = path.join(this.directory, 'ca.key');

  constructor() {
    this.openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '30',
      '-keyout',
      this.caKey,
      '-out',
      this.caFile,
      '-subj',
      '/CN=secure-scheduling test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  }

  /** A leaf certificate for `names` (DNS names), valid for `days`, signed by this CA. */
  public issue(name: string, names: string[], days: number): KeyPair {
    const base = path.join(this.directory, name);
    const ext = `${base}.ext`;
    fs.writeFileSync(
      ext,
      [
        `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
      ].join('\n'),
    );
    this.request(base, names[0]);
    this.openssl(
      'x509',
      '-req',
      '-sha256',
      '-in',
      `${base}.csr`,
      '-CA',
      this.caFile,
      '-CAkey',
      this.caKey,
      '-CAcreateserial',
      '-days',
      String(days),
      '-extfile',
      ext,
      '-out',
      `${base}.pem`,
    );
    return { key: fs.readFileSync(`${base}.key`, 'utf8'), cert: fs.readFileSync(`${base}.pem`, 'utf8') };
  }

  /**
   * A leaf certificate for `names` valid only from `notBefore` to `notAfter` (which may both be in the past),
   * signed by this CA: `openssl ca` takes explicit dates where `openssl x509 -days` takes only a positive count.
   */
  public issueBetween(name: string, names: string[], notBefore: Date, notAfter: Date): KeyPair {
    const base = path.join(this.directory, name);
    const ext = `${base}.ext`;
    fs.writeFileSync(
      ext,
      [
        `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
      ].join('\n'),
    );
    const database = `${base}.index`;
    fs.writeFileSync(database, '');
    fs.writeFileSync(`${base}.serial`, '1000\n');
    fs.writeFileSync(
      `${base}.cnf`,
      [
        '[ ca ]',
        'default_ca = test_ca',
        '[ test_ca ]',
        `database = ${database}`,
        `new_certs_dir = ${this.directory}`,
        `serial = ${base}.serial`,
        'default_md = sha256',
        'policy = any_name',
        '[ any_name ]',
        'commonName = supplied',
      ].join('\n'),
    );
    this.request(base, names[0]);
    const asn1Time = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
    this.openssl(
      'ca',
      '-batch',
      '-config',
      `${base}.cnf`,
      '-cert',
      this.caFile,
      '-keyfile',
      this.caKey,
      '-in',
      `${base}.csr`,
      '-out',
      `${base}.pem`,
      '-notext',
      '-startdate',
      asn1Time(notBefore),
      '-enddate',
      asn1Time(notAfter),
      '-extfile',
      ext,
    );
    return { key: fs.readFileSync(`${base}.key`, 'utf8'), cert: fs.readFileSync(`${base}.pem`, 'utf8') };
  }

  public remove(): void {
    fs.rmSync(this.directory, { recursive: true, force: true });
  }

  /** A new RSA 2048 key `<base>.key` and a certificate request `<base>.csr` for `commonName`. */
  private request(base: string, commonName: string): void {
    this.openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.csr`,
      '-subj',
      `/CN=${commonName}`,
    );
  }

  private openssl(...args: string[]): void {
    execFileSync('openssl', args, { stdio: 'pipe' });
  }
}

export interface TestEndpoint {
  /** `https://localhost:<port>/`. */
  readonly url: string;
  /** Port of its plain-HTTP companion. */
  readonly httpPort: number;
  /** The HTTP requests its HTTPS server has received so far, oldest first (TRACK included). */
  requests(): readonly SeenRequest[];
  /** How many TLS connections its HTTPS server has accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A request as the HTTPS server received it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly host: string;
  /** Bytes of request body received. */
  readonly bodyBytes: number;
}

/** A fixed answer of the test app at one path. */
export interface FixedAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface EndpointOptions {
  readonly pair: KeyPair;
  /** Oldest TLS version accepted. @default 'TLSv1.2' */
  readonly minVersion?: tls.SecureVersion;
  /** Newest TLS version accepted. @default 'TLSv1.3' */
  readonly maxVersion?: tls.SecureVersion;
  /** Strict-Transport-Security value sent. @default one year */
  readonly hsts?: string | null;
  /** The plain-HTTP companion redirects to HTTPS; otherwise it serves the page. @default true */
  readonly redirect?: boolean;
  /**
   * Response headers sent on every HTTPS answer, merged over `EDGE_HEADERS` (a `null` value removes one):
   * `{ 'x-content-type-options': null, server: 'nginx/1.25.3' }` is an edge that forgot nosniff and names
   * its software.
   */
  readonly headers?: Readonly<Record<string, string | null>>;
  /**
   * What a request with a Host other than `localhost` gets: `'not-found'` (a fixed 404, as the stack's listener answers),
   * `'served'` (the app's page) or `'redirected'` (a 302 to https:// that Host, as an app that builds its
   * links from the Host header does). @default 'not-found'
   */
  readonly otherHosts?: 'not-found' | 'served' | 'redirected';
  /** TRACE and TRACK are answered 200 with the request echoed, instead of 405. @default false */
  readonly echoesTrace?: boolean;
  /**
   * Paths it does not know are answered with the app's page and 200, as a single-page app does (a soft
   * 404), or with the answer given. @default false: a 404
   */
  readonly softNotFound?: boolean | FixedAnswer;
  /** Fixed answers by path (the query string ignored): leaked files, operator paths and their sign-in. */
  readonly routes?: Readonly<Record<string, FixedAnswer>>;
}

/**
 * What the stack's HTTPS listener adds to every answer, plus a Content-Security-Policy with frame-ancestors
 * as an app that may not be framed sends, so that a default endpoint has no finding at all.
 */
export const EDGE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; frame-ancestors 'self'",
};

/** The body of the app's page: HTML, as a soft 404 is. */
export const APP_PAGE =
  '<!DOCTYPE html><html><head><title>Book a meeting</title></head><body>booking page</body></html>';

/** An HTTPS server on 127.0.0.1 and its plain-HTTP companion on another port. */
export async function startEndpoint(options: EndpointOptions): Promise<TestEndpoint> {
  const minVersion = options.minVersion ?? 'TLSv1.2';
  const legacy = minVersion === 'TLSv1' || minVersion === 'TLSv1.1';
  const hsts = options.hsts === undefined ? 'max-age=31536000; includeSubDomains' : options.hsts;
  const edgeHeaders: Record<string, string> = {
    ...(hsts ? { 'strict-transport-security': hsts } : {}),
  };
  for (const [name, value] of Object.entries({ ...EDGE_HEADERS, ...options.headers })) {
    if (value !== null) {
      edgeHeaders[name] = value;
    }
  }
  const otherHosts = options.otherHosts ?? 'not-found';
  const routes = options.routes ?? {};
  const seen: SeenRequest[] = [];
  let connections = 0;
  const secure = https.createServer(
    {
      ...options.pair,
      minVersion,
      maxVersion: options.maxVersion ?? 'TLSv1.3',
      // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level, on the server side too.
      ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    },
    (req, res) => {
      let bodyBytes = 0;
      req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
      req.on('end', () =>
        seen.push({ method: req.method ?? '', path: req.url ?? '', host: req.headers.host ?? '', bodyBytes }),
      );
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const path = (req.url ?? '/').split('?')[0];
      const page = () => {
        res.writeHead(200, { 'content-type': 'text/html', ...edgeHeaders });
        res.end(APP_PAGE);
      };
      // The app's one name is `localhost`, the name its URL and certificate use.
      if (host !== 'localhost') {
        if (otherHosts === 'served') {
          page();
        } else if (otherHosts === 'redirected') {
          res.writeHead(302, { location: `https://${req.headers.host}/`, ...edgeHeaders });
          res.end();
        } else {
          // The listener's default action: a fixed response, which the app never sees.
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('Not Found');
        }
      } else if (req.method === 'TRACE') {
        traceAnswer(
          options.echoesTrace ?? false,
          Buffer.from(`TRACE ${req.url} HTTP/1.1\r\n${rawHeaders(req)}`),
          res,
        );
      } else if (routes[path] !== undefined) {
        const route = routes[path];
        res.writeHead(route.status, { ...edgeHeaders, ...route.headers });
        res.end(route.body ?? '');
      } else if (path === '/' || options.softNotFound === true) {
        page();
      } else if (options.softNotFound) {
        const soft = options.softNotFound;
        res.writeHead(soft.status, { ...edgeHeaders, ...soft.headers });
        res.end(soft.body ?? '');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain', ...edgeHeaders });
        res.end('not found');
      }
    },
  );
  secure.on('secureConnection', () => (connections += 1));
  // Node.js's HTTP parser knows no TRACK method: it reaches the server as a client error, raw.
  secure.on('clientError', (error: Error & { rawPacket?: Buffer }, socket) => {
    if (!socket.writable) {
      return;
    }
    const raw = error.rawPacket ?? Buffer.alloc(0);
    if (raw.subarray(0, 6).toString('latin1') === 'TRACK ') {
      const head = raw.toString('latin1');
      seen.push({
        method: 'TRACK',
        path: head.split(' ')[1] ?? '',
        host: /\r\nhost: *([^\r]*)/i.exec(head)?.[1] ?? '',
        bodyBytes: Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0),
      });
      const echo = options.echoesTrace ?? false;
      const body = echo ? raw : Buffer.from('Method Not Allowed');
      socket.end(
        Buffer.concat([
          Buffer.from(
            `HTTP/1.1 ${echo ? '200 OK' : '405 Method Not Allowed'}\r\ncontent-type: ${echo ? 'message/http' : 'text/plain'}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
          ),
          body,
        ]),
      );
    } else {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    }
  });
  await listen(secure);
  const port = (secure.address() as AddressInfo).port;
  const plain = http.createServer((req, res) => {
    if (options.redirect ?? true) {
      res.writeHead(301, { location: `https://localhost:${port}${req.url ?? '/'}` });
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('booking page, in plain text');
    }
  });
  await listen(plain);
  return {
    url: `https://localhost:${port}/`,
    httpPort: (plain.address() as AddressInfo).port,
    requests: () => [...seen],
    connections: () => connections,
    close: async () => {
      await Promise.all([close(secure), close(plain)]);
    },
  };
}

/** A TRACE answer: 405, or 200 with the request echoed back as `message/http` (RFC 9110 9.3.8). */
function traceAnswer(echo: boolean, request: Buffer, res: http.ServerResponse): void {
  if (echo) {
    res.writeHead(200, { 'content-type': 'message/http' });
    res.end(request);
  } else {
    res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD, POST' });
    res.end('Method Not Allowed');
  }
}

function rawHeaders(req: http.IncomingMessage): string {
  let text = '';
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    text += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  }
  return text;
}

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
