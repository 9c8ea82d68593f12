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
  close(): Promise<void>;
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
}

/** An HTTPS server on 127.0.0.1 and its plain-HTTP companion on another port. */
export async function startEndpoint(options: EndpointOptions): Promise<TestEndpoint> {
  const minVersion = options.minVersion ?? 'TLSv1.2';
  const legacy = minVersion === 'TLSv1' || minVersion === 'TLSv1.1';
  const hsts = options.hsts === undefined ? 'max-age=31536000; includeSubDomains' : options.hsts;
  const secure = https.createServer(
    {
      ...options.pair,
      minVersion,
      maxVersion: options.maxVersion ?? 'TLSv1.3',
      // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level, on the server side too.
      ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    },
    (_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        ...(hsts ? { 'strict-transport-security': hsts } : {}),
      });
      res.end('booking page');
    },
  );
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
    close: async () => {
      await Promise.all([close(secure), close(plain)]);
    },
  };
}

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
