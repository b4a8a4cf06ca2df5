/**
 * The cases of the trust-boundary suite (hostile.test.ts), as data: one hostile service each, grouped by the
 * command that meets them. A case's id is its path prefix on the hostile server and names it in messages.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Exchange, HostileCase, Origin } from './hostile-server.js';
import { declaredHuge, deep, drip, echo, endless, NASTY, oversize, redirect, silent } from './hostile-moves.js';
import { newPassword, token } from './hostile-setup.js';

/** the result password of every Michigan child (the hostile server knows it: it was sent to it) */
export const password = newPassword();

export const michiganJob = (id: string, state = 2, extra: Record<string, unknown> = {}) => ({
  id, name: `case [${id}]`, state, positionInQueue: -1, startTime: Date.now() - 60_000, endTime: state >= 4 ? Date.now() : 0,
  steps: [{ name: 'Imputation', logMessages: [{ message: '<b>Imputation (1/2)</b>', type: 3, time: 0 }] }], outputParams: [], ...extra,
});
export const wesRun = (id: string, state = 'RUNNING', extra: Record<string, unknown> = {}) => ({
  run_id: id, state, request: { tags: {} }, run_log: { stderr: 'INFO started\n', start_time: '', end_time: '' }, task_logs: [], outputs: {}, ...extra,
});
export const mich = (id: string, extra: Partial<HostileCase> = {}): HostileCase => ({ id, protocol: 'michigan', token: token(id), job: michiganJob(`job-${id}`), ...extra });
export const wes = (id: string, extra: Partial<HostileCase> = {}): HostileCase => ({ id, protocol: 'wes', token: token(id), job: wesRun(`run-${id}`), ...extra });
export const onRoute = (route: string, move: (exchange: Exchange) => true) => (exchange: Exchange) => (exchange.route === route ? move(exchange) : false);
export const short = (to: Origin) => (to === 'other-port' ? 'p' : to === 'other-host' ? 'h' : 's');

// ---------------------------------------------------------------- the cases
export const STATUSES = [301, 302, 303, 307, 308] as const;
export const TARGETS: Origin[] = ['other-port', 'other-host'];

