import tls from 'node:tls';

/**
 * The network seam to the local push emulators (libs/push-emulators). The SDKs keep their real hostnames
 * (fcm.googleapis.com, oauth2.googleapis.com, api.sandbox.push.apple.com): only the TCP connection is sent to
 * `host:port`, and TLS still verifies the certificate for the real hostname, against the test CA instead of the
 * public roots. Used only when FCM_EMULATOR_URL / APNS_EMULATOR_URL and PUSH_EMULATOR_CA are set.
 */
export interface EmulatorRoute {
  host: string;
  port: number;
  caPem: string;
}

/** Opens the TLS connection an SDK asked for `servername`, on the emulator's socket instead. */
export function connectThroughEmulator(route: EmulatorRoute, servername: string, alpnProtocols: string[]): tls.TLSSocket {
  return tls.connect({
    host: route.host,
    port: route.port,
    servername,
    ca: route.caPem,
    ALPNProtocols: alpnProtocols,
  });
}

/** Parses FCM_EMULATOR_URL / APNS_EMULATOR_URL; throws naming the variable when it is not an https URL. */
export function parseEmulatorUrl(value: string, variableName: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${variableName} must be an https URL such as https://127.0.0.1:9443 (got "${value}")`);
  }
  if (url.protocol !== 'https:') throw new Error(`${variableName} must use https (got "${value}")`);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 443 : Number(url.port) };
}
