import { plannedLinks, type Region, regionOf } from '@ballotstream/functions/catalogue';
import { LINKS } from '@ballotstream/functions/links';
import type { Trigger } from '@ballotstream/functions/triggers';
import { busLinks } from './bus';
import { cacheLink } from './cache';
import { externalApis } from './external-apis';
import { iotDataEndpoint, iotDataEndpointSecondary } from './iot-endpoint';
import { keyLinks, keyLinksSecondary } from './keys';
import { geofencesLink, trackerLink } from './location';
import { notificationsLink } from './notifications';
import { secondaryCacheLink } from './secondary-cache';
import { tableLinks } from './tables';
import { userPoolLinks } from './user-pools';
import { voteStores } from './vote-stores';

/** Every link a Lambda may carry, by the name the port catalogue plans it under. */
const linkables: ReadonlyMap<string, sst.Linkable<Record<string, unknown>>> = new Map<
  string,
  sst.Linkable<Record<string, unknown>>
>([
  ...Object.entries(tableLinks).map(
    ([name, link]) => [LINKS.table(name as keyof typeof tableLinks), link] as const,
  ),
  [LINKS.bus.primary, busLinks.primary],
  [LINKS.bus.secondary, busLinks.secondary],
  [LINKS.voteStore.primary, voteStores.primary.link],
  [LINKS.voteStore.secondary, voteStores.secondary.link],
  [LINKS.cache, cacheLink],
  [LINKS.ticketKey, keyLinks.ticket],
  [LINKS.pseudonymKey, keyLinks.pseudonym],
  [LINKS.electionKey, keyLinks.election],
  [LINKS.notifications, notificationsLink],
  [LINKS.userPool.primary, userPoolLinks.primary],
  [LINKS.userPool.secondary, userPoolLinks.secondary],
  [LINKS.tracker, trackerLink],
  [LINKS.geofences, geofencesLink],
  [LINKS.iotDataEndpoint, iotDataEndpoint],
  [LINKS.voterRegistryApi, externalApis.voterRegistry.link],
  [LINKS.biometricApi, externalApis.biometrics.link],
]);

/** What a copy of a step in the secondary region carries instead: that region's own resource (`SECONDARY_OWN_LINKS`). */
const secondaryLinkables: ReadonlyMap<string, sst.Linkable<Record<string, unknown>>> = new Map<
  string,
  sst.Linkable<Record<string, unknown>>
>([
  [LINKS.cache, secondaryCacheLink],
  [LINKS.ticketKey, keyLinksSecondary.ticket],
  [LINKS.pseudonymKey, keyLinksSecondary.pseudonym],
  [LINKS.iotDataEndpoint, iotDataEndpointSecondary],
]);

/**
 * The links of a step: exactly those `plannedLinks` names (links carry no permissions here);
 * `busRegion` names the bus a copy of the step in another region publishes to, and a copy in
 * the secondary region takes that region's cache, replica keys and IoT endpoint.
 */
export function linksOf(
  trigger: Trigger,
  busRegion: Region = regionOf(trigger),
): sst.Linkable<Record<string, unknown>>[] {
  const own = LINKS.bus[regionOf(trigger)];
  return plannedLinks(trigger).map((planned) => {
    const name = planned === own ? LINKS.bus[busRegion] : planned;
    const link =
      (busRegion === 'secondary' ? secondaryLinkables.get(name) : undefined) ?? linkables.get(name);
    if (link === undefined) throw new Error(`${trigger.name}: no link named ${name} is created in stacks/`);
    return link;
  });
}
