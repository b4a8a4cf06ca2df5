import { join } from 'node:path';
import { it } from 'vitest';
import { tempDir, ROOT } from '../helpers/cli.js';
import { filledStore, wideStore } from '../helpers/filled.js';
import { session, FakeClock } from '../helpers/harness.js';

it('prints', async () => {
  const tmp = tempDir();
  const db = join(tmp.path, 'w.db');
  const { now } = wideStore(db);
  const db2 = join(tmp.path, 'f.db');
  filledStore(db2);
  const s = session({ cwd: ROOT, clock: new FakeClock(now.getTime()), env: { LANG: 'C.UTF-8' } });
  for (const columns of [80, 120]) {
    for (const argv of [['status', 'last', '--no-refresh', '--db', db], ['jobs', '--db', db], ['jobs', '--db', db2], ['services', '--config', join(ROOT, 'services.example.yaml')], ['panels', '--config', join(ROOT, 'services.example.yaml')]]) {
      const r = await s.cli(argv, { tty: true, columns, color: false });
      console.log(`---- ${argv.join(' ')} @${columns} code ${r.code}\n${r.stdout}\n[stderr]${r.stderr}`);
    }
  }
});
