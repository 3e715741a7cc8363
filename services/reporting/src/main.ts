import { startTracing } from '@pushmfa/observability';
startTracing('reporting');

import { Logger, type Type } from '@nestjs/common';
import { createServiceApp } from '@pushmfa/http';
import { builtAdminPageDirectory, serveAdminPage } from './admin-page/admin-page.static';
import { loadReportingConfig, type ReportingConfig } from './config';
import { ReportingModule } from './reporting.module';

/** Starts the reporting service; tests call this with their own config and port 0. */
export async function startReporting(config: ReportingConfig, options: { handleSignals?: boolean } = {}) {
  const app = await createServiceApp(ReportingModule.forRoot(config) as unknown as Type<unknown>, {
    serviceName: 'reporting',
    port: config.port,
    handleSignals: options.handleSignals ?? true,
    openApi: { title: 'pushmfa reporting', description: 'The MFA Report: every challenge, its delivery and its outcome' },
    listen: false,
  });
  const adminPage = builtAdminPageDirectory();
  if (adminPage) await serveAdminPage(app, adminPage);
  else Logger.warn('the admin page is not built (npm run build builds it): serving the API only', 'reporting');
  await app.listen(config.port, process.env.HOST ?? '0.0.0.0');
  return app;
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
