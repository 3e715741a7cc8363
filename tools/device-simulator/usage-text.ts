/** Printed for `help` and after every usage error (exit code 2). */
export const USAGE_TEXT = `pushmfa device simulator: a command-line authenticator app speaking the public API.

Usage: npm run device -- <command> [options]

  pair <qrUri>                 register this simulated phone from a pushmfa://pair code; prints the confirmation code
      --alg Ed25519|ES256      key type (default Ed25519)
      --platform android|ios   (default android; android pushes through fcm, ios through apns)
      --push-token <token>     (default: a made-up token)
      --name <device name>
      --force                  replace an existing profile of the same name
      --offline-code           then wait for the confirmation and agree the offline code (enrol-offline-code)
  pending                      list the requests waiting for an answer (a "choose" request shows its three numbers)
  approve <challengeId> --number NN [--user-verified]
                               NN: the number the sign-in page shows; for a "choose" request, the one of its three to tap
      --user-verified          the user passed the phone's biometric or PIN check (a passwordless sign-in needs it)
  deny <challengeId> [--fraud] --fraud reports the request as not yours (locks push for the user), also after it was answered
  watch                        poll every second and answer new requests as they come
      --auto-approve           approve without asking (demos); with number matching it needs --number-from
      --number-from <file>     a file holding the number the sign-in page shows
      --poll-interval-ms <ms>  (default 1000)
  push-token <token>           tell the registry about a new push token
  health                       send the app's health heartbeat (only the options given)
      --notifications allowed|denied
      --focus-mode on|off  --battery-saver on|off  --background-refresh on|off
      --app-version <v>  --os-version <v>  --last-push-seen <date-time>
  test-push-ack <testPushId>   show an admin's test push as received and acknowledge it to the registry
  enrol-offline-code           the last step of pairing, once the code is confirmed: agree the offline-code secret
      --wait-seconds <s>       keep asking while the pairing is not confirmed yet (default 600)
  code                         print the offline code to type when no push arrives (works without a network)
  share-logs                   share recent app logs with support; prints the incident id to read out to the help desk
      --challenge <challengeId> the request the logs are about

Common options:
  --profile <name>             the local key file .local/device-simulator/<name>.json (default "default")
  --challenge-url <url>        the challenge service (default http://127.0.0.1:3001)

Exit codes: 0 ok, 1 refused by the server (its code is printed) or unreachable, 2 usage.`;
