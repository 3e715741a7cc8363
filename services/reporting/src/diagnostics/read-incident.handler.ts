import { Injectable } from '@nestjs/common';
import { normalizeIncidentId } from '@pushmfa/contracts';
import { DomainError } from '@pushmfa/event-store';
import { DiagnosticsQueries, type Incident } from './diagnostics.queries';

export interface ReadIncident {
  workspaceId: string;
  /** As the user read it out: any case, O/0 and I/L/1 alike. */
  incidentId: string;
}

/**
 * One incident of the workspace with its redacted log lines. Raises `not_found` for an id that is no incident id,
 * another workspace's incident and one past its retention alike.
 */
@Injectable()
export class ReadIncidentHandler {
  constructor(private readonly incidents: DiagnosticsQueries) {}

  async execute({ workspaceId, incidentId }: ReadIncident): Promise<Incident> {
    const id = incidentId.length <= 40 ? normalizeIncidentId(incidentId) : null;
    const incident = id ? await this.incidents.find(workspaceId, id) : undefined;
    if (!incident) throw new DomainError('not_found', 'no such incident in this workspace');
    return incident;
  }
}
