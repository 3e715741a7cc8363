import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { reportedHealthSchema, safeText } from '@pushmfa/contracts';
import { type AuthenticatedDevice, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { parseBody } from '@pushmfa/http';
import { ShareDiagnosticsHandler } from './share-diagnostics.handler';

/** The path and its own body limit (API.md: at most 256 KiB; other routes keep 64 KiB). */
export const SHARE_DIAGNOSTICS_PATH = '/v1/device/diagnostics';
export const SHARE_DIAGNOSTICS_BODY_LIMIT_BYTES = 256 * 1024;

const shareBody = z
  .object({
    challengeId: z.string().min(1).max(100).optional(),
    logs: z.array(z.string().max(8192)).max(5000),
    appVersion: safeText(z.string().max(100)).optional(),
    // As PUT /v1/device/health takes it: no control or bidi characters in the versions.
    health: reportedHealthSchema
      .extend({ appVersion: safeText(z.string().max(100)).optional(), osVersion: safeText(z.string().max(100)).optional() })
      .strict()
      .optional(),
  })
  .strict();

@ApiTags('device')
@Controller(SHARE_DIAGNOSTICS_PATH.slice(1))
@UseGuards(DeviceSignatureGuard)
export class ShareDiagnosticsHttpController {
  constructor(private readonly sharer: ShareDiagnosticsHandler) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Share app logs with support: the app's recent log lines (and health), redacted on arrival (push token beyond its last 6 characters, keys, bearer tokens, JWTs, PEM blocks, long hex/base64 runs), kept by reporting for the workspace's diagnosticsRetentionDays. Answers the incidentId the user reads out to the help desk. Body at most 256 KiB (payload_too_large, 413); a challengeId that is not one of this user's challenges answers not_found; 503 unavailable when the broker does not take it (nothing shared)",
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['logs'],
      additionalProperties: false,
      properties: {
        challengeId: { type: 'string' },
        logs: { type: 'array', items: { type: 'string', maxLength: 8192 }, maxItems: 5000 },
        appVersion: { type: 'string', maxLength: 100 },
        health: { type: 'object', description: 'as PUT /v1/device/health' },
      },
    },
  })
  @ApiResponse({ status: 202, schema: { type: 'object', properties: { incidentId: { type: 'string', example: 'INC-7K3M-Q9TX' } } } })
  async share(@Body() body: unknown, @Req() request: { device: AuthenticatedDevice }): Promise<{ incidentId: string }> {
    const input = parseBody(shareBody, body);
    const { device } = request;
    return this.sharer.execute({
      workspaceId: device.workspaceId,
      userId: device.userId,
      deviceId: device.deviceId,
      logs: input.logs,
      ...(input.challengeId ? { challengeId: input.challengeId } : {}),
      ...(input.appVersion ? { appVersion: input.appVersion } : {}),
      ...(input.health ? { health: input.health } : {}),
    });
  }
}