/** poll: list, status and detail requests redirected, control bytes and echoes in what poll stores */
export const pollRedirects = (['michigan', 'wes'] as const).flatMap((protocol) =>
  STATUSES.flatMap((status) => TARGETS.map((to) => ({ protocol, status, to, id: `${protocol[0]}l${status}${short(to)}` }))),
);
export const WES_FAILURE_LOG = ['INFO [workflow] start', '\x1b[31mERROR [job impute] minimac4: reference panel /refs/x not found\x1b[0m', ...Array.from({ length: 30 }, (_, index) => `INFO noise ${index}`), 'WARNING Final process status is permanentFail'].join('\n');
export const pollCases: HostileCase[] = [
  ...pollRedirects.map(({ protocol, status, to, id }) =>
    (protocol === 'michigan' ? mich : wes)(id, { hook: onRoute(protocol === 'michigan' ? 'jobs' : 'runs', (exchange) => redirect(exchange, status, to)) }),
  ),
  mich('ms307p', { listed: false, hook: onRoute('status', (exchange) => redirect(exchange, 307, 'other-port')) }),
  mich('mj302h', { hook: onRoute('job', (exchange) => redirect(exchange, 302, 'other-host')) }),
  wes('ws308p', { listed: false, hook: onRoute('status', (exchange) => redirect(exchange, 308, 'other-port')) }),
  wes('wr301h', { hook: onRoute('run', (exchange) => redirect(exchange, 301, 'other-host')) }),
  mich('ml302s', { job: michiganJob('job-ml302s', 4), hook: onRoute('jobs', (exchange) => redirect(exchange, 302, 'home')) }),
  wes('wl307s', { job: wesRun('run-wl307s', 'COMPLETE'), hook: onRoute('runs', (exchange) => redirect(exchange, 307, 'home')) }),
  mich('mstep', { job: michiganJob('job-mstep', 2, { steps: [{ name: 'QC', logMessages: [{ message: `<b>${NASTY}</b>`, type: 3, time: 0 }] }] }) }),
  mich('mfail', { job: michiganJob('job-mfail', 5, { steps: [{ name: 'QC', logMessages: [{ message: `Error: ${NASTY} password=${password} token=TOKEN`, type: 1, time: 0 }] }] }) }),
  wes('wfail', { job: wesRun('run-wfail', 'EXECUTOR_ERROR', { run_log: { stderr: WES_FAILURE_LOG } }) }),
  wes('wstate', { job: wesRun('run-wstate', 'COMPLETE\x1b[2J\x07') }),
  wes('wsys', { job: wesRun('run-wsys', 'SYSTEM_ERROR', { run_log: { stderr: '', system_logs: [`${NASTY} token=TOKEN`] } }) }),
  wes('wlast', { job: wesRun('run-wlast', 'COMPLETE', { run_log: { stderr: `INFO started\n${NASTY}` } }) }),
  mich('m500', { hook: onRoute('jobs', (exchange) => echo(exchange, 500)) }),
  wes('w500', { hook: onRoute('runs', (exchange) => echo(exchange, 500)) }),
];
// the failure texts echo the case's own token
for (const hostileCase of pollCases) {
  const log = (hostileCase.job.run_log ?? {}) as Record<string, unknown>;
  if (Array.isArray(log.system_logs)) log.system_logs = log.system_logs.map((line: string) => line.replace('TOKEN', hostileCase.token));
  const steps = hostileCase.job.steps as { logMessages: { message: string }[] }[] | undefined;
  for (const step of steps ?? []) for (const message of step.logMessages) message.message = message.message.replace('TOKEN', hostileCase.token);
}

/** services check: the server info, the token check (POST with the token in its body) and service-info redirected */
export const checkCases: HostileCase[] = [
  ...([[302, 'other-port'], [307, 'other-host'], [301, 'other-port'], [308, 'other-host']] as const).map(([status, to]) =>
    mich(`cs${status}${short(to)}`, { hook: onRoute('server', (exchange) => redirect(exchange, status, to)) }),
  ),
  ...([[301, 'other-port'], [302, 'other-port'], [303, 'other-host']] as const).map(([status, to]) => mich(`cv${status}${short(to)}`, { hook: onRoute('verify', (exchange) => redirect(exchange, status, to)) })),
  ...([[307, 'other-port'], [308, 'other-host'], [307, 'other-host'], [308, 'other-port']] as const).map(([status, to]) =>
    mich(`cv${status}${short(to)}`, { hook: onRoute('verify', (exchange) => redirect(exchange, status, to)) }),
  ),
  mich('cv307s', { hook: onRoute('verify', (exchange) => redirect(exchange, 307, 'home')) }),
  wes('wi302p', { hook: onRoute('service-info', (exchange) => redirect(exchange, 302, 'other-port')) }),
  wes('wi307h', { hook: onRoute('service-info', (exchange) => redirect(exchange, 307, 'other-host')) }),
  wes('wp303p', { authHeader: 'X-Api-Key', hook: onRoute('runs', (exchange) => redirect(exchange, 303, 'other-port')) }),
  wes('wi308h', { authHeader: 'X-Api-Key', hook: onRoute('service-info', (exchange) => redirect(exchange, 308, 'other-host')) }),
  mich('cvnasty'),
  wes('winasty', { serviceInfo: { workflow_type_versions: { [`CWL${NASTY}`]: { workflow_type_version: [`v1.2${NASTY}`] } }, supported_wes_versions: [`1.0.0${NASTY}`] } }),
];
checkCases.find((item) => item.id === 'cvnasty')!.verify = { valid: false, message: `Invalid API Token ${checkCases.find((item) => item.id === 'cvnasty')!.token} ${NASTY}` };

