/**
 * better-sqlite3's Database, without its index. The library's lib/database.js loads every method it has
 * (backups, serialization, user functions, virtual tables…): thirteen files, ~5 ms of a `jobs` whose whole
 * budget over `node -e ''` is ~25 ms (DESIGN §7). The store uses prepare, exec, pragma, transaction and close:
 * this is those over the same native database, with the library's own pragma and transaction code, each
 * loaded when first called. better-sqlite3 is pinned (package.json) and every store test goes through here;
 * without a known addon path the library is loaded as usual.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type Database = Pick<BetterSqlite3.Database, 'prepare' | 'exec' | 'pragma' | 'transaction' | 'close' | 'name' | 'open' | 'inTransaction'>;

/** the addon's database, as better-sqlite3's JavaScript calls it */
interface NativeDatabase {
  prepare(source: string, owner: object, pragma: boolean): BetterSqlite3.Statement;
  exec(source: string): void;
  close(): void;
  readonly name: string;
  readonly open: boolean;
  readonly inTransaction: boolean;
}

interface Addon {
  Database: new (
    filename: string,
    given: string,
    anonymous: boolean,
    readonly: boolean,
    fileMustExist: boolean,
    timeoutMs: number,
    verbose: null,
    buffer: null,
  ) => NativeDatabase;
  setErrorConstructor(constructor: unknown): void;
  isInitialized?: boolean;
}

const load = createRequire(import.meta.url);
const NATIVE = 'better-sqlite3/build/Release/better_sqlite3.node';

/** the store's file through the addon (better-sqlite3's constructor, for a named file and its default timeout) */
export function openSqlite(path: string): Database {
  const addon = loadAddon();
  if (!addon) {
    const Sqlite = load('better-sqlite3') as typeof BetterSqlite3;
    return new Sqlite(path);
  }
  const { cppdb } = load('better-sqlite3/lib/util.js') as { cppdb: symbol };
  const native = new addon.Database(path, path, path === ':memory:', false, false, 5000, null, null);
  const database = {
    prepare: (source: string) => native.prepare(source, database, false),
    exec(source: string) {
      native.exec(source);
      return database;
    },
    pragma: (source: string, options?: { simple?: boolean }) => libraryMethod('pragma').call(database, source, options),
    transaction: (fn: (...args: unknown[]) => unknown) => libraryMethod('transaction').call(database, fn),
    close() {
      native.close();
      return database;
    },
    get name() {
      return native.name;
    },
    get open() {
      return native.open;
    },
    get inTransaction() {
      return native.inTransaction;
    },
  };
  // the library's pragma and transaction code find the native database under its symbol
  Object.defineProperty(database, cppdb, { value: native });
  return database as unknown as Database;
}

type Method = (this: object, ...args: unknown[]) => unknown;
const methods = new Map<string, Method>();

/** one of better-sqlite3's lib/methods, loaded once */
function libraryMethod(name: 'pragma' | 'transaction'): Method {
  let method = methods.get(name);
  if (!method) methods.set(name, (method = load(`better-sqlite3/lib/methods/${name}.js`) as Method));
  return method;
}

let addon: Addon | null | undefined;

function loadAddon(): Addon | null {
  if (addon !== undefined) return addon;
  try {
    addon = load(load.resolve(NATIVE)) as Addon;
  } catch {
    return (addon = null);
  }
  if (!addon.isInitialized) {
    addon.setErrorConstructor(load('better-sqlite3/lib/sqlite-error.js'));
    addon.isInitialized = true;
  }
  return addon;
}
