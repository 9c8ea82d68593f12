/**
 * The baseline's certificate check (bench/plain-app.ts): what an engineer would write by hand to be told when
 * the load balancer's certificate nears expiry. Bundled by esbuild at synth, like the library's monitor.
 */
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

export async function handler(): Promise<void> {
  const acm = new ACMClient({});
  const out = await acm.send(new DescribeCertificateCommand({ CertificateArn: process.env.CERTIFICATE_ARN }));
  const notAfter = out.Certificate?.NotAfter;
  const days = notAfter ? Math.floor((notAfter.getTime() - Date.now()) / 86_400_000) : -1;
  if (days < 30) {
    await new SNSClient({}).send(
      new PublishCommand({
        TopicArn: process.env.TOPIC_ARN,
        Message: `The certificate expires in ${days} days`,
      }),
    );
  }
}
