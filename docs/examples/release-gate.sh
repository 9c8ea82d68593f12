#!/usr/bin/env bash
# A pipeline's release gate: the certificate preflight and the check that the update loses no data before
# `cdk deploy`, the check of the live endpoint after it. Run it from the CDK app's directory, with AWS
# credentials for the target account in the environment (the standard AWS SDK chain: variables, profile, or
# the pipeline's role) and the AWS CLI installed.
#
#   DOMAIN=schedule.example.com ./release-gate.sh
#
# Exit codes are those of the checks: 0 deployed and verified; 1 a finding stopped the release (found by
# cert-check or guard: nothing was deployed; found by verify: deployed, not good); 2 bad usage; 3 AWS, the
# deployed template or the endpoint could not be read (never deploy blind). A failing synth or deploy exits
# with its own code. Results, in the JSON shape of docs/certificates.md, are left in cert-check.json,
# guard.json and verify.json, beside deployed.json, the template guard compared with.
set -uo pipefail

DOMAIN="${DOMAIN:?set DOMAIN to the name users reach the app at}"
URL="${URL:-https://${DOMAIN}/}"
MIN_DAYS="${MIN_DAYS:-30}"
CLI="${SECURE_SCHEDULING_CLI:-npx secure-scheduling}"
# The stack guard checks and cdk deploy deploys: its CloudFormation name, which the bundled app also gives the
# stack as its construct id (the setting stackName).
STACK_NAME="${STACK_NAME:-SecureScheduling}"
# Where the cloud assembly is synthesized to, checked, and deployed from.
ASSEMBLY="${ASSEMBLY:-cdk.out}"
# Instead of `npx cdk synth --quiet --output "$ASSEMBLY"`: a command that writes the cloud assembly to $ASSEMBLY.
SYNTH_COMMAND="${SYNTH_COMMAND:-}"
# Instead of `npx cdk deploy "$STACK_NAME" --app "$ASSEMBLY" --require-approval never`: a command that deploys
# the assembly in $ASSEMBLY, the one guard checked (not a fresh synth).
DEPLOY_COMMAND="${DEPLOY_COMMAND:-}"
# More options for verify, e.g. "--ca internal-ca.pem" for an endpoint under a private CA.
VERIFY_OPTIONS="${VERIFY_OPTIONS:-}"
# The load balancer's own name (the stack output LoadBalancerDnsName): verify checks that it reaches nothing.
LOAD_BALANCER_HOST="${LOAD_BALANCER_HOST:-}"
# Operator paths that must ask for the sign-in, space-separated; for Cal.com: "/settings/admin /auth/setup".
PROTECTED_PATHS="${PROTECTED_PATHS:-}"
# The first deployment: no stack exists yet, so guard has nothing to compare (nor anything to lose), and with a
# hosted zone it requests the certificate itself: none exists before it.
FIRST_DEPLOYMENT="${FIRST_DEPLOYMENT:-false}"
REPORTS="${REPORTS:-.}"

# Prints on standard error what a check's JSON result says went wrong: its error and its findings. A file
# without a JSON result (empty when the command could not start or printed nothing, or text from an older or
# other command) is said so in one line instead; reading never fails, so the check's exit code is what counts.
print_result() {
  node -e 'const [file, check] = process.argv.slice(1);
    let text = "";
    try { text = require("fs").readFileSync(file, "utf8"); } catch {}
    let result;
    try { result = JSON.parse(text); } catch {}
    if (result === null || typeof result !== "object") {
      const found = text.trim() === "" ? "nothing" : `no JSON result (${JSON.stringify(text.trim().slice(0, 80))})`;
      console.error(`release-gate: ${check} printed ${found} in ${file}; see its own messages`);
    } else {
      const error = result.error && typeof result.error === "object" ? `${result.error.kind} error: ${result.error.message}` : result.error;
      if (error) console.error(`release-gate: ${check}: ${error}`);
      for (const f of Array.isArray(result.findings) ? result.findings : [])
        console.error(`release-gate: ${f.severity} ${f.id}: ${f.message}`);
    }' "$1" "$2" || echo "release-gate: could not read $1" >&2
}

$CLI cert-check --domain "$DOMAIN" --min-days "$MIN_DAYS" --json >"$REPORTS/cert-check.json"
status=$?
only_not_found=$(node -e 'let r = {};
  try { r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); } catch {}
  const f = Array.isArray(r?.findings) ? r.findings : [];
  console.log(f.length === 1 && f[0].id === "CERT_NOT_FOUND")' "$REPORTS/cert-check.json" 2>/dev/null)
if [ "$status" -eq 1 ] && [ "$FIRST_DEPLOYMENT" = true ] && [ "$only_not_found" = true ]; then
  echo "release-gate: no certificate for $DOMAIN yet: the first deployment requests it"
elif [ "$status" -ne 0 ]; then
  print_result "$REPORTS/cert-check.json" cert-check
  echo "release-gate: cert-check exited $status: not deploying" >&2
  exit "$status"
fi

# The assembly to deploy, synthesized once: guard checks it and cdk deploy deploys it as it is.
if [ -n "$SYNTH_COMMAND" ]; then
  # shellcheck disable=SC2086 # a command line of several words
  $SYNTH_COMMAND
else
  npx cdk synth --quiet --output "$ASSEMBLY"
fi
status=$?
if [ "$status" -ne 0 ]; then
  echo "release-gate: synth exited $status: not deploying" >&2
  exit "$status"
fi

# The update must replace or remove no resource that holds data (docs/updates.md): the deployed template
# against the assembly about to be deployed. Not on the first deployment: nothing exists to lose yet.
if [ "$FIRST_DEPLOYMENT" != true ]; then
  if ! aws cloudformation get-template --stack-name "$STACK_NAME" --query TemplateBody --output json \
    >"$REPORTS/deployed.json"; then
    echo "release-gate: the deployed template of $STACK_NAME could not be read: not deploying" \
      "(on the first deployment, set FIRST_DEPLOYMENT=true)" >&2
    exit 3
  fi
  $CLI guard "$REPORTS/deployed.json" "$ASSEMBLY" --stack "$STACK_NAME" --json >"$REPORTS/guard.json"
  status=$?
  if [ "$status" -ne 0 ]; then
    print_result "$REPORTS/guard.json" guard
    echo "release-gate: guard exited $status: not deploying" >&2
    exit "$status"
  fi
fi

# Exactly the assembly guard checked.
if [ -n "$DEPLOY_COMMAND" ]; then
  # shellcheck disable=SC2086 # a command line of several words
  $DEPLOY_COMMAND || exit $?
else
  npx cdk deploy "$STACK_NAME" --app "$ASSEMBLY" --require-approval never || exit $?
fi

probe_options=()
if [ -n "$LOAD_BALANCER_HOST" ]; then probe_options+=(--load-balancer-host "$LOAD_BALANCER_HOST"); fi
for protected in $PROTECTED_PATHS; do probe_options+=(--protected-path "$protected"); done

# shellcheck disable=SC2086 # VERIFY_OPTIONS holds several words on purpose
$CLI verify "$URL" --min-days "$MIN_DAYS" --json ${probe_options[@]+"${probe_options[@]}"} $VERIFY_OPTIONS >"$REPORTS/verify.json"
status=$?
if [ "$status" -ne 0 ]; then
  print_result "$REPORTS/verify.json" verify
  echo "release-gate: verify exited $status: the release is not good" >&2
fi
exit "$status"
