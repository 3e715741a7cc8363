import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@pushmfa/observability';
import { ApiKeyGuard } from '@pushmfa/workspace-access';
import type { ReportingConfig } from './config';
import { DiagnosticsHttpController } from './diagnostics/diagnostics.http.controller';
import { ReadIncidentHandler } from './diagnostics/read-incident.handler';
import { ExportReportsHandler } from './querying/export-reports.handler';
import { ExportReportsHttpController } from './querying/export-reports.http.controller';
import { ListReportsHttpController } from './querying/list-reports.http.controller';
import { ReadReportHandler } from './querying/read-report.handler';
import { ReadReportHttpController } from './querying/read-report.http.controller';
import { SummarizeReportsHttpController } from './querying/summarize-reports.http.controller';
import { SummarizeSeriesHttpController } from './querying/summarize-series.http.controller';
import { ReportingLifecycle } from './reporting.lifecycle';
import { reportingProviders } from './reporting.providers';
import { ReadTestPushHandler } from './test-pushes/read-test-push.handler';
import { TestPushesHttpController } from './test-pushes/test-pushes.http.controller';
import { ManageWebhooksHandler } from './webhooks/manage-webhooks.handler';
import { WebhooksHttpController } from './webhooks/webhooks.http.controller';

@Module({})
export class ReportingModule {
  static forRoot(config: ReportingConfig): DynamicModule {
    return {
      module: ReportingModule,
      imports: [ObservabilityModule.forService({ serviceName: 'reporting' })],
      controllers: [
        ExportReportsHttpController,
        ListReportsHttpController,
        SummarizeReportsHttpController,
        SummarizeSeriesHttpController,
        ReadReportHttpController,
        WebhooksHttpController,
        TestPushesHttpController,
        DiagnosticsHttpController,
      ],
      providers: [
        ...reportingProviders(config),
        ReportingLifecycle,
        ApiKeyGuard,
        ExportReportsHandler,
        ReadReportHandler,
        ReadTestPushHandler,
        ManageWebhooksHandler,
        ReadIncidentHandler,
      ],
    };
  }
}
