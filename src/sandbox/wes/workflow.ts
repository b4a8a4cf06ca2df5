/**
 * What the sandbox's workflow does when a run starts: imputes the attached VCF against the world's panel
 * and writes the engine's results (imputed/<name>.dose.vcf.gz, imputed/<name>.info.gz) and a log.
 * Workflow parameters it honours:
 *  - `engine`: `beagle` (Beagle 5.4's files, the default) or `minimac4` (Minimac4's, as the chipimputation
 *    workflow of eLwazi's nodes runs it); anything else fails the run, as an unknown engine would;
 *  - `meta: true` with minimac4: also imputed/<name>.empiricalDose.vcf.gz (`minimac4 -e`), the leave-one-out
 *    dosages meta-imputation needs; Beagle has no such output, so with beagle the log says it was ignored;
 *  - `gp: true` (Beagle's GP field) and `r2_filter` (imputed sites with a lower estimated R² are dropped).
 * A run whose input is not attached (url or server_path inputs) cannot be read here, as on any server
 * without access to it: the run ends EXECUTOR_ERROR saying so.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { imputeWes, WES_ENGINES, type WesEngine } from '../imputation/run.js';
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
  const engine = params.engine ?? 'beagle';
  if (!WES_ENGINES.includes(engine as WesEngine)) throw new Error(`engine '${String(engine)}' is not installed on this node (it runs ${WES_ENGINES.join(' or ')})`);
  const meta = params.meta === true;
  const started = Date.now();
  const files = await imputeWes({
    world: settings.world, panel: settings.worldPanel, input: input.path, dir: join(run.dir, 'outputs', 'imputed'), name,
    engine: engine as WesEngine, meta, r2Filter: Number(params.r2_filter ?? 0) || 0, genotypeProbabilities: params.gp === true,
  });
  const ignored = meta && engine === 'beagle' ? 'meta: ignored, Beagle writes no leave-one-out dosages\n' : '';
  const log = `${ignored}imputation of ${name} with ${engine} against panel ${settings.worldPanel} finished in ${Date.now() - started} ms\n`;
  const logPath = join(run.dir, 'outputs', 'logs', 'run.log');
  await mkdir(dirname(logPath), { recursive: true });
  await writeFile(logPath, log);
  const outputs = new Map<string, Buffer>();
  for (const path of [files.dose, files.info, ...(files.empirical ? [files.empirical] : [])]) outputs.set(`imputed/${basename(path)}`, await readFile(path));
  outputs.set('logs/run.log', Buffer.from(log));
  return outputs;
}
