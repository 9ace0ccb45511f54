/** A person as the national voter registry knows them; only the issue centre ever sees this. */
export interface RegisteredVoter {
  readonly voterId: string;
  readonly name: string;
  /** Where the registry keeps the voter's photo; the clerk compares it with the person present. */
  readonly photoRef: string;
  readonly constituencyId: string;
  /** The booth the voter is registered at, when the registry says (voters may vote at any booth). */
  readonly boothId?: string;
  /** False when the registry says this person may not vote (deceased, struck off, under age). */
  readonly eligible: boolean;
}

/** The national voter registry (an external API); locally a seeded stand-in in the record store. */
export interface VoterRegistry {
  find(voterId: string): Promise<RegisteredVoter | undefined>;
}
