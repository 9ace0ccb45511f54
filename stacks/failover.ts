import { api } from './api';
import { blueprint, inRegion } from './context';
import {
  BROKER_PROBE_PATH,
  type FailoverPlan,
  failoverNames,
  failoverPlan,
  type RegionEndpoints,
} from './lib/failover';
import type { Region } from './lib/permissions';
import { secondaryApi } from './secondary';

const REGIONS: readonly Region[] = ['primary', 'secondary'];

/**
 * Route 53 failover for the booths' two names, `api.<domain>` and `mqtt.<domain>`, when the
 * stage has a domain (its hosted zone must exist in the account): each region gets a certificate
 * for both names, an API Gateway custom domain and an IoT Core domain configuration serving
 * them, and Route 53 answers with the primary while its health checks pass (`/health`, and
 * `/health/broker`, which publishes probes through that region's broker), else the secondary.
 * Without a domain, booths and gateways are given both regions' own endpoints.
 */
export const failover = blueprint.aws.domain === undefined ? undefined : failoverFor(blueprint.aws.domain);

type Zone = ReturnType<typeof aws.route53.getZoneOutput>;
type Names = ReturnType<typeof failoverNames>;
type Endpoints = RegionEndpoints<$util.Input<string>>;

/** Where a region's resources go: the suffix of their names and the provider of their region. */
interface Placement {
  readonly suffix: string;
  readonly opts: ReturnType<typeof inRegion>;
}

function failoverFor(domain: string) {
  const zone = aws.route53.getZoneOutput({ name: domain, privateZone: false });
  const names = failoverNames(domain);
  const apis = { primary: api, secondary: secondaryApi.api };
  const endpoints = Object.fromEntries(
    REGIONS.map((region): [Region, Endpoints] => [
      region,
      regionEndpoints(region, domain, zone, names, apis[region]),
    ]),
  ) as Record<Region, Endpoints>;
  const plan = failoverPlan(domain, endpoints);
  const healthChecks = failoverHealthChecks(plan);
  const records = failoverRecords(plan, zone, healthChecks);
  return { names, healthChecks, records, brokerProbePath: BROKER_PROBE_PATH };
}

/**
 * Creates one region's side of the failover: a certificate for both names, and the API Gateway
 * custom domain and IoT Core domain configuration that serve them there.
 */
function regionEndpoints(
  region: Region,
  domain: string,
  zone: Zone,
  names: Names,
  regionApi: sst.aws.ApiGatewayV2,
): Endpoints {
  const at: Placement = { suffix: region === 'primary' ? '' : 'Secondary', opts: inRegion(region) };
  const certificateArn = validatedCertificate(domain, zone, names, at);
  const apiDomain = apiCustomDomain(names, certificateArn, regionApi, at);
  brokerDomain(names, certificateArn, at);
  return {
    apiHost: regionApi.url.apply((url) => new URL(url).host),
    apiTarget: apiDomain.domainNameConfiguration.targetDomainName,
    brokerHost: aws.iot.getEndpointOutput({ endpointType: 'iot:Data-ATS' }, at.opts).endpointAddress,
  };
}

/** Creates a region's certificate for both names, its DNS validation records, and waits for it to be issued. */
function validatedCertificate(domain: string, zone: Zone, names: Names, { suffix, opts }: Placement) {
  const cert = new aws.acm.Certificate(
    `FailoverCertificate${suffix}`,
    { domainName: names.api, subjectAlternativeNames: [names.broker], validationMethod: 'DNS' },
    opts,
  );
  // ACM asks for the same validation record in every region, so each region's may overwrite it.
  const validation = [0, 1].map((i) => {
    const option = cert.domainValidationOptions.apply((options) => {
      const found = options[i];
      if (found === undefined) throw new Error(`certificate for ${domain}: no validation option ${i}`);
      return found;
    });
    return new aws.route53.Record(`FailoverCertificateValidation${suffix}${i}`, {
      zoneId: zone.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
  });
  const validated = new aws.acm.CertificateValidation(
    `FailoverCertificateValidated${suffix}`,
    { certificateArn: cert.arn, validationRecordFqdns: validation.map((r) => r.fqdn) },
    opts,
  );
  return validated.certificateArn;
}

/** Creates a region's API Gateway custom domain for `api.<domain>` and maps it to that region's API. */
function apiCustomDomain(
  names: Names,
  certificateArn: $util.Input<string>,
  regionApi: sst.aws.ApiGatewayV2,
  { suffix, opts }: Placement,
): aws.apigatewayv2.DomainName {
  const apiDomain = new aws.apigatewayv2.DomainName(
    `ApiFailoverDomain${suffix}`,
    {
      domainName: names.api,
      domainNameConfiguration: { certificateArn, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
    },
    opts,
  );
  new aws.apigatewayv2.ApiMapping(
    `ApiFailoverMapping${suffix}`,
    { apiId: regionApi.nodes.api.id, domainName: apiDomain.id, stage: '$default' },
    opts,
  );
  return apiDomain;
}

/** Creates a region's IoT Core domain configuration serving `mqtt.<domain>` from its data endpoint. */
function brokerDomain(names: Names, certificateArn: $util.Input<string>, { suffix, opts }: Placement): void {
  new aws.iot.DomainConfiguration(
    `BrokerFailoverDomain${suffix}`,
    {
      name: `ballotstream-${$app.stage}-mqtt`,
      domainName: names.broker,
      serverCertificateArns: [certificateArn],
      serviceType: 'DATA',
    },
    opts,
  );
}

/** Creates the Route 53 health checks of the plan, by their plan name. */
function failoverHealthChecks(plan: FailoverPlan<$util.Input<string>>): Map<string, aws.route53.HealthCheck> {
  return new Map(
    plan.healthChecks.map((check) => [
      check.name,
      new aws.route53.HealthCheck(check.name.replace(/-/g, ''), {
        type: check.type,
        fqdn: check.fqdn,
        port: check.port,
        resourcePath: check.resourcePath,
        requestInterval: check.requestInterval,
        failureThreshold: check.failureThreshold,
        tags: { Name: `ballotstream-${$app.stage}-${check.name}` },
      }),
    ]),
  );
}

/** Creates the plan's failover records: each answers while its health check passes. */
function failoverRecords(
  plan: FailoverPlan<$util.Input<string>>,
  zone: Zone,
  healthChecks: ReadonlyMap<string, aws.route53.HealthCheck>,
): aws.route53.Record[] {
  return plan.records.map((record) => {
    const check = healthChecks.get(record.healthCheck);
    if (check === undefined) throw new Error(`${record.name}: no health check ${record.healthCheck}`);
    return new aws.route53.Record(record.name.replace(/-/g, ''), {
      zoneId: zone.zoneId,
      name: record.recordName,
      type: record.type,
      ttl: record.ttl,
      setIdentifier: record.setIdentifier,
      failoverRoutingPolicies: [{ type: record.failover }],
      healthCheckId: check.id,
      records: [record.target],
    });
  });
}
