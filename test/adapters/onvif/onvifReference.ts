/**
 * The ONVIF reference responses (shared/reference/onvif, copied byte for byte from agsh/onvif's
 * mock server), and a renderer for the doT.js directives some of them contain.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

export const ONVIF_REFERENCE_DIR = process.env.RTCC_ONVIF_REFERENCE_DIR ?? resolve(__dirname, '../../../../shared/reference/onvif');

export function referenceFileNames(): string[] {
  return readdirSync(ONVIF_REFERENCE_DIR).sort();
}

export function readReference(name: string): string {
  return readFileSync(resolve(ONVIF_REFERENCE_DIR, name), 'utf8');
}

/** The password agsh/onvif's test client used; every reference UsernameToken digest was made with it. */
export const REFERENCE_PASSWORD = '9999';

export interface DotValues {
  readonly hostname: string;
  readonly port: number;
  readonly pullPointUrl: string;
  /** Stands in for `new Date()` in the template. */
  readonly now: Date;
  /** Whether every `{{? condition }} … {{?}}` block is kept (its condition taken as true) or removed. */
  readonly conditionsHold: boolean;
}

/**
 * Render the doT.js template subset the reference files use, the way the mock server would,
 * but deterministically:
 * - `{{? expr }} … {{?}}` (conditional block): kept without its directives when
 *   `conditionsHold`, removed with its content otherwise (`Math.random() < 0.5`, `!it.one`);
 * - `{{=it.hostname}}`, `{{=it.port}}`, `{{=it.pullPointUrl}}`: the given values;
 * - `{{=new Date().toISOString()}}` and `{{=new Date(Date.now()+N).toISOString()}}`: `now` (+ N ms).
 * Any directive left over throws, so a template the test does not understand cannot slip through.
 */
export function renderDotTemplate(template: string, values: DotValues): string {
  const conditional = /\{\{\?(?!\}\})[^}]*\}\}([\s\S]*?)\{\{\?\}\}/g;
  const rendered = template
    .replace(conditional, (_block, body: string) => (values.conditionsHold ? body : ''))
    .replace(/\{\{=it\.hostname\}\}/g, values.hostname)
    .replace(/\{\{=it\.port\}\}/g, String(values.port))
    .replace(/\{\{=it\.pullPointUrl\}\}/g, values.pullPointUrl)
    .replace(/\{\{=new Date\(\)\.toISOString\(\)\}\}/g, values.now.toISOString())
    .replace(/\{\{=new Date\(Date\.now\(\)\+(\d+)\)\.toISOString\(\)\}\}/g, (_match, ms: string) =>
      new Date(values.now.getTime() + Number(ms)).toISOString(),
    );
  if (rendered.includes('{{')) throw new Error(`unrendered doT directive: ${rendered.slice(rendered.indexOf('{{'), rendered.indexOf('{{') + 40)}`);
  return rendered;
}

export const DOT_VALUES: DotValues = {
  hostname: '192.168.68.111',
  port: 8000,
  pullPointUrl: '/onvif/subscription?Idx=0',
  now: new Date('2015-05-14T13:57:50.230Z'),
  conditionsHold: true,
};
