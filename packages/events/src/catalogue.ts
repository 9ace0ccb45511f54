import { alertAcknowledged, alertEscalated, alertRaised, anomalyDetected } from './alerts';
import { voteAccepted, voteRejected } from './casting';
import type { EventDefinition } from './define';
import {
  defenderViolation,
  locationGeofenceEvent,
  machineBlocked,
  machineUnblocked,
  sosRaised,
} from './fleet';
import {
  boothCreated,
  boothUpdated,
  candidateCreated,
  candidateUpdated,
  constituencyCreated,
  constituencyUpdated,
  electionCreated,
  electionUpdated,
  machineCreated,
  machineUpdated,
  officerCreated,
  officerUpdated,
  regionCreated,
  regionUpdated,
  registryImported,
} from './registry';
import { resultMismatched, resultVerified } from './results';
import { tallyDiverged, tallyMaterialised } from './tally';
import { ticketIssued, ticketRevoked, voterRejected } from './verification';

/** Every event the platform publishes or consumes, in the order of the flow. */
export const catalogue = [
  electionCreated,
  electionUpdated,
  regionCreated,
  regionUpdated,
  constituencyCreated,
  constituencyUpdated,
  candidateCreated,
  candidateUpdated,
  boothCreated,
  boothUpdated,
  machineCreated,
  machineUpdated,
  officerCreated,
  officerUpdated,
  registryImported,
  ticketIssued,
  ticketRevoked,
  voterRejected,
  voteAccepted,
  voteRejected,
  tallyMaterialised,
  tallyDiverged,
  resultVerified,
  resultMismatched,
  locationGeofenceEvent,
  defenderViolation,
  sosRaised,
  machineBlocked,
  machineUnblocked,
  anomalyDetected,
  alertRaised,
  alertEscalated,
  alertAcknowledged,
] as const satisfies readonly EventDefinition[];

export type CatalogueEvent = (typeof catalogue)[number];
export type EventType = CatalogueEvent['type'];

const byType = new Map<string, EventDefinition>(catalogue.map((definition) => [definition.type, definition]));

/** Finds a catalogue event by its detail-type, or undefined when the catalogue has none. */
export function findEvent(type: string): EventDefinition | undefined {
  return byType.get(type);
}

/** Prints the catalogue as a Markdown table, for the docs and `ballotstream events`. */
export function describeCatalogue(): string {
  const rows = catalogue.map((e) => `| \`${e.type}\` | \`${e.source}\` | ${e.version} | ${e.description} |`);
  return ['| detail-type | source | version | description |', '|---|---|---|---|', ...rows].join('\n');
}
