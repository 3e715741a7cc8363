import type { EmulatorControlClient, FcmEmulator, FcmReceivedMessage } from '@pushmfa/push-emulators';

/** A push as the simulated phone sees it: which device token, which challenge, when the provider got it. */
export interface ReceivedPush {
  token: string;
  challengeId: string;
  receivedAtMs: number;
}

/** Where the simulated devices pick up the pushes the FCM emulator accepted. */
export interface PushInbox {
  /** Pushes received since the last call. */
  take(): Promise<ReceivedPush[]>;
}

/** The emulator runs in this process: read its log and empty it in one synchronous step, so nothing is lost. */
export function inProcessInbox(fcm: FcmEmulator): PushInbox {
  return {
    take: async () => {
      const received = fcm.received();
      fcm.clear();
      return received.flatMap(toPush);
    },
  };
}

/** The emulator runs elsewhere (a running stack): read its whole log over the control API and keep a cursor. */
export function controlApiInbox(control: EmulatorControlClient): PushInbox {
  let seen = 0;
  return {
    take: async () => {
      const received = await control.fcmReceived();
      const fresh = received.slice(seen);
      seen = received.length;
      return fresh.flatMap(toPush);
    },
  };
}

function toPush(message: FcmReceivedMessage): ReceivedPush[] {
  const data = (message.body as { message?: { data?: { challengeId?: unknown } } } | null)?.message?.data;
  const challengeId = typeof data?.challengeId === 'string' ? data.challengeId : undefined;
  if (!message.token || !challengeId) return [];
  return [{ token: message.token, challengeId, receivedAtMs: message.receivedAtMs }];
}
