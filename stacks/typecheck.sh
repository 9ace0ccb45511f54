#!/usr/bin/env bash
# Type-checks sst.config.ts and stacks/ against the SST platform, installing it first when missing.
# `sst install` fetches the platform (~295 MB) from the npm registry alone: no Pulumi or Bun download.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .sst/platform/config.d.ts ]; then
  # Any valid blueprint will do: install only needs the app's providers, not a real stage.
  SST_SKIP_DEPENDENCY_CHECK=1 NO_BUN=1 SST_TELEMETRY_DISABLED=1 SST_STAGE=ci \
    BALLOTSTREAM_BLUEPRINT="${BALLOTSTREAM_BLUEPRINT:-stacks/fixtures/ci-blueprint.json}" \
    npx sst install
fi
npx tsc -p stacks/tsconfig.json
