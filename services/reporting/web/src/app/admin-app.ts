import type { AdminApi } from '../api/admin-api';
import { AdminApiError } from '../api/admin-api-error';
import { replaceChildren } from '../dom/element';
import type { VisibilitySource } from '../refresh/visible-poller';
import type { AdminKeyStore } from '../session/admin-key-store';
import { signInView } from '../views/sign-in-view';
import { ReportSession } from './report-session';

export interface AdminAppDependencies {
  keys: AdminKeyStore;
  apiFor(adminKey: string): AdminApi;
  visibility: VisibilitySource;
  now(): number;
}

/** The page: sign-in, or the report (summary, table, timeline) refreshed every few seconds while the tab is visible. */
export class AdminApp {
  private session: ReportSession | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly dependencies: AdminAppDependencies,
  ) {}

  start(): void {
    const adminKey = this.dependencies.keys.read();
    if (adminKey) this.openReport(adminKey);
    else this.showSignIn();
  }

  private showSignIn(message?: string): void {
    replaceChildren(this.root, signInView({ signIn: (adminKey) => this.signIn(adminKey) }, message));
  }

  private async signIn(adminKey: string): Promise<string | undefined> {
    try {
      await this.dependencies.apiFor(adminKey).listReports(new URLSearchParams({ limit: '1' }));
    } catch (error) {
      return error instanceof AdminApiError ? error.message : 'The key could not be checked. Try again.';
    }
    this.dependencies.keys.save(adminKey);
    this.openReport(adminKey);
    return undefined;
  }

  private openReport(adminKey: string): void {
    this.session?.close();
    this.session = new ReportSession(this.root, this.dependencies.apiFor(adminKey), this.dependencies, (message) => this.signOut(message));
  }

  private signOut(message?: string): void {
    this.session?.close();
    this.session = undefined;
    this.dependencies.keys.forget();
    this.showSignIn(message);
  }
}
