import type { ApnsBehaviour, ApnsReceivedNotification } from './apns-emulator';
import type { FcmBehaviour, FcmReceivedMessage, FcmTokenRequest } from './fcm-emulator';

/** Scripts and inspects emulators running in another process, through their control API. */
export class EmulatorControlClient {
  constructor(private readonly baseUrl = `http://127.0.0.1:${process.env.EMULATOR_CONTROL_PORT ?? '9445'}`) {}

  scriptFcm(token: string, behaviour: FcmBehaviour): Promise<void> {
    return this.call('POST', '/fcm/scripts', { token, behaviour });
  }

  scriptApns(deviceToken: string, behaviour: ApnsBehaviour): Promise<void> {
    return this.call('POST', '/apns/scripts', { token: deviceToken, behaviour });
  }

  async fcmReceived(): Promise<FcmReceivedMessage[]> {
    return ((await this.call('GET', '/fcm/received')) as { items: FcmReceivedMessage[] }).items;
  }

  async apnsReceived(): Promise<ApnsReceivedNotification[]> {
    return ((await this.call('GET', '/apns/received')) as { items: ApnsReceivedNotification[] }).items;
  }

  async fcmTokenRequests(): Promise<FcmTokenRequest[]> {
    return ((await this.call('GET', '/fcm/token-requests')) as { items: FcmTokenRequest[] }).items;
  }

  setLatencyMs(provider: 'fcm' | 'apns', latencyMs: number): Promise<void> {
    return this.call('PUT', `/${provider}/latency`, { latencyMs });
  }

  clear(provider: 'fcm' | 'apns'): Promise<void> {
    return this.call('POST', `/${provider}/clear`);
  }

  reset(): Promise<void> {
    return this.call('POST', '/reset');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(
        `push emulators' control API is not reachable at ${this.baseUrl} (start them with node dist/libs/push-emulators/src/main.js): ${(error as Error).message}`,
      );
    }
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}
