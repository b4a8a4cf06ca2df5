/** `services check` and `panels [--remote]` (runX in this process) against the emulators. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPanels } from '../../src/commands/panels.js';
import { runServicesCheck } from '../../src/commands/services-check.js';
import { startFederation, type Federation } from '../helpers/federation.js';

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation({ michigan: [{}], wes: [{ flavor: 'spec' }] });
});
afterAll(async () => fed?.close());

describe('services check', () => {
  test('every service reachable, protocol version, token valid until; exit 0', async () => {
    const result = await fed.call(runServicesCheck, { ids: [] }, { json: true });
    expect(result.code, result.stderr).toBe(0);
    const { services } = JSON.parse(result.stdout);
    expect(services.map((service: { slug: string }) => service.slug)).toEqual(['mich1', 'wes1']);
    expect(services[0]).toMatchObject({ ok: true, reachable: true, protocol: 'michigan', version: 'imputationserver2 2.0.12', username: 'alice', token_valid: true, problems: [] });
    expect(Date.parse(services[0].token_expires_at)).toBeGreaterThan(Date.now());
    expect(services[1]).toMatchObject({ ok: true, reachable: true, protocol: 'wes', version: 'WES 1.0.0', problems: [] });
    expect(typeof services[1].latency_ms).toBe('number');
    const plain = await fed.call(runServicesCheck, { ids: ['mich1'] });
    expect(plain.stdout).toMatch(/^1\tmich1\tok\tmichigan\timputationserver2 2\.0\.12\t\d+\ttrue\t\S+\t$/m);
  });

  test('a revoked token: exit 4 and the service named', async () => {
    const revoked = fed.michigan[0].issueToken('alice');
    fed.michigan[0].revokeToken(revoked);
    const result = await fed.call(runServicesCheck, { ids: ['1'] }, { json: true, env: { MICH1_TOKEN: revoked } });
    expect(result.code).toBe(4);
    const [service] = JSON.parse(result.stdout).services;
    expect(service).toMatchObject({ slug: 'mich1', ok: false, token_valid: false });
    expect(service.problems.join(' ')).toMatch(/token/i);
    // like the real server, issuing a token revoked the registry's: give the other tests a valid one again
    fed.env.MICH1_TOKEN = fed.michigan[0].issueToken('alice');
  });
});

describe('panels', () => {
  test('from the registry, default marked', async () => {
    const result = await fed.call(runPanels, { service: '1' }, { json: true });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).panels).toEqual([
      { service: 'mich1', id: '37', name: 'H3Africa v6', build: 'hg38', populations: ['afr', 'mixed', 'off'], default: true },
      { service: 'mich1', id: '38', name: '1000G Phase 3 v5', build: 'hg19', populations: ['afr', 'amr', 'eas', 'eur', 'sas', 'all', 'off'], default: false },
    ]);
  });

  test('--remote reads the Michigan app form: keys and populations ready to paste', async () => {
    const result = await fed.call(runPanels, { service: '1', remote: true });
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout.trim().split('\n').map((line) => line.split('\t'));
    // the app form names no build for a panel: the column stays empty (the registry says it)
    expect(rows).toContainEqual(['mich1', 'apps@h3africa-v6hc-s@1.0.0', 'H3Africa Reference Panel (v6)', '', 'afr,mixed,off']);
    expect(rows.map((row) => row[1])).toContain('apps@1000g-phase-3-v5@2.0.0');
    const json = JSON.parse((await fed.call(runPanels, { service: 'mich1', remote: true }, { json: true })).stdout);
    expect(json.remote).toBe(true);
  });

  test('--remote on a WES service lists the workflow types it runs', async () => {
    const result = await fed.call(runPanels, { service: 'wes1', remote: true }, { json: true });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).panels.map((panel: { id: string }) => panel.id)).toContain('CWL v1.2');
  });

  test('an unknown service: exit 2, one line', async () => {
    const result = await fed.call(runPanels, { service: 'nope' });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("error: unknown service 'nope' (known: 1 (mich1), 11 (wes1))");
  });
});
