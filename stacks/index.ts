/**
 * Deploys one stage: each capability is a module of its own, created from the trigger table and
 * the table definitions when imported. Imported here, inside `run()`, once SST's globals exist.
 */
export async function deployStage() {
  const { blueprint, regions, stage } = await import('./context');
  const { readOfficers } = await import('./lib/officers');
  const { buses } = await import('./bus');
  await import('./tables');
  const { voteStores } = await import('./vote-stores');
  await import('./queues');
  await import('./functions');
  await import('./events');
  const { api, users, staffClient, boothClient } = await import('./api');
  const { machinePolicy, machineGroup } = await import('./iot');
  await import('./schedules');
  await import('./secondary');
  await import('./streams');
  const { secondaryApi } = await import('./secondary');
  const { failover } = await import('./failover');
  await import('./alarms');
  const { tracking } = await import('./location');
  const { notificationsTopic, subscribeOfficers } = await import('./notifications');
  const officersFile = blueprint.data.officers;
  subscribeOfficers(officersFile === undefined ? [] : await readOfficers(officersFile));
  const { web } = await import('./web');
  const { defenderAlerts, defenderAlertRole } = await import('./defender');
  await import('./fleet-signals');
  await import('./greengrass');
  const { gatewayUpdates, gatewayUpdateUrlRole, codeSigningProfile } = await import('./ota');
  const { externalApis } = await import('./external-apis');
  return {
    stage,
    primaryRegion: regions.primary,
    secondaryRegion: regions.secondary,
    api: api.url,
    apiSecondary: secondaryApi.api.url,
    userPoolSecondary: secondaryApi.users.id,
    boothClientSecondary: secondaryApi.boothClient.id,
    failoverApi: failover?.names.api,
    failoverBroker: failover?.names.broker,
    web: web.url,
    userPool: users.id,
    signIn: users.domainUrl,
    staffClient: staffClient.id,
    boothClient: boothClient.id,
    bus: buses.primary.name,
    voteStore: voteStores.primary.arns.kind,
    machinePolicy: machinePolicy.name,
    machineGroup: machineGroup.name,
    trackers: tracking.shards.map((s) => s.tracker.trackerName),
    officerAlerts: notificationsTopic.arn,
    defenderAlertTopic: defenderAlerts.arn,
    defenderAlertRole: defenderAlertRole.arn,
    gatewayUpdates: gatewayUpdates.name,
    gatewayUpdateUrlRole: gatewayUpdateUrlRole.arn,
    codeSigningProfile: codeSigningProfile?.name,
    voterRegistryApiKeySecret: externalApis.voterRegistry.key.arn,
    biometricApiKeySecret: externalApis.biometrics.key.arn,
  };
}