/** cancel: Michigan's GET and WES's POST redirected */
export const cancelCases: HostileCase[] = [
  ...([[302, 'other-port'], [307, 'other-host'], [301, 'other-host'], [308, 'other-port']] as const).map(([status, to]) =>
    mich(`xc${status}${short(to)}`, { hook: onRoute('cancel', (exchange) => redirect(exchange, status, to)) }),
  ),
  ...STATUSES.map((status) => wes(`xw${status}`, { hook: onRoute('cancel', (exchange) => redirect(exchange, status, status % 2 ? 'other-port' : 'other-host')) })),
  wes('xecho', { hook: onRoute('cancel', (exchange) => echo(exchange, 500)) }),
];

/** submit: the upload redirected (a streamed body is never sent twice), rejections that echo the form */
export const submitCases: HostileCase[] = [
  mich('um307p', { hook: onRoute('submit', (exchange) => redirect(exchange, 307, 'other-port')) }),
  mich('um302h', { hook: onRoute('submit', (exchange) => redirect(exchange, 302, 'other-host')) }),
  mich('um307s', { hook: onRoute('submit', (exchange) => redirect(exchange, 307, 'home')) }),
  wes('uw308p', { hook: onRoute('submit', (exchange) => redirect(exchange, 308, 'other-port')) }),
  wes('uw303h', { hook: onRoute('submit', (exchange) => redirect(exchange, 303, 'other-host')) }),
  mich('umecho', { hook: onRoute('submit', (exchange) => (exchange.response.writeHead(400, { 'content-type': 'text/plain' }), exchange.response.end(`Parameter 'x' not found. ${NASTY} ${exchange.body} ${JSON.stringify(exchange.request.headers)}`), true)) }),
  wes('uwecho', { hook: onRoute('submit', (exchange) => (exchange.response.writeHead(400, { 'content-type': 'application/problem+json' }), exchange.response.end(JSON.stringify({ title: 'Bad Request', detail: `${NASTY} ${JSON.stringify(exchange.request.headers)}` })), true)) }),
];


/** download: S3-style and same-origin redirects of result files, names with control bytes, stalls, local files */
export function downloadCases(home: string, root: string, outside: string): HostileCase[] {
  const served = (id: string, name: string) => `${home}/c/${id}/files/${name}`;
  const michiganFiles = (id: string, names: string[]) =>
    michiganJob(`job-${id}`, 4, { outputParams: [{ name: 'output', files: names.map((name, index) => ({ name, hash: String(index).repeat(64), count: -1 })) }] });
  const wesFile = (id: string, name: string, basename = name) => wesRun(`run-${id}`, 'COMPLETE', { outputs: { result: { class: 'File', location: served(id, name), basename } } });
  return [
    mich('dshare', { job: michiganFiles('dshare', ['chr20.qc.txt']), files: { 'chr20.qc.txt': 'QC OK\n' }, hook: onRoute('share', (exchange) => redirect(exchange, 302, 'other-port')) }),
    mich('dname', { job: michiganFiles('dname', ['chr20\tforged\nrow.txt', 'a\x1b[2Jb.txt']), files: { 'ab.txt': 'stripped name\n' } }),
    mich('ddrip', { job: michiganFiles('ddrip', ['slow.txt']), hook: onRoute('share', (exchange) => drip(exchange.response, 100)) }),
    mich('decho', {
      job: michiganFiles('decho', ['gone.txt']),
      hook: onRoute('share', (exchange) => (jsonError(exchange, 500, `no such file ${NASTY} password=${password}`), true)),
    }),
    wes('dsame', { job: wesFile('dsame', 'a.dose.vcf.gz'), files: { 'a.dose.vcf.gz': gzipSync('same origin\n') }, hook: onRoute('file', (exchange) => redirect(exchange, 307, 'home')) }),
    wes('ds3', { job: wesFile('ds3', 'b.info.gz'), files: { 'b.info.gz': gzipSync('s3 style\n') }, hook: onRoute('file', (exchange) => redirect(exchange, 302, 'other-host')) }),
    wes('dwname', { job: wesFile('dwname', 'x.txt', `x${NASTY}.txt`), files: { 'x.txt': 'x\n' } }),
    wes('dpct', { job: wesRun('run-dpct', 'COMPLETE', { outputs: { broken: served('dpct', '%E0%A4%A') } }) }),
    wes('ddeep', { job: wesRun('run-ddeep', 'COMPLETE', { outputs: deep(100) }) }),
    wes('dlocal', {
      job: wesRun('run-dlocal', 'COMPLETE', {
        outputs: {
          inside: { class: 'File', location: `file://${root}/inside.dose.vcf.gz`, basename: 'inside.dose.vcf.gz' },
          bare: `${root}/bare.info.gz`,
          passwd: { class: 'File', location: 'file:///etc/passwd', basename: 'passwd' },
          environ: 'file:///proc/self/environ',
          shadow: '/etc/shadow',
          linkout: { class: 'File', location: `file://${root}/link-out`, basename: 'link-out.txt' },
          linkin: { class: 'File', location: `file://${root}/link-in`, basename: 'link-in.dose.vcf.gz' },
          prefix: `file://${outside}/stolen.txt`,
          dotdot: `file://${root}/../secret.txt`,
          folder: { class: 'File', location: `file://${root}/subdir`, basename: 'subdir' },
        },
      }),
    }),
  ];
}

