/**
 * Everything `submit` (and `retry`) checks before a single byte is uploaded. Local problems
 * (services, panels, options, files, tokens, pre-flight) are collected and reported together; then
 * each service is asked once whether it is up and accepts our token.
 */
import type { Context } from '../context.js';
import { AuthError, ConfigError, InputError, MissingTokenError, RemoteError, UsageError } from '../errors.js';
import type { InputRecord } from '../domain/inputs.js';
import type { Build, Registry, Service } from '../registry/types.js';
import type { CheckReport } from '../vcf/check.js';
import { hashInputs, preflight, sniffBuild, statInputs } from './inputs.js';
import { planChildren, preflightPanels, type ChildPlan, type SubmitOptions } from './plan.js';

export interface SubmitRequestOptions {
  services: string;
  panels?: string;
  build?: string;
  phasing?: boolean | string;
  population?: string;
  r2Filter?: string;
  mode?: string;
  check?: boolean;
  /** --meta / --no-meta (undefined: each service's registry default) */
  meta?: boolean;
}

export interface ValidatedSubmission {
  plans: ChildPlan[];
  options: SubmitOptions;
  inputs: InputRecord[];
  report?: CheckReport;
}

export function problemsError(what: string, problems: string[], kind: 'usage' | 'input' = 'usage'): Error {
  const message =
    problems.length === 1 ? `${what}: ${problems[0]}` : `${what} (${problems.length} problems):\n${problems.map((problem) => `  • ${problem}`).join('\n')}`;
  return kind === 'input' ? new InputError(message) : new UsageError(message);
}

export function parseSubmitOptions(request: SubmitRequestOptions, problems: string[]): Omit<SubmitOptions, 'build'> & { build?: Build } {
  const build = request.build;
  if (build !== undefined && build !== 'hg19' && build !== 'hg38') problems.push(`--build must be hg19 or hg38, got '${build}'`);
  let phasing: SubmitOptions['phasing'] = 'eagle';
  if (request.phasing === false) phasing = 'no_phasing';
  else if (typeof request.phasing === 'string') {
    if (request.phasing === 'eagle' || request.phasing === 'beagle') phasing = request.phasing;
    else problems.push(`--phasing must be eagle or beagle (or --no-phasing), got '${request.phasing}'`);
  }
  const mode = request.mode ?? 'imputation';
  if (mode !== 'imputation' && mode !== 'qc-only') problems.push(`--mode must be imputation or qc-only, got '${mode}'`);
  return {
    build: build as Build | undefined,
    phasing,
    population: request.population,
    r2Filter: request.r2Filter,
    mode: mode as SubmitOptions['mode'],
    meta: request.meta,
  };
}

export async function validateSubmission(
  context: Context,
  registry: Registry,
  request: SubmitRequestOptions,
  files: string[],
): Promise<ValidatedSubmission> {
  const problems: string[] = [];
  const parsed = parseSubmitOptions(request, problems);
  const { plans, problems: planProblems } = planChildren(registry, request.services, request.panels, { ...parsed, build: parsed.build ?? 'hg19' });
  problems.push(...planProblems);
  const inputs = statInputs(files, context.cwd, problems);
  const { resolveToken } = await import('../registry/tokens.js');
  const missing: MissingTokenError[] = [];
  for (const service of new Set(plans.map((plan) => plan.service))) {
    try {
      resolveToken(service, context.env);
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof MissingTokenError)) throw error;
      if (error instanceof MissingTokenError) missing.push(error);
      problems.push(error.hint ? `${error.message} (${error.hint})` : error.message);
    }
  }
  let report: CheckReport | undefined;
  if (request.check !== false && inputs.length === files.length && inputs.length > 0) {
    const { panels, maxSamples } = preflightPanels(plans);
    report = await preflight(inputs.map((input) => input.path), parsed.build, panels, parsed.population, maxSamples);
    for (const finding of report.findings) {
      // planChildren already said this, in the registry's terms: one problem, one line
      if (finding.code === 'population-not-allowed' && planProblems.some((problem) => problem.startsWith('population '))) continue;
      const where = finding.file ? `${finding.file}: ` : '';
      if (finding.severity === 'error') problems.push(`${where}${finding.message} → ${finding.fix}`);
      else context.warn(`${where}${finding.message}`);
    }
    if (parsed.phasing === 'no_phasing' && !report.phased && report.ok) {
      problems.push('the input is not phased, so --no-phasing cannot work: drop --no-phasing (the servers phase with eagle)');
    }
  }
  // a missing token is exit 4 like a rejected one (README "Exit codes"), whatever else is wrong too
  if (missing.length > 0) throw new AuthError(missing[0].service, problemsError('cannot submit', problems).message);
  if (problems.length > 0) throw problemsError('cannot submit', problems, report && !report.ok ? 'input' : 'usage');
  const build = parsed.build ?? report?.files[0]?.namingBuild ?? (await sniffBuild(inputs[0].path)) ?? 'hg19';
  return { plans, options: { ...parsed, build }, inputs, report };
}

/** ask each service once: reachable, token accepted, workflow advertised */
export async function checkServices(context: Context, list: Service[]): Promise<void> {
  const services = [...new Set(list)];
  const auth: string[] = [];
  const remote: string[] = [];
  const config: string[] = [];
  await Promise.all(
    services.map(async (service) => {
      try {
        const adapter = await context.adapter(service);
        const check = await adapter.check();
        if (!check.reachable) remote.push(`${service.slug}: ${check.problems.join('; ') || 'not reachable'}`);
        else if (check.tokenValid === false) auth.push(`${service.slug}: ${check.problems.join('; ') || 'the token was rejected'}`);
        else if (check.tokenExpiresAt && Date.parse(check.tokenExpiresAt) <= context.now().getTime())
          auth.push(`${service.slug}: the API token expired on ${check.tokenExpiresAt}; create a new one in the service's web interface`);
        // maintenance or garbage from a reachable server is the service's problem (exit 1), not the registry's (exit 2)
        else if (check.unavailable) remote.push(`${service.slug}: ${check.problems.join('; ')}`);
        else if (check.problems.length > 0) config.push(...check.problems.map((problem) => `${service.slug}: ${problem}`));
      } catch (error) {
        if (error instanceof AuthError) auth.push(error.message);
        else if (error instanceof RemoteError) remote.push(error.message);
        else throw error;
      }
    }),
  );
  if (auth.length > 0) {
    const error = problemsError('cannot submit', [...auth, ...remote, ...config]);
    throw new AuthError(auth[0], error.message);
  }
  if (remote.length > 0) throw new RemoteError(remote[0], problemsError('cannot submit', [...remote, ...config]).message);
  if (config.length > 0) throw problemsError('cannot submit', config);
}

export { hashInputs };
