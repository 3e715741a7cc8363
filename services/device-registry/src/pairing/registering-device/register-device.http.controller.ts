import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { safeText } from '@pushmfa/contracts';
import { type DevicePublicKey, importDevicePublicKey, InvalidDeviceKeyError, type RequestHeaders } from '@pushmfa/device-auth';
import { parseBody, ProblemException } from '@pushmfa/http';
import { RegistryRuntime } from '../../registry-runtime';
import type { PublicJwk } from '../pairing.events';
import { keyInUseProblem } from '../../device/device-directory';
import { type PairingCommand, pairingDecider } from '../pairing.decider';
import { digestMatches, PairingCommands, pairingDigest } from '../pairing-commands';

const registerBody = z
  .object({
    secret: z.string().min(1).max(200),
    publicKey: z.record(z.string(), z.unknown()),
    platform: z.enum(['android', 'ios']),
    pushProvider: z.enum(['fcm', 'apns']),
    pushToken: safeText(z.string().min(1).max(4096)),
    deviceName: safeText(z.string().trim().min(1).max(200)).optional(),
    appVersion: safeText(z.string().trim().min(1).max(100)).optional(),
  })
  .strict();

interface SignedRequest {
  /** The client's address (the socket's, unless the app trusts a proxy). */
  ip: string;
  method: string;
  url: string;
  headers: RequestHeaders;
  rawBody?: Buffer;
}

@ApiTags('pairings')
@Controller('v1/pairings/:pairingId/register')
export class RegisterDeviceHttpController {
  constructor(
    private readonly pairings: PairingCommands,
    private readonly runtime: RegistryRuntime,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'The app registers its new public key (signed with it: proof of possession) and gets the confirmation code',
    description:
      'Unauthenticated: rate limited per client address (429 rate_limited with Retry-After), and nothing is written (no nonce, no event) before the pairing is known to exist, be open and match the secret.',
  })
  async register(@Param('pairingId') pairingId: string, @Body() body: unknown, @Req() request: SignedRequest) {
    await this.runtime.registrationRateLimit.admit(request.ip);
    const input = parseBody(registerBody, body);
    const publicKey = importKey(input.publicKey);
    const pairing = await this.pairings.load(pairingId);
    const command: PairingCommand = {
      type: 'RegisterDevice',
      secretMatches: digestMatches(pairing.secretHash, pairingDigest(pairingId, input.secret)),
      confirmationCodeHash: '',
      now: new Date(),
      device: {
        deviceId: randomUUID(),
        platform: input.platform,
        pushProvider: input.pushProvider,
        pushToken: input.pushToken,
        publicJwk: publicKey.jwk as PublicJwk,
        ...(input.deviceName ? { deviceName: input.deviceName } : {}),
        ...(input.appVersion ? { appVersion: input.appVersion } : {}),
      },
    };
    // Decided once on what was read, writing nothing: an absent, failed, used or expired pairing, or a wrong secret,
    // is refused before the signature's nonce is stored.
    pairingDecider.decide(command, pairing);
    if (await this.runtime.devices.keyInUse(publicKey.jwk)) throw keyInUseProblem();
    await this.runtime.deviceAuth.verifyProofOfPossession(publicKey, {
      method: request.method,
      pathWithQuery: request.url,
      headers: request.headers,
      rawBody: request.rawBody,
    });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.pairings.execute(pairingId, pairing.workspaceId, { ...command, confirmationCodeHash: pairingDigest(pairingId, code) });
    return { deviceId: command.device.deviceId, confirmationCode: code };
  }
}

function importKey(jwk: unknown): DevicePublicKey {
  try {
    return importDevicePublicKey(jwk);
  } catch (error) {
    if (!(error instanceof InvalidDeviceKeyError)) throw error;
    throw new ProblemException('validation_failed', 'publicKey must be a public JWK: EC P-256 or OKP Ed25519', {
      errors: [{ field: `publicKey.${error.field}`, message: error.message }],
    });
  }
}
