/**
 * The hosts Cal.com's common integrations call from the server, read from Cal.com's source
 * (github.com/calcom/cal.com, `packages/app-store/<app>/lib` and `api`), for `OutboundDnsFirewall`'s
 * `allowedDomains`. Each host is named exactly: DNS Firewall does not document whether `*.example.com` also
 * matches `example.com` itself, and a wildcard would admit every other host of the provider.
 *
 * Not in the table, because the host is the operator's choice:
 * - CalDAV calendars: the server each user connects in the CalDAV app;
 * - email: the SMTP host of the `EMAIL_SERVER_HOST` setting;
 * - any other app of the app store: add its hosts to `allowedDomains` after the ALERT rollout (docs/integrations.md).
 * Telemetry is off in the Cal.com preset (`CALCOM_TELEMETRY_DISABLED`, `NEXT_TELEMETRY_DISABLED`), so no
 * telemetry host is allowed.
 */

/** One host that a Cal.com integration calls from the server. */
export interface IntegrationDomain {
  /** The host name, as the DNS Firewall domain list holds it. */
  readonly domain: string;
  /** The integration (Cal.com app) that calls it. */
  readonly integration: string;
  /** What the app does there, and where in Cal.com's source. */
  readonly purpose: string;
  /**
   * Whether `calComIntegrationDomainNames()` includes it. Hosts that only a paid or optional feature calls are
   * listed but left out by default.
   */
  readonly enabledByDefault: boolean;
}

/** The hosts Cal.com's common integrations call, one row per host. docs/integrations.md shows this table. */
export const CALCOM_INTEGRATION_DOMAINS: readonly IntegrationDomain[] = [
  {
    domain: 'oauth2.googleapis.com',
    integration: 'Google Calendar, Google Meet',
    purpose:
      "OAuth token exchange and refresh: googlecalendar/lib/CalendarAuth.ts refreshes through google-auth-library's OAuth2Client, whose token endpoint is this host",
    enabledByDefault: true,
  },
  {
    domain: 'www.googleapis.com',
    integration: 'Google Calendar, Google Meet',
    purpose:
      'Calendar API v3 (events, free/busy, Meet links through conferenceData): googlecalendar/lib/CalendarAuth.ts builds a calendar_v3.Calendar client, whose root URL is this host',
    enabledByDefault: true,
  },
  {
    domain: 'meet.googleapis.com',
    integration: 'Google Meet',
    purpose:
      'Meet REST API v2 (spaces, conference records, participants): googlecalendar/lib/GoogleMeetService.ts, baseUrl https://meet.googleapis.com/v2',
    enabledByDefault: true,
  },
  {
    domain: 'login.microsoftonline.com',
    integration: 'Microsoft 365 / Outlook Calendar, Microsoft Teams',
    purpose:
      'OAuth token refresh (https://login.microsoftonline.com/common/oauth2/v2.0/token, or the tenant endpoint for delegation): office365calendar/lib/CalendarAuth.ts',
    enabledByDefault: true,
  },
  {
    domain: 'graph.microsoft.com',
    integration: 'Microsoft 365 / Outlook Calendar, Microsoft Teams',
    purpose:
      'Microsoft Graph: calendars, events and Teams online meetings; the token scope is https://graph.microsoft.com/.default (office365calendar/lib/CalendarAuth.ts)',
    enabledByDefault: true,
  },
  {
    domain: 'zoom.us',
    integration: 'Zoom',
    purpose: 'OAuth token refresh: zoomvideo/lib/VideoApiAdapter.ts posts to https://zoom.us/oauth/token',
    enabledByDefault: true,
  },
  {
    domain: 'api.zoom.us',
    integration: 'Zoom',
    purpose:
      'Meetings and user settings API: zoomvideo/lib/VideoApiAdapter.ts calls https://api.zoom.us/v2/<endpoint>',
    enabledByDefault: true,
  },
  {
    domain: 'api.daily.co',
    integration: 'Cal Video (Daily.co), the default video location',
    purpose:
      'Rooms, meeting tokens, recordings and transcripts: dailyvideo/lib/dailyApiFetcher.ts calls https://api.daily.co/v1<endpoint> with DAILY_API_KEY',
    enabledByDefault: true,
  },
  {
    domain: 'api.stripe.com',
    integration: 'Stripe payments',
    purpose:
      'Payment intents, checkout sessions, refunds and accounts: stripepayment/lib/server.ts uses the Stripe Node SDK, whose API host is this one',
    enabledByDefault: true,
  },
  {
    domain: 'connect.stripe.com',
    integration: 'Stripe payments',
    purpose:
      'OAuth token exchange when a user connects a Stripe account: stripepayment/api/callback.ts calls stripe.oauth.token, which the Stripe Node SDK sends to this host',
    enabledByDefault: true,
  },
  {
    domain: 'goblin.cal.com',
    integration: 'Cal.com licence (enterprise features)',
    purpose:
      'Licence key checks and usage reporting, only with a CALCOM_LICENSE_KEY: the default of CALCOM_PRIVATE_API_ROUTE in packages/lib/constants.ts; add it to `allowedDomains` if you hold a licence',
    enabledByDefault: false,
  },
];

/** The host names of `CALCOM_INTEGRATION_DOMAINS` enabled by default, for `OutboundDnsFirewall`'s `allowedDomains`. */
export function calComIntegrationDomainNames(): string[] {
  return CALCOM_INTEGRATION_DOMAINS.filter((d) => d.enabledByDefault).map((d) => d.domain);
}
