import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVICE_DELIVERIES, REPORT_STATUSES } from '../mfa-report/mfa-report.status';

/** OpenAPI shapes of the MFA Report (documentation only; the rows are built by mfa-report.row.ts). */
export class DeviceHealthDto {
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiPropertyOptional({ enum: ['allowed', 'denied'] }) notifications?: string;
  @ApiPropertyOptional() focusMode?: boolean;
  @ApiPropertyOptional() batterySaver?: boolean;
  @ApiPropertyOptional() backgroundRefresh?: boolean;
  @ApiPropertyOptional() appVersion?: string;
  @ApiPropertyOptional() osVersion?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the app last showed a push' }) lastPushSeenAt?: string;
}

export class ReportDeviceDto {
  @ApiProperty() deviceId!: string;
  @ApiProperty({ enum: DEVICE_DELIVERIES, description: 'retrying: a push attempt failed and will be retried' }) delivery!: string;
  @ApiPropertyOptional({
    type: DeviceHealthDto,
    description: 'What the app last reported about itself (PUT /v1/device/health); absent before its first report',
  })
  health?: DeviceHealthDto;
}

export class ChallengeContextDto {
  @ApiPropertyOptional() ipAddress?: string;
  @ApiPropertyOptional() location?: string;
  @ApiPropertyOptional() userAgent?: string;
  @ApiPropertyOptional() application?: string;
}

export class UnlockedByDto {
  @ApiProperty() keyId!: string;
}

export class PushLockDto {
  @ApiProperty({ enum: ['fraud_report', 'number_mismatch', 'offline_code'] }) reason!: string;
  @ApiProperty({ format: 'date-time' }) lockedUntil!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When an admin lifted this lock (DELETE /v1/users/{userId}/push-lock)' }) unlockedAt?: string;
  @ApiPropertyOptional({ type: UnlockedByDto, description: 'The admin key that lifted it' }) unlockedBy?: UnlockedByDto;
}

export class MfaReportRowDto {
  @ApiProperty() challengeId!: string;
  @ApiProperty({ description: "The platform's own user identifier" }) userId!: string;
  @ApiProperty({ enum: REPORT_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'First time a push provider accepted a push' }) deliveredAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'First time the app had the request' }) receivedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) resolvedAt?: string;
  @ApiProperty({ type: [ReportDeviceDto] }) devices!: ReportDeviceDto[];
  @ApiProperty({ type: ChallengeContextDto }) context!: ChallengeContextDto;
  @ApiProperty({ description: 'A fraud report was made on this request, before or after its decision' }) fraudReported!: boolean;
  @ApiPropertyOptional({
    enum: ['user_denied', 'number_mismatch', 'fraud', 'platform', 'push_locked', 'superseded'],
    description: 'Why it was denied or cancelled (`superseded`: a newer request of the user took its place, maxPendingPerUser)',
  })
  reason?: string;
  @ApiPropertyOptional({ description: 'The newer request that superseded this one (reason `superseded`)' }) supersededBy?: string;
  @ApiPropertyOptional({ enum: ['offline_code'], description: "Approved with the app's offline code (no push answered); absent for an answer to the push" })
  approvedWith?: 'offline_code';
  @ApiPropertyOptional({ type: PushLockDto, description: 'Push was locked for the user by this request' }) pushLock?: PushLockDto;
  @ApiPropertyOptional({
    description:
      'Why a push may not have been seen, from the devices\' last health reports, e.g. "Delivered — notifications are turned off on Alice\'s iPhone"; absent when no device reported its health',
  })
  healthSummary?: string;
}

export class MfaReportPageDto {
  @ApiProperty({ type: [MfaReportRowDto] }) items!: MfaReportRowDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}

export class TimelineItemDto {
  @ApiProperty({ description: 'The contract event type, e.g. PushDispatched' }) type!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() deviceId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'reason, provider, attempt, …' })
  detail?: Record<string, unknown>;
}

export class MfaReportDetailDto extends MfaReportRowDto {
  @ApiProperty({ type: [TimelineItemDto] }) timeline!: TimelineItemDto[];
}
