import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApcoIncidentCodeTable, parseIncidentCodeTable } from '../../../adapters/eido';
import { EIDO_REFERENCE_DIR } from './pidfFixtures';

/** The APCO incident type codes listed in the reference apco.yaml. */
function apcoCodes(): string[] {
  const yaml = readFileSync(join(EIDO_REFERENCE_DIR, 'apco.yaml'), 'utf8');
  const [, afterType = ''] = yaml.split(/\n {4}apcoIncidentCategoryCodeSimpleType:\n/);
  const [, afterEnum = ''] = afterType.split(/\n\s+enum:\n/);
  const codes: string[] = [];
  for (const line of afterEnum.split('\n')) {
    const match = /^\s+- (\S+)$/.exec(line);
    if (!match?.[1]) break;
    codes.push(match[1]);
  }
  return codes;
}

const HEADER = 'code,text,category,priority';

describe('the shipped APCO table', () => {
  const table = createApcoIncidentCodeTable();
  const codes = apcoCodes();

  it('has every APCO code of the reference list, and no row was rejected', () => {
    expect(codes).toHaveLength(197);
    expect(table.rejectedRows).toEqual([]);
    expect(table.size).toBe(codes.length);
    for (const code of codes) expect(table.lookup(code)).toMatchObject({ code, known: true });
  });

  it('gives every code text, a category and a priority 1-9', () => {
    for (const code of codes) {
      const entry = table.lookup(code);
      expect(entry.text.length).toBeGreaterThan(0);
      expect(['Police', 'Fire', 'EMS', 'Traffic', 'Other']).toContain(entry.category);
      expect(Number.isInteger(entry.priority) && entry.priority >= 1 && entry.priority <= 9).toBe(true);
    }
  });

  it('ranks a shooting above a noise complaint', () => {
    expect(table.lookup('SHOOT').priority).toBeLessThan(table.lookup('NOISE').priority);
    expect(table.lookup('911H')).toMatchObject({ category: 'Police', known: true });
  });
});

describe('parseIncidentCodeTable', () => {
  it('reads rows, quoted fields and CRLF line ends, skipping blank lines', () => {
    const table = parseIncidentCodeTable(`${HEADER}\r\nFIRE1,"Fire, large",Fire,1\r\n\r\nNOISE,Noise,Police,6\r\n`);
    expect(table.rejectedRows).toEqual([]);
    expect(table.size).toBe(2);
    expect(table.lookup('FIRE1')).toEqual({ code: 'FIRE1', text: 'Fire, large', category: 'Fire', priority: 1, known: true });
  });

  it('looks codes up case-insensitively and ignores surrounding spaces', () => {
    const table = parseIncidentCodeTable(`${HEADER}\nMVA,Collision,Traffic,3`);
    expect(table.lookup(' mva ')).toMatchObject({ code: 'MVA', known: true });
  });

  it('gives unknown codes their own code as text and the default priority', () => {
    const table = parseIncidentCodeTable(`${HEADER}\nMVA,Collision,Traffic,3`);
    expect(table.lookup('CU1')).toEqual({ code: 'CU1', text: 'CU1', category: 'Other', priority: 5, known: false });
    const urgent = parseIncidentCodeTable(`${HEADER}\n`, { defaultPriority: 2, defaultCategory: 'Unknown' });
    expect(urgent.lookup('X')).toMatchObject({ priority: 2, category: 'Unknown', known: false });
  });

  it('rejects bad rows with their line numbers and keeps the good ones', () => {
    const csv = [
      HEADER, // 1
      'GOOD,Good row,Police,3', // 2
      'SHORT,Only three,Police', // 3
      'LONG,Too,many,fields,4', // 4
      ',No code,Police,3', // 5
      'NOTEXT,,Police,3', // 6
      'ZERO,Priority zero,Police,0', // 7
      'TEN,Priority ten,Police,10', // 8
      'WORD,Priority word,Police,high', // 9
      'FRAC,Priority fraction,Police,2.5', // 10
      'good,Duplicate in another case,Police,1', // 11
      'QUOTE,"Unclosed quote,Police,3', // 12
      'HAS SPACE,Code with a space,Police,3', // 13
      '', // 14, blank: skipped
      'LAST,Last good row,EMS,2', // 15
    ].join('\n');
    const table = parseIncidentCodeTable(csv);
    expect(table.size).toBe(2);
    expect(table.lookup('GOOD').known).toBe(true);
    expect(table.lookup('LAST').known).toBe(true);
    expect(table.rejectedRows.map((row) => row.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const detail = (line: number) => table.rejectedRows.find((row) => row.line === line)?.detail;
    expect(detail(3)).toMatch(/expected 4 fields, got 3/);
    expect(detail(5)).toMatch(/code is empty/);
    expect(detail(8)).toMatch(/priority "10" is not 1-9/);
    expect(detail(11)).toMatch(/already defined on line 2/);
    expect(detail(12)).toMatch(/quote/i);
    expect(table.lookup('TEN').known).toBe(false);
  });

  it('throws when the header is wrong: nothing in the file can be trusted', () => {
    expect(() => parseIncidentCodeTable('code,text,priority\nA,B,1')).toThrow(/line 1 must be the header/);
    expect(() => parseIncidentCodeTable('')).toThrow(/must be the header/);
    expect(() => parseIncidentCodeTable('\n\nCODE, Text ,category,PRIORITY\nA,B,C,1').size).not.toThrow();
  });

  it('throws on a default priority outside 1-9', () => {
    expect(() => parseIncidentCodeTable(`${HEADER}\n`, { defaultPriority: 0 })).toThrow(RangeError);
    expect(() => parseIncidentCodeTable(`${HEADER}\n`, { defaultPriority: 4.5 })).toThrow(RangeError);
  });
});
