import { readFileSync } from 'node:fs';
import { greengrassRecipeSchema } from '@ballotstream/gateway/greengrass/recipe';
import { blueprint, regions } from './context';
import { gatewayDeployments, gatewayTemplate } from './lib/greengrass';

/**
 * The booth gateway as a Greengrass v2 component, deployed per election and region (state):
 * the recipe comes from the project's build (`npm run build:component -w packages/gateway --
 * <dir> <version> s3://<bucket>/<prefix>`, then the artifacts uploaded there), and
 * `GATEWAY_COMPONENT_DIR` names that build. `@pulumi/aws` has no Greengrass v2 resources, so a
 * CloudFormation stack holds the component version, a thing group per region and a deployment
 * on each. Without a build the stage deploys no gateway component.
 */
const dir = process.env.GATEWAY_COMPONENT_DIR;
const endpoint = (region: string) =>
  aws.iot.getEndpointOutput(
    { endpointType: 'iot:Data-ATS' },
    { provider: new aws.Provider(`IotEndpoint${region}`, { region }) },
  ).endpointAddress;

export const gatewayComponent =
  dir === undefined
    ? undefined
    : (() => {
        const recipe = greengrassRecipeSchema.parse(JSON.parse(readFileSync(`${dir}/recipe.json`, 'utf8')));
        const brokers = $util
          .all([endpoint(regions.primary), endpoint(regions.secondary)])
          .apply((hosts) => hosts.map((host) => `mqtts://${host}:8883`));
        return new aws.cloudformation.Stack('GatewayComponent', {
          name: `ballotstream-${$app.stage}-gateway`,
          templateBody: brokers.apply((list) =>
            JSON.stringify(
              gatewayTemplate(
                recipe,
                gatewayDeployments({
                  stage: $app.stage,
                  electionId: blueprint.electionId,
                  scale: blueprint.scale,
                  brokers: list,
                  componentVersion: recipe.ComponentVersion,
                }),
              ),
            ),
          ),
        });
      })();
