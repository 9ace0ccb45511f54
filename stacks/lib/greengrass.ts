import { regionsOf } from '@ballotstream/core';
import { GATEWAY_COMPONENT, type GreengrassRecipe } from '@ballotstream/gateway/greengrass/recipe';

/** What the gateway deployments are planned from: the stage, its blueprint and the brokers. */
export interface GatewayDeploymentInput {
  readonly stage: string;
  readonly electionId: string;
  readonly scale: { readonly booths: number; readonly boothsByRegion?: Readonly<Record<string, number>> };
  /** The primary region's broker first, then the secondary's: `mqtts://<endpoint>:8883`. */
  readonly brokers: readonly string[];
  readonly componentVersion: string;
}

/** One Greengrass deployment (`AWS::GreengrassV2::Deployment`): the gateway on one region's machines. */
export interface GatewayDeployment {
  readonly logicalId: string;
  readonly regionId: string;
  readonly DeploymentName: string;
  /** The thing group of the region's machines; each machine's thing is its Greengrass core. */
  readonly thingGroupName: string;
  readonly Components: Record<string, { ComponentVersion: string; ConfigurationUpdate: { Merge: string } }>;
  readonly DeploymentPolicies: {
    readonly FailureHandlingPolicy: 'ROLLBACK' | 'DO_NOTHING';
    readonly ComponentUpdatePolicy: {
      readonly Action: 'NOTIFY_COMPONENTS' | 'SKIP_NOTIFY_COMPONENTS';
      readonly TimeoutInSeconds: number;
    };
  };
}

/**
 * A deployment of the gateway component per election and region (state) of the blueprint,
 * targeting that region's thing group: each merges the election's values (stage, election,
 * brokers) into the component configuration, rolls back a device whose deployment fails, and
 * lets a running gateway hold an update back until it is between voters.
 */
export function gatewayDeployments(input: GatewayDeploymentInput): GatewayDeployment[] {
  return regionsOf(input.scale).map(([regionId]) => ({
    logicalId: `GatewayDeployment${regionId.replace(/[^A-Za-z0-9]/g, '')}`,
    regionId,
    DeploymentName: `ballotstream-${input.stage}-${input.electionId}-${regionId}`,
    thingGroupName: `ballotstream-${input.stage}-machines-${regionId}`,
    Components: {
      [GATEWAY_COMPONENT]: {
        ComponentVersion: input.componentVersion,
        ConfigurationUpdate: {
          Merge: JSON.stringify({
            stage: input.stage,
            electionId: input.electionId,
            brokers: input.brokers.join(','),
          }),
        },
      },
    },
    DeploymentPolicies: {
      FailureHandlingPolicy: 'ROLLBACK',
      ComponentUpdatePolicy: { Action: 'NOTIFY_COMPONENTS', TimeoutInSeconds: 120 },
    },
  }));
}

/**
 * The CloudFormation template stacks/greengrass.ts deploys (`@pulumi/aws` has no Greengrass v2
 * resources): the component version from the built recipe, a thing group per region and a
 * deployment per region on it.
 */
export function gatewayTemplate(recipe: GreengrassRecipe, deployments: readonly GatewayDeployment[]): object {
  const resources: Record<string, unknown> = {
    GatewayComponent: {
      Type: 'AWS::GreengrassV2::ComponentVersion',
      Properties: { InlineRecipe: JSON.stringify(recipe) },
    },
  };
  for (const d of deployments) {
    resources[`${d.logicalId}Group`] = {
      Type: 'AWS::IoT::ThingGroup',
      Properties: { ThingGroupName: d.thingGroupName },
    };
    resources[d.logicalId] = {
      Type: 'AWS::GreengrassV2::Deployment',
      DependsOn: ['GatewayComponent'],
      Properties: {
        TargetArn: { 'Fn::GetAtt': [`${d.logicalId}Group`, 'Arn'] },
        DeploymentName: d.DeploymentName,
        Components: d.Components,
        DeploymentPolicies: d.DeploymentPolicies,
      },
    };
  }
  return { AWSTemplateFormatVersion: '2010-09-09', Resources: resources };
}
