import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shapes of the device list (documentation only). */
export class DeviceHealthDto {
  @ApiProperty({ enum: ['allowed', 'denied'], nullable: true }) notifications!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) focusMode!: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) batterySaver!: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) backgroundRefresh!: boolean | null;
  @ApiProperty({ type: String, nullable: true }) appVersion!: string | null;
  @ApiProperty({ type: String, nullable: true }) osVersion!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the app last showed a push' }) lastPushSeenAt!: string | null;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiProperty({ description: 'e.g. "notifications are turned off", "Focus mode is on", or "healthy"' }) summary!: string;
}

export class DeviceListItemDto {
  @ApiProperty() deviceId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['android', 'ios'] }) platform!: string;
  @ApiProperty({ enum: ['fcm', 'apns'] }) pushProvider!: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) pairedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSeenAt!: string | null;
  @ApiProperty({ enum: ['valid', 'invalid'] }) pushTokenStatus!: string;
  @ApiProperty({ type: DeviceHealthDto, nullable: true, description: 'What the app last reported about itself; null before its first report' })
  health!: DeviceHealthDto | null;
}

export class DeviceListDto {
  @ApiProperty({ type: [DeviceListItemDto] }) items!: DeviceListItemDto[];
}
