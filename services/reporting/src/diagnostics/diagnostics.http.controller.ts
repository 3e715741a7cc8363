import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseBody } from '@pushmfa/http';
import { ApiKeyGuard, type ApiKeyCaller, Caller, RequireRole } from '@pushmfa/workspace-access';
import {
  DEFAULT_INCIDENT_PAGE_SIZE,
  DiagnosticsQueries,
  type Incident,
  type IncidentSummary,
  listIncidentsQuerySchema,
  MAX_INCIDENT_PAGE_SIZE,
} from './diagnostics.queries';
import { ReadIncidentHandler } from './read-incident.handler';

const summarySchema = {
  type: 'object',
  properties: {
    incidentId: { type: 'string', example: 'INC-7K3M-Q9TX' },
    userId: { type: 'string' },
    deviceId: { type: 'string' },
    challengeId: { type: 'string', nullable: true },
    sharedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    appVersion: { type: 'string', nullable: true },
    health: { type: 'object', nullable: true, description: 'what the app reported with the logs, as PUT /v1/device/health' },
    lineCount: { type: 'integer' },
  },
};

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/diagnostics')
@UseGuards(ApiKeyGuard)
export class DiagnosticsHttpController {
  constructor(
    private readonly incidents: DiagnosticsQueries,
    private readonly readIncident: ReadIncidentHandler,
  ) {}

  @Get()
  @RequireRole('admin')
  @ApiOperation({ summary: 'App logs users shared with support (incidents), newest first, without the logs; kept for diagnosticsRetentionDays' })
  @ApiQuery({ name: 'userId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'shared at or after (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'shared before (ISO 8601)' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_INCIDENT_PAGE_SIZE, default: DEFAULT_INCIDENT_PAGE_SIZE } })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: summarySchema } } } })
  async list(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>): Promise<{ items: IncidentSummary[] }> {
    return this.incidents.list(caller.workspaceId, parseBody(listIncidentsQuerySchema, query));
  }

  @Get(':incidentId')
  @RequireRole('admin')
  @ApiOperation({
    summary:
      'One incident with its redacted log lines, by the id the user read out (any case; O/0 and I/L/1 are read alike). Another workspace’s incident, or one past its retention, is not_found',
  })
  @ApiOkResponse({
    schema: { ...summarySchema, properties: { ...summarySchema.properties, logs: { type: 'array', items: { type: 'string' } } } },
  })
  read(@Caller() caller: ApiKeyCaller, @Param('incidentId') incidentId: string): Promise<Incident> {
    return this.readIncident.execute({ workspaceId: caller.workspaceId, incidentId });
  }
}
