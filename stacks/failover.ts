import { api } from './api';
import { blueprint, inRegion } from './context';
import { BROKER_PROBE_PATH, failoverNames, failoverPlan, type RegionEndpoints } from './lib/failover';
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

function failoverFor(domain: string) {
  const zone = aws.route53.getZoneOutput({ name: domain, privateZone: false });
  const names = failoverNames(domain);
  const apis = { primary: api, secondary: secondaryApi.api };

  const endpoints = Object.fromEntries(
    REGIONS.map((region): [Region, RegionEndpoints<$util.Input<string>>] => {
      const suffix = region === 'primary' ? '' : 'Secondary';
      const opts = inRegion(region);
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
      const apiDomain = new aws.apigatewayv2.DomainName(
        `ApiFailoverDomain${suffix}`,
        {
          domainName: names.api,
          domainNameConfiguration: {
            certificateArn: validated.certificateArn,
            endpointType: 'REGIONAL',
            securityPolicy: 'TLS_1_2',
          },
        },
        opts,
      );
      new aws.apigatewayv2.ApiMapping(
        `ApiFailoverMapping${suffix}`,
        { apiId: apis[region].nodes.api.id, domainName: apiDomain.id, stage: '$default' },
        opts,
      );
      new aws.iot.DomainConfiguration(
        `BrokerFailoverDomain${suffix}`,
        {
          name: `ballotstream-${$app.stage}-mqtt`,
          domainName: names.broker,
          serverCertificateArns: [validated.certificateArn],
          serviceType: 'DATA',
        },
        opts,
      );
      return [
        region,
        {
          apiHost: apis[region].url.apply((url) => new URL(url).host),
          apiTarget: apiDomain.domainNameConfiguration.targetDomainName,
          brokerHost: aws.iot.getEndpointOutput({ endpointType: 'iot:Data-ATS' }, opts).endpointAddress,
        },
      ];
    }),
  ) as Record<Region, RegionEndpoints<$util.Input<string>>>;

  const plan = failoverPlan(domain, endpoints);
  const healthChecks = new Map(
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
  const records = plan.records.map((record) => {
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
  return { names, healthChecks, records, brokerProbePath: BROKER_PROBE_PATH };
}
