/**
 * What a WES run log says, in fedimpute's terms: its last lines as messages, and for a failed run the line
 * that names the error. Servers put the engine's whole log in run_log.stderr (reference server); cwltool and
 * Nextflow write the cause on an ERROR line that is often far above the last lines ("Final process status is
 * permanentFail"), so the whole log is searched. Every line comes out cleaned (sanitize.ts). Pure.
 */
import { cleanLine } from '../../sanitize.js';

const KEPT_LINES = 20;

export interface LogSummary {
  /** the last lines of the log, then the system logs */
  messages: string[];
  /** the error of a failed run */
  failure?: string;
}

export function summarizeLog(stderr: string | null | undefined, systemLogs: readonly string[], rawState: string): LogSummary {
  const text = logText(stderr);
  const lines = text ? text.split('\n').map(cleanLine).filter(Boolean) : [];
  const system = systemLogs.map(cleanLine).filter(Boolean);
  const marked = lines.find((line) => /\bERROR\b/.test(line));
  const failure = system.at(-1) ?? marked ?? lines.findLast((line) => /error|fail|exception/i.test(line)) ?? lines.at(-1) ?? `run ended ${rawState}`;
  return { messages: [...lines.slice(-KEPT_LINES), ...system], failure };
}

/** run_log.stderr is log text on the reference server, a URL per spec: only text is a message */
function logText(value: string | null | undefined): string | undefined {
  if (!value || /^[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(value.trim())) return undefined;
  return value;
}

export function parseTags(tags: unknown): Record<string, unknown> | undefined {
  if (typeof tags === 'string') {
    try {
      return parseTags(JSON.parse(tags));
    } catch {
      return undefined;
    }
  }
  return tags && typeof tags === 'object' ? (tags as Record<string, unknown>) : undefined;
}
