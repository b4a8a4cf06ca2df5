/**
 * What the sandbox's workflow does when a run starts: imputes the attached VCF against the world's panel
 * and writes Beagle 5.4-style results (imputed/<name>.dose.vcf.gz, imputed/<name>.info.gz) and a log.
 * Workflow parameters it honours: `gp: true` (Beagle's GP field) and `r2_filter` (imputed sites with a lower
 * DR2 are dropped). A run whose input is not attached (url or server_path inputs) cannot be read here, as on
 * any server without access to it: the run ends EXECUTOR_ERROR saying so.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { imputeWes } from '../imputation/run.js';
import type { PanelName } from '../world/panel.js';
import type { World } from '../world/world.js';
import { sampleName, type Run } from './runs.js';

export interface WorkflowSettings {
  world: World;
  worldPanel: PanelName;
}

const VCF = /\.vcf(\.b?gz)?$/i;

/** The run's outputs by relative name (also written under the run's folder). */
export async function runWorkflow(run: Run, settings: WorkflowSettings): Promise<Map<string, Buffer>> {
  const input = run.attachments.find((file) => VCF.test(file.name));
  const name = sampleName(run);
  if (!input) throw new Error(`${name}: the input VCF cannot be read on this server: only VCFs attached to the run (workflow_attachment) are`);
  const params = run.request.workflow_params;
  const started = Date.now();
  const files = await imputeWes({
    world: settings.world, panel: settings.worldPanel, input: input.path, dir: join(run.dir, 'outputs', 'imputed'), name,
    r2Filter: Number(params.r2_filter ?? 0) || 0, genotypeProbabilities: params.gp === true,
  });
  const log = `imputation of ${name} against panel ${settings.worldPanel} finished in ${Date.now() - started} ms\n`;
  const logPath = join(run.dir, 'outputs', 'logs', 'run.log');
  await mkdir(dirname(logPath), { recursive: true });
  await writeFile(logPath, log);
  return new Map([
    [`imputed/${name}.dose.vcf.gz`, await readFile(files.dose)],
    [`imputed/${name}.info.gz`, await readFile(files.info)],
    ['logs/run.log', Buffer.from(log)],
  ]);
}
