/**
 * Every secret fedimpute handles (tokens, result passwords) is registered here the moment it is read,
 * and every line that leaves the process (errors, logs, verbose traces) passes through redact().
 * A process-wide set is deliberate: a secret must not escape through a path nobody thought of.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // very short values would redact ordinary words; tokens and passwords are long
  if (value && value.length >= 6) secrets.add(value);
}

/** no secret has been read in this process: output can skip redaction (jobs --json writes raw bytes) */
export function noSecrets(): boolean {
  return secrets.size === 0;
}

export function redact(text: string): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && result.includes(encoded)) result = result.split(encoded).join('***');
  }
  return result;
}
