/**
 * The `compare --html` report: one self-contained file (inline CSS and SVG, no script, no network) with the
 * estimated R² by MAF per service and for the combined set, the overlap of the variant sets, and the agreement
 * between services, each plot followed by its numbers.
 */
import type { CompareReport } from './run.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
const COMBINED_COLOUR = '#111111';

export function renderHtml(report: CompareReport, generatedAt: Date): string {
  const title = `fedimpute compare — ${report.parent_job_id.slice(0, 8)}`;
  const series = report.sources.map((source, index) => ({ label: source.label, values: source.r2_by_maf, colour: COLOURS[index % COLOURS.length], combined: false }));
  if (report.combined) series.push({ label: `combined (${report.combined.method})`, values: report.combined.r2_by_maf, colour: COMBINED_COLOUR, combined: true });
  const rows = [...report.sources, ...(report.combined ? [report.combined] : [])];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 980px; color: #222; padding: 0 1em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; } th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; } .note { color: #666; }
svg text { font: 12px system-ui, sans-serif; fill: #333; } .axis .grid { stroke: #e4e4e4; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
<p class="note">Parent ${escape(report.parent_job_id)} · ${report.samples} samples · ${escape(generatedAt.toISOString())}. R² is each file's estimated imputation r² (Minimac R2, Beagle DR2), by the minor allele frequency of its dosages.</p>
<h2>Estimated R² by minor allele frequency</h2>
${lineChart('r2-by-maf', series, report.maf_bins)}
${table(['source', 'variants', 'imputed', 'mean R²', ...report.maf_bins], rows.map((row) => [row.label, count(row.variants), count(row.imputed), number(row.mean_r2), ...row.r2_by_maf.map(number)]))}
<h2>Overlap of the variant sets</h2>
${barChart('overlap', Object.entries(report.overlap).map(([label, value]) => ({ label: label.replace(/\+/g, ' + '), value })))}
<h2>Agreement on shared variants</h2>
<p class="note">Squared correlation of the two services' dosages across samples, averaged over the variants both carry (variants with a constant dosage in either are left out).</p>
${barChart('agreement', report.agreement.map((pair) => ({ label: `${pair.a} · ${pair.b}`, value: pair.mean_dosage_r2 ?? 0 })), 1)}
${table(['pair', 'shared', 'compared', 'mean dosage r²', ...report.maf_bins], report.agreement.map((pair) => [`${pair.a} · ${pair.b}`, count(pair.shared), count(pair.compared), number(pair.mean_dosage_r2), ...pair.dosage_r2_by_maf.map(number)]))}
</body>
</html>
`;
}

interface Series {
  label: string;
  values: (number | null)[];
  colour: string;
  combined: boolean;
}

function lineChart(id: string, series: Series[], bins: readonly string[]): string {
  const width = 760;
  const height = 320;
  const left = 50, right = 170, top = 15, bottom = 40;
  const x = (bin: number) => left + ((width - left - right) * (bin + 0.5)) / bins.length;
  const y = (value: number) => top + (height - top - bottom) * (1 - value);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((value) => `<line class="grid" x1="${left}" x2="${width - right}" y1="${y(value)}" y2="${y(value)}"/><text x="${left - 8}" y="${y(value) + 4}" text-anchor="end">${value}</text>`).join('');
  const ticks = bins.map((bin, index) => `<text x="${x(index)}" y="${height - bottom + 18}" text-anchor="middle">${escape(bin)}</text>`).join('');
  const lines = series.map((entry, index) => {
    const points = entry.values.map((value, bin) => (value === null ? null : [x(bin), y(value)])).filter((point): point is number[] => point !== null);
    const path = points.map(([px, py], at) => `${at === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
    const dots = points.map(([px, py]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${entry.colour}"/>`).join('');
    const legend = `<rect x="${width - right + 15}" y="${top + index * 20}" width="14" height="3" fill="${entry.colour}"/><text x="${width - right + 35}" y="${top + index * 20 + 5}">${escape(entry.label)}</text>`;
    return `<g class="series${entry.combined ? ' combined' : ''}" data-label="${escape(entry.label)}"><path d="${path}" fill="none" stroke="${entry.colour}" stroke-width="2"${entry.combined ? ' stroke-dasharray="6 3"' : ''}/>${dots}<title>${escape(entry.label)}</title>${legend}</g>`;
  });
  return `<svg id="${id}" role="img" aria-label="estimated R² by MAF" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<g class="axis">${grid}${ticks}<text x="${(left + width - right) / 2}" y="${height - 4}" text-anchor="middle">minor allele frequency</text><text transform="translate(12 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">estimated R²</text></g>
${lines.join('\n')}
</svg>`;
}

function barChart(id: string, bars: { label: string; value: number }[], scale?: number): string {
  const width = 760;
  const barHeight = 22;
  const labelWidth = 220;
  const height = Math.max(1, bars.length) * (barHeight + 8) + 10;
  const maximum = scale ?? Math.max(1, ...bars.map((bar) => bar.value));
  const body = bars.map((bar, index) => {
    const length = ((width - labelWidth - 80) * bar.value) / maximum;
    const top = 5 + index * (barHeight + 8);
    const text = scale ? bar.value.toFixed(3) : bar.value.toLocaleString('en-US');
    return `<g class="bar"><text x="${labelWidth - 8}" y="${top + 15}" text-anchor="end">${escape(bar.label)}</text><rect x="${labelWidth}" y="${top}" width="${length.toFixed(1)}" height="${barHeight}" fill="${COLOURS[index % COLOURS.length]}"/><text x="${labelWidth + length + 6}" y="${top + 15}">${text}</text></g>`;
  });
  return `<svg id="${id}" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body.join('')}</svg>`;
}

function table(headers: readonly string[], rows: string[][]): string {
  const head = headers.map((header) => `<th>${escape(header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const number = (value: number | null) => (value === null ? '–' : value.toFixed(3));
const count = (value: number) => value.toLocaleString('en-US');

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
