import { gatewayRecipe, greengrassRecipeSchema } from '@ballotstream/gateway/greengrass/recipe';
import { describe, expect, it } from 'vitest';
import { gatewayDeployments, gatewayTemplate } from './greengrass';

const input = {
  stage: 'national-general',
  electionId: 'ge-2029',
  scale: {
    booths: 1_050_000,
    boothsByRegion: { 'state-01': 400_000, 'state-02': 450_000, 'state-03': 200_000 },
  },
  brokers: [
    'mqtts://a-ats.iot.ap-south-1.amazonaws.com:8883',
    'mqtts://a-ats.iot.ap-south-2.amazonaws.com:8883',
  ],
  componentVersion: '1.2.3',
};

describe('the gateway deployments', () => {
  it('deploys the gateway once per election and region, on that region’s machines, with both brokers', () => {
    const deployments = gatewayDeployments(input);
    expect(deployments.map((d) => d.thingGroupName)).toEqual([
      'ballotstream-national-general-machines-state-01',
      'ballotstream-national-general-machines-state-02',
      'ballotstream-national-general-machines-state-03',
    ]);
    for (const d of deployments) {
      const component = d.Components['ballotstream.BoothGateway']!;
      expect(component.ComponentVersion).toBe('1.2.3');
      expect(JSON.parse(component.ConfigurationUpdate.Merge)).toEqual({
        stage: 'national-general',
        electionId: 'ge-2029',
        brokers: input.brokers.join(','),
      });
      expect(d.DeploymentPolicies.FailureHandlingPolicy).toBe('ROLLBACK');
    }
  });

  it('puts a recipe Greengrass accepts, a thing group and a deployment per region in the template', () => {
    const recipe = gatewayRecipe({
      version: '1.2.3',
      artifactsUri: 's3://b/gateway/1.2.3',
      artifacts: ['gateway.mjs'],
    });
    const template = gatewayTemplate(recipe, gatewayDeployments(input)) as {
      Resources: Record<string, { Type: string; Properties: { InlineRecipe?: string } }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::GreengrassV2::Deployment')).toHaveLength(3);
    expect(types.filter((t) => t === 'AWS::IoT::ThingGroup')).toHaveLength(3);
    const inline = template.Resources.GatewayComponent?.Properties.InlineRecipe ?? '';
    expect(greengrassRecipeSchema.safeParse(JSON.parse(inline)).success).toBe(true);
  });
});
