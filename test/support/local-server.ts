import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 with a port of its own, for the small AWS services tests talk to: a subclass
 * answers each request once its whole body has arrived.
 */
export abstract class LocalServer {
  private server?: http.Server;

  /** `http://127.0.0.1:<port>`, once started. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  public async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  public async stop(): Promise<void> {
    // Clients that ran in this process (the certificate commands run in-process) may hold keep-alive
    // connections: closed here, so the test process can exit.
    this.server!.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Answers one request whose body is `raw`. */
  protected abstract answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void;
}
