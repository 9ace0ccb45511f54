import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type IncidentKind, incidentKinds, loadSimulation } from '../simulate/config';
import { type SimulationReport, simulate } from '../simulate/run';
import { countFlag, numberFlag, type ParsedArgs, stringFlag, UsageError } from './args';
import { FALSE_WARNING_LIMIT, falseAlertCounts, simulationVerdict } from './simulate-verdict';

/**
 * `ballotstream simulate --config <file> [--booths N] [--speedup X] [--incidents a,b|none] [--out report.json]`:
 * plays an election day and reports tally against ground truth and incidents against alerts.
 */
export async function simulateCommand(args: ParsedArgs): Promise<void> {
  const configPath = stringFlag(args, 'config');
  if (configPath === undefined)
    throw new UsageError('--config <file> is required (e.g. packages/local/src/simulate/national-2000.json)');
  const loaded = loadSimulation(resolve(configPath));
  const incidentsFlag = stringFlag(args, 'incidents');
  const incidents =
    incidentsFlag === undefined
      ? loaded.incidents
      : incidentsFlag === 'none'
        ? []
        : incidentsFlag.split(',').map((name) => {
            if (!(incidentKinds as readonly string[]).includes(name))
              throw new UsageError(
                `--incidents: unknown incident ${name} (known: ${incidentKinds.join(', ')})`,
              );
            return name as IncidentKind;
          });
  const maxFalseWarnings = countFlag(args, 'max-false-warnings', FALSE_WARNING_LIMIT, 0);
  const sim = {
    ...loaded,
    booths: countFlag(args, 'booths', loaded.booths),
    speedup: numberFlag(args, 'speedup', loaded.speedup, { min: 0.001 }),
    votersPerBooth: countFlag(args, 'voters-per-booth', loaded.votersPerBooth),
    incidents,
  };
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const out = process.stdout;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const bulletinDir = resolve(stringFlag(args, 'bulletin', `.data/simulate/bulletin-${stamp}`)!);
  const report = await simulate(sim, (line) => out.write(out.isTTY ? `\r\x1b[2K${line}` : `${line}\n`), {
    bulletinDir,
  });
  if (out.isTTY) out.write('\n');
  out.write(render(report));
  const file = resolve(
    stringFlag(args, 'out', `.data/simulate/report-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)!,
  );
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  out.write(`report written to ${file}\n`);
  const verdict = simulationVerdict(report, { maxFalseWarnings });
  out.write(`${verdict.summary}\n`);
  if (!verdict.passed) process.exitCode = 1;
}

function render(r: SimulationReport): string {
  const lines: string[] = [];
  lines.push(
    '',
    `election day: ${r.booths} booths, ${r.voters} voters, ${r.speedup}x, ${r.realSeconds.toFixed(0)} s real (simulated clock held ${r.heldSeconds.toFixed(0)} s for the simulator to catch up)`,
  );
  lines.push(
    `votes sent ${r.votes.sent}, accepted ${r.votes.accepted}, rejected ${JSON.stringify(r.votes.rejected)}`,
  );
  lines.push(`verifications refused: ${JSON.stringify(r.votes.verificationRefusals)}`);
  lines.push(
    `tally ${r.tally.tallied} vs ground truth ${r.tally.groundTruth}: ${r.tally.equal ? 'EQUAL' : `DIFFERENT\n  ${r.tally.differences.join('\n  ')}`}`,
  );
  lines.push(
    `cast → accepted latency: p50 ${r.latencyMs.p50.toFixed(0)} ms, p90 ${r.latencyMs.p90.toFixed(0)} ms, p99 ${r.latencyMs.p99.toFixed(0)} ms`,
  );
  lines.push('incidents:');
  for (const i of r.incidents) {
    const outcome = i.detected
      ? `detected as ${i.alert} after ${i.delaySeconds?.toFixed(0)} s (simulated)`
      : `MISSED (expected ${i.expected.join(' or ')})`;
    lines.push(`  ${i.kind.padEnd(20)} ${i.subject.padEnd(14)} ${outcome}`);
    if (i.detail !== undefined) lines.push(`  ${''.padEnd(20)} ${''.padEnd(14)} (${i.detail})`);
  }
  const f = falseAlertCounts(r.falseAlerts);
  lines.push(
    `false criticals: ${f.criticals}${f.criticals > 0 ? ` (${f.criticalRules})` : ''}`,
    `false warnings: ${f.warnings}${f.warnings > 0 ? ` (${f.warningRules})` : ''}`,
  );
  const c = r.closeOfPoll;
  lines.push(
    `close of poll: ${c.machines} machines, ${c.reconciled} reconciled, ${c.disagreeing} disagreeing, ${c.missing} missing; ` +
      `${c.exceptions.length} excused by returning officers (${c.unexplained} not explained by an incident)`,
  );
  for (const e of c.exceptions.slice(0, 10)) lines.push(`  ${e.machineId.padEnd(14)} ${e.reason}`);
  lines.push(
    `certified ${c.certified} of ${c.constituencies} constituencies; national certification ${
      c.lastRecordToNationalCertificationSeconds === undefined
        ? 'NOT reached'
        : `${c.lastRecordToNationalCertificationSeconds.toFixed(1)} s (real) after the last result record`
    }`,
  );
  lines.push(
    `bulletin ${c.bulletin.dir}: ${c.bulletin.verified ? 'verified' : `NOT verified\n  ${c.bulletin.problems.join('\n  ')}`} (${c.bulletin.votes} votes; check it with: ballotstream verify-election ${c.bulletin.dir})`,
  );
  return `${lines.join('\n')}\n`;
}
