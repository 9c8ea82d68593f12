/**
 * A small Amazon SNS on 127.0.0.1 that speaks SNS's query protocol (form-encoded `Action=Publish` requests,
 * XML answers and XML errors), so the real `@aws-sdk/client-sns` client can be tested end to end.
 */
import * as http from 'node:http';
import { LocalServer } from './local-server';

/** A message the server accepted, as SNS would have received it. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  /** Message attributes by name: their string values. */
  readonly attributes: Record<string, string>;
  readonly authorization: string;
}

export interface SnsScenario {
  /** Answer every request with AuthorizationError (HTTP 403). @default false */
  deny?: boolean;
  /** Answer this many requests with Throttling before answering normally. @default 0 */
  throttle?: number;
}

export class SnsServer extends LocalServer {
  public scenario: SnsScenario = {};
  public readonly published: PublishedMessage[] = [];
  /** Every request's Action, in order, including refused ones. */
  public readonly actions: string[] = [];

  /** Sets the next scenario and forgets what was received so far. */
  public use(scenario: SnsScenario): void {
    this.scenario = scenario;
    this.published.length = 0;
    this.actions.length = 0;
  }

  protected answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const form = new URLSearchParams(raw);
    const action = form.get('Action') ?? '';
    this.actions.push(action);
    const requestId = `sns-${this.actions.length}`;
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      res.end(xml);
    };
    const error = (status: number, type: 'Sender' | 'Receiver', code: string, message: string) =>
      send(
        status,
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );

    if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') !== true) {
      return error(400, 'Sender', 'InvalidParameter', 'not a query-protocol request');
    }
    if (form.get('Version') !== '2010-03-31') {
      return error(400, 'Sender', 'InvalidParameter', `unknown Version '${form.get('Version')}'`);
    }
    if (this.scenario.deny) {
      return error(
        403,
        'Sender',
        'AuthorizationError',
        `User: arn:aws:sts::111111111111:assumed-role/monitor is not authorized to perform: SNS:${action}`,
      );
    }
    if ((this.scenario.throttle ?? 0) > 0) {
      this.scenario.throttle!--;
      return error(400, 'Sender', 'Throttling', 'Rate exceeded');
    }
    if (action !== 'Publish') {
      return error(400, 'Sender', 'InvalidAction', `action ${action} is not served here`);
    }
    const topicArn = form.get('TopicArn');
    const message = form.get('Message');
    if (!topicArn || !message) {
      return error(400, 'Sender', 'InvalidParameter', 'TopicArn and Message are required');
    }
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`)!] =
        form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    this.published.push({
      topicArn,
      subject: form.get('Subject') ?? undefined,
      message,
      attributes,
      authorization: String(req.headers.authorization ?? ''),
    });
    const messageId = `00000000-0000-0000-0000-${String(this.published.length).padStart(12, '0')}`;
    send(
      200,
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }
}
