import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type DevicePublicKey, importDevicePublicKey, InvalidDeviceKeyError, type RequestHeaders } from '@pushmfa/device-auth';
import { parseBody, ProblemException } from '@pushmfa/http';
import { RegistryRuntime } from '../../registry-runtime';
import type { PublicJwk } from '../pairing.events';
import { digestMatches, PairingCommands, pairingDigest } from '../pairing-commands';

const registerBody = z
  .object({
    secret: z.string().min(1).max(200),
    publicKey: z.record(z.string(), z.unknown()),
    platform: z.enum(['android', 'ios']),
    pushProvider: z.enum(['fcm', 'apns']),
    pushToken: z.string().min(1).max(4096),
    deviceName: z.string().trim().min(1).max(200).optional(),
    appVersion: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

interface SignedRequest {
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
  @ApiOperation({ summary: 'The app registers its new public key (signed with it: proof of possession) and gets the confirmation code' })
  async register(@Param('pairingId') pairingId: string, @Body() body: unknown, @Req() request: SignedRequest) {
    const input = parseBody(registerBody, body);
    const publicKey = importKey(input.publicKey);
    await this.runtime.deviceAuth.verifyProofOfPossession(publicKey, {
      method: request.method,
      pathWithQuery: request.url,
      headers: request.headers,
      rawBody: request.rawBody,
    });
    const pairing = await this.pairings.load(pairingId);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const deviceId = randomUUID();
    await this.pairings.execute(pairingId, pairing.workspaceId, {
      type: 'RegisterDevice',
      secretMatches: digestMatches(pairing.secretHash, pairingDigest(pairingId, input.secret)),
      confirmationCodeHash: pairingDigest(pairingId, code),
      now: new Date(),
      device: {
        deviceId,
        platform: input.platform,
        pushProvider: input.pushProvider,
        pushToken: input.pushToken,
        publicJwk: publicKey.jwk as PublicJwk,
        ...(input.deviceName ? { deviceName: input.deviceName } : {}),
        ...(input.appVersion ? { appVersion: input.appVersion } : {}),
      },
    });
    return { deviceId, confirmationCode: code };
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
