import { startTracing } from '@pushmfa/observability';
startTracing('reporting');

import type { Type } from '@nestjs/common';
import { createServiceApp } from '@pushmfa/http';
import { loadReportingConfig, type ReportingConfig } from './config';
import { ReportingModule } from './reporting.module';

/** Starts the reporting service; tests call this with their own config and port 0. */
export async function startReporting(config: ReportingConfig, options: { handleSignals?: boolean } = {}) {
  return createServiceApp(ReportingModule.forRoot(config) as unknown as Type<unknown>, {
    serviceName: 'reporting',
    port: config.port,
    handleSignals: options.handleSignals ?? true,
    openApi: { title: 'pushmfa reporting', description: 'The MFA Report: every challenge, its delivery and its outcome' },
  });
}

if (require.main === module) {
  let config: ReportingConfig;
  try {
    config = loadReportingConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  startReporting(config).catch((error: unknown) => {
    console.error(`reporting failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