function jsonError(exchange: Exchange, status: number, message: string): void {
  exchange.response.writeHead(status, { 'content-type': 'application/json' });
  exchange.response.end(JSON.stringify({ message, success: false }));
}

/** poll against answers that never end, are too big, drip, never come, or nest too deep */
export const bodyCases: HostileCase[] = [
  wes('bdeclared', { hook: onRoute('runs', (exchange) => declaredHuge(exchange.response)) }),
  mich('breal', { hook: onRoute('jobs', (exchange) => oversize(exchange.response, 20 << 20, false)) }),
  mich('bdrip', { hook: onRoute('jobs', (exchange) => drip(exchange.response, 100)) }),
  wes('bsilent', { hook: onRoute('runs', () => silent()) }),
  mich('bretry', {
    hook: onRoute('jobs', (exchange) => (exchange.response.writeHead(503, { 'retry-after': '86400', 'content-type': 'application/json' }), exchange.response.end('{"message":"maintenance","success":false}'), true)),
  }),
  // written by hand: JSON.stringify itself recurses
  wes('bnest', { hook: onRoute('runs', (exchange) => (exchange.response.writeHead(200, { 'content-type': 'application/json' }), exchange.response.end(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`), true)) }),
];
export const endlessCase = mich('bendless', { hook: onRoute('jobs', (exchange) => endless(exchange.response)) });

/** panels --remote: an app form with control bytes, and one redirected elsewhere */
export const panelCases: HostileCase[] = [
  mich('pnasty', {
    appForm: {
      params: [
        { id: 'refpanel', type: 'app_list', values: [{ key: `apps@evil${NASTY}@1`, value: `Evil ${NASTY}` }] },
        { id: 'population', type: 'binded_list', bind: 'refpanel', values: [{ key: `apps@evil${NASTY}@1`, values: [{ key: `afr${NASTY}`, value: 'AFR' }] }] },
      ],
    },
  }),
  mich('pmoved', { hook: onRoute('app', (exchange) => redirect(exchange, 302, 'other-port')) }),
];

/** watch under a token the service rejects */
export const watchCase = mich('wauth', {
  hook: (exchange) => (['server', 'verify'].includes(exchange.route) ? false : (exchange.response.writeHead(401, { 'content-type': 'application/json' }), exchange.response.end('{"message":"Unauthorized"}'), true)),
});

export const localLayout = (base: string) => ({ root: join(base, 'wes-outputs'), outside: join(base, 'wes-outputs-evil'), secret: join(base, 'secret.txt') });
