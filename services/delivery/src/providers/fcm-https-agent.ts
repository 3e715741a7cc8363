import https from 'node:https';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import { connectThroughEmulator, type EmulatorRoute } from './emulator-route';

const DEFAULT_MAX_SOCKETS = 64;

/**
 * The one agent firebase-admin gets, for both the OAuth2 token fetch (`cert(serviceAccount, agent)`, through
 * google-auth-library) and `messages:send` (`initializeApp({ httpAgent })`). Keep-alive with a bounded pool, so a
 * burst of pushes reuses TLS connections instead of opening one per message.
 */
export function createFcmHttpsAgent(route: EmulatorRoute | undefined, maxSockets = DEFAULT_MAX_SOCKETS): https.Agent {
  return route === undefined ? new https.Agent({ keepAlive: true, maxSockets }) : new EmulatorRoutedAgent(route, { keepAlive: true, maxSockets });
}

/** Sends every connection to the emulator while TLS verifies the original hostname against the test CA. */
class EmulatorRoutedAgent extends https.Agent {
  constructor(
    private readonly route: EmulatorRoute,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: tls.ConnectionOptions): Duplex {
    const originalHost = options.servername || options.host || 'fcm.googleapis.com';
    // HTTP/1.1 only: the agent cannot speak HTTP/2 even when the emulator offers it.
    return connectThroughEmulator(this.route, originalHost, ['http/1.1']);
  }
}
