import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@pushmfa/observability';
import { API_KEY_DIRECTORY, ApiKeyGuard } from '@pushmfa/workspace-access';
import type { ReportingConfig } from './config';
import { ExportReportsHttpController } from './querying/export-reports.http.controller';
import { ListReportsHttpController } from './querying/list-reports.http.controller';
import { MfaReportQueries } from './querying/mfa-report.queries';
import { MfaReportSeriesQueries } from './querying/mfa-report-series.queries';
import { MfaReportSummaryQueries } from './querying/mfa-report-summary.queries';
import { ReadReportHttpController } from './querying/read-report.http.controller';
import { SummarizeReportsHttpController } from './querying/summarize-reports.http.controller';
import { SummarizeSeriesHttpController } from './querying/summarize-series.http.controller';
import { REPORTING_CONFIG, REPORTING_SCHEMA, ReportingRuntime } from './reporting-runtime';
import { TestPushQueries } from './test-pushes/test-push.queries';
import { TestPushesHttpController } from './test-pushes/test-pushes.http.controller';
import { WebhookEndpoints } from './webhooks/webhook-endpoints';
import { WEBHOOK_TARGET_POLICY, WebhooksHttpController } from './webhooks/webhooks.http.controller';
import { DiagnosticsHttpController } from './diagnostics/diagnostics.http.controller';
import { DiagnosticsQueries } from './diagnostics/diagnostics.queries';

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
        { provide: REPORTING_CONFIG, useValue: config },
        ReportingRuntime,
        { provide: API_KEY_DIRECTORY, useFactory: (runtime: ReportingRuntime) => runtime.apiKeys, inject: [ReportingRuntime] },
        {
          provide: MfaReportQueries,
          useFactory: (runtime: ReportingRuntime) => new MfaReportQueries(runtime.runtime.pool, REPORTING_SCHEMA),
          inject: [ReportingRuntime],
        },
        {
          provide: MfaReportSummaryQueries,
          useFactory: (runtime: ReportingRuntime) => new MfaReportSummaryQueries(runtime.runtime.pool, REPORTING_SCHEMA),
          inject: [ReportingRuntime],
        },
        {
          provide: MfaReportSeriesQueries,
          useFactory: (runtime: ReportingRuntime) => new MfaReportSeriesQueries(runtime.runtime.pool, REPORTING_SCHEMA),
          inject: [ReportingRuntime],
        },
        {
          provide: TestPushQueries,
          useFactory: (runtime: ReportingRuntime) => new TestPushQueries(runtime.runtime.pool, REPORTING_SCHEMA),
          inject: [ReportingRuntime],
        },
        {
          provide: WebhookEndpoints,
          useFactory: (runtime: ReportingRuntime) =>
            new WebhookEndpoints(runtime.runtime.pool, REPORTING_SCHEMA, runtime.webhookSecrets, config.webhooks.retryWindowMs),
          inject: [ReportingRuntime],
        },
        {
          provide: DiagnosticsQueries,
          useFactory: (runtime: ReportingRuntime) => new DiagnosticsQueries(runtime.runtime.pool, REPORTING_SCHEMA),
          inject: [ReportingRuntime],
        },
        { provide: WEBHOOK_TARGET_POLICY, useValue: { allowPrivateTargets: config.webhooks.allowPrivateTargets } },
        ApiKeyGuard,
      ],
    };
  }
}
