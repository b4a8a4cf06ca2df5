/**
 * The choices combine makes before reading a single dosage, each with the reason it prints: the method
 * (meta when every result has leave-one-out dosages), the rule for absent variants (HDS 0 unless an R² filter
 * may have removed them), and whether the results' haplotypes line up (same phase) so meta can weigh them.
 */
import { InputError, UsageError } from '../errors.js';
import type { AbsentRule } from './mix.js';
import type { Method } from './types.js';

export interface Candidate {
  label: string;
  /** has empirical (leave-one-out) files for every chromosome */
  empirical: boolean;
  /** the R² filter it was submitted with ('0' or undefined: none), or 'header' when its VCF header says so */
  r2Filter?: string;
  /** it was submitted with --meta (parent mode): lacking empirical files, its engine has no such output */
  metaRequested?: boolean;
}

/** what to do when every result lacking leave-one-out dosages was asked for them: their engine writes none */
export const ENGINE_HINT = 'impute with an engine that writes them (Minimac4 with -e; Beagle has no such output), e.g. another panel or service';

export interface Decision<T> {
  value: T;
  reason: string;
}

export function chooseMethod(requested: string | undefined, candidates: Candidate[], howToGetMeta: string): Decision<Method> {
  if (requested !== undefined && requested !== 'meta' && requested !== 'best-r2') {
    throw new UsageError(`--method must be meta or best-r2, got '${requested}'`);
  }
  const lacking = candidates.filter((candidate) => !candidate.empirical);
  if (lacking.length === 0) {
    if (requested === 'best-r2') return { value: 'best-r2', reason: 'asked for with --method best-r2' };
    return { value: 'meta', reason: 'every result has leave-one-out (empirical) dosages' };
  }
  const names = (group: Candidate[]) => group.map((candidate) => candidate.label).join(', ');
  const notAsked = lacking.filter((candidate) => !candidate.metaRequested);
  const asked = lacking.filter((candidate) => candidate.metaRequested);
  const why = [
    ...(notAsked.length ? [`${names(notAsked)} ${notAsked.length === 1 ? 'has' : 'have'} no leave-one-out (empiricalDose) dosages`] : []),
    ...(asked.length ? [`${names(asked)} ${asked.length === 1 ? 'was' : 'were'} asked for leave-one-out dosages (--meta) but wrote none`] : []),
  ].join('; ');
  const how = notAsked.length ? howToGetMeta : ENGINE_HINT;
  if (requested === 'meta') throw new InputError(`cannot meta-impute: ${why}`, { hint: `${how}; or use --method best-r2` });
  return { value: 'best-r2', reason: requested === 'best-r2' ? 'asked for with --method best-r2' : `${why}; for meta-imputation ${how}` };
}

export function chooseAbsent(requested: string | undefined, candidates: Candidate[], warn: (text: string) => void): Decision<AbsentRule> {
  if (requested !== undefined && requested !== 'fixed' && requested !== 'zero' && requested !== 'renormalize') {
    throw new UsageError(`--absent must be fixed, zero or renormalize, got '${requested}'`);
  }
  const filtered = candidates.filter((candidate) => candidate.r2Filter !== undefined && candidate.r2Filter !== '0');
  const names = filtered.map((candidate) => (candidate.r2Filter === 'header' ? `${candidate.label} (its header shows an R² filter)` : `${candidate.label} (R² ≥ ${candidate.r2Filter})`));
  if (requested === 'renormalize') return { value: 'renormalize', reason: 'asked for with --absent renormalize' };
  if (requested === 'zero' || requested === 'fixed') {
    if (filtered.length > 0) warn(`--absent ${requested} although results were filtered by R²: ${names.join(', ')}; a variant they dropped is counted as a fixed allele`);
    return { value: requested, reason: `asked for with --absent ${requested}` };
  }
  if (filtered.length > 0) return { value: 'renormalize', reason: `filtered by R²: ${names.join(', ')}, so a missing variant says nothing` };
  return { value: 'fixed', reason: 'no R² filter: a variant missing from a panel\'s output is one its haplotypes do not vary at' };
}

/** more than this share of heterozygous typed genotypes with the other phase: the results were phased apart */
export const PHASE_CONFLICT_LIMIT = 0.01;

export function phaseProblem(checks: number, conflicts: number): string | null {
  if (checks === 0 || conflicts / checks <= PHASE_CONFLICT_LIMIT) return null;
  const share = ((100 * conflicts) / checks).toFixed(1);
  return `the results disagree on the phase of ${share}% of heterozygous typed genotypes (the services phased the study separately), so their haplotypes cannot be weighed against each other`;
}

export const PHASE_HINT = 'phase the study before submitting and submit it with --no-phasing (every service then imputes the same haplotypes); or use --method best-r2';
