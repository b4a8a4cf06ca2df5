import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { inputReference, renderParams, type ParamsContext } from '../../src/adapters/wes/params.js';

const context: ParamsContext = {
  input: 'https://data.example.org/s1.vcf.gz',
  inputs: ['https://data.example.org/s1.vcf.gz', 'https://data.example.org/s2.vcf.gz'],
  build: 'hg38',
  population: 'afr',
  jobId: 'child-1',
  panel: { ref_panels: [['1kg', '/refs/chr%s.m3vcf.gz']], path: '/refs/panel.vcf.gz', size: 3 },
  where: 'service ilifu, panel 39',
};

describe('renderParams', () => {
  it('keeps the type of a whole placeholder (a list stays a list) and walks lists and objects', () => {
    const template = { target_datasets: [['{{job_id}}', '{{input}}']], ref_panels: '{{panel.ref_panels}}', n: '{{panel.size}}', all: '{{inputs}}', keep: 7 };
    expect(renderParams(template, context)).toEqual({
      target_datasets: [['child-1', 'https://data.example.org/s1.vcf.gz']],
      ref_panels: [['1kg', '/refs/chr%s.m3vcf.gz']],
      n: 3,
      all: context.inputs,
      keep: 7,
    });
  });
  it('replaces placeholders inside longer strings as text', () => {
    expect(renderParams('{{job_id}}-{{build}}-{{population}}:{{panel.size}} {{panel.ref_panels}}', context)).toBe(
      'child-1-hg38-afr:3 [["1kg","/refs/chr%s.m3vcf.gz"]]',
    );
    expect(renderParams({ vcf: { class: 'File', path: '{{ input }}' } }, context)).toEqual({ vcf: { class: 'File', path: context.input } });
  });
  it('renders a missing population as null (whole) or empty text', () => {
    const without = { ...context, population: undefined };
    expect(renderParams({ p: '{{population}}', q: 'x{{population}}y' }, without)).toEqual({ p: null, q: 'xy' });
  });
  it('names an unknown placeholder or a missing panel key', () => {
    expect(() => renderParams({ a: '{{sample}}' }, context)).toThrow(ConfigError);
    expect(() => renderParams({ a: '{{sample}}' }, context)).toThrow(/unknown placeholder \{\{sample\}\}.*service ilifu, panel 39/);
    expect(() => renderParams(['x {{panel.missing}}'], context)).toThrow(/\{\{panel\.missing\}\}.*params\.missing/);
  });
  it('leaves strings without placeholders and non-strings alone', () => {
    expect(renderParams([true, null, 1.5, 'plain {text}'], context)).toEqual([true, null, 1.5, 'plain {text}']);
  });
});

describe('inputReference', () => {
  it('maps a file name by input mode', () => {
    expect(inputReference({ mode: 'attachment' }, 's1.vcf.gz')).toBe('s1.vcf.gz');
    expect(inputReference({ mode: 'url', url_prefix: 'https://x.org/in/' }, 's1.vcf.gz')).toBe('https://x.org/in/s1.vcf.gz');
    expect(inputReference({ mode: 'server_path', path_prefix: '/staged/' }, 's1.vcf.gz')).toBe('/staged/s1.vcf.gz');
  });
});
