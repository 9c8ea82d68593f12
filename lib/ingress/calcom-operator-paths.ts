/**
 * Paths of Cal.com that only its instance administrators use, as ALB path patterns (case-sensitive, `*` any
 * characters). `TlsLoadBalancer` puts a sign-in with a second factor in front of them (checklist C2) when it is
 * given an `operatorLogin`. Each entry names the file of calcom/cal.com that serves it.
 *
 * Left out on purpose, because ordinary users and invitees need them: booking pages and `/api/book/*`,
 * `/auth/login` and NextAuth's `/api/auth/*` (Cal.com users sign in there), `/signup`, webhooks, and the
 * tRPC endpoints of ordinary features (`/api/trpc/bookings/*`, `/api/trpc/me/*`, ...).
 *
 * tRPC paths: the client maps a procedure `viewer.<endpoint>.<procedure>` to `/api/trpc/<endpoint>/<procedure>`
 * (packages/trpc/react/trpc.ts, `resolveEndpoint`), one Next.js API route per endpoint (packages/trpc/react/shared.ts,
 * `ENDPOINTS`); batched calls join procedures with commas in the last segment, which `*` matches.
 */
export const CALCOM_OPERATOR_PATHS: readonly string[] = [
  // The instance settings of an administrator: users, feature flags, impersonation, apps, organizations, locked
  // SMS, OAuth clients. apps/web/app/(use-page-wrapper)/settings/(admin-layout)/admin/page.tsx and the pages
  // below it (route groups in parentheses are not part of the URL).
  '/settings/admin',
  '/settings/admin/*',
  // The set-up wizard of a new deployment (first administrator, licence, apps).
  // apps/web/app/(use-page-wrapper)/auth/setup/page.tsx
  '/auth/setup*',
  // Creates the first user, with the ADMIN role, while the database has none: on a fresh deployment anyone who
  // reaches it first becomes the administrator. apps/web/pages/api/auth/setup.ts
  '/api/auth/setup*',
  // The admin tRPC router (every procedure is an `authedAdminProcedure`).
  // apps/web/pages/api/trpc/admin/[trpc].ts
  '/api/trpc/admin/*',
  // Deployment settings such as the licence key (`authedAdminProcedure`).
  // apps/web/pages/api/trpc/deploymentSetup/[trpc].ts
  '/api/trpc/deploymentSetup/*',
];

/**
 * Cal.com's credential sign-in: NextAuth's credentials provider (`id: "credentials"`), to which the login form
 * posts `email` and `password` form-encoded. packages/features/auth/lib/next-auth-options.ts
 * (`CalComCredentialsProvider`), apps/web/pages/api/auth/[...nextauth].tsx
 */
export const CALCOM_LOGIN_ENDPOINT = {
  path: '/api/auth/callback/credentials',
  payloadType: 'FORM_ENCODED',
  usernameField: 'email',
  passwordField: 'password',
} as const;

/**
 * Cal.com's self sign-up: the page a browser loads (apps/web/app/(use-page-wrapper)/signup/page.tsx) and the API it
 * posts the new account to (apps/web/pages/api/auth/signup.ts). Sign-up is on unless the image was built with
 * `NEXT_PUBLIC_DISABLE_SIGNUP=true`.
 */
export const CALCOM_SIGNUP_PATHS = {
  pages: ['/signup'],
  api: ['/api/auth/signup'],
} as const;
