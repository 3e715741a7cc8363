import { createRequire } from 'node:module';
import { inlineParameters } from './inline-parameters';

const { prepareValue } = createRequire(__filename)('pg/lib/utils') as { prepareValue: (value: unknown) => string };

describe('inlineParameters', () => {
  it('replaces each parameter by its value as a quoted literal, converted as pg converts parameters', () => {
    const at = new Date('2026-12-06T10:00:00.000Z');
    const sql = inlineParameters('insert into t values ($1, $2, $3, $4, $5::bigint, $6, $10)', [
      "it's",
      at,
      { a: "b'c" },
      null,
      42n,
      true,
      ...[7, 8, 9].map(String),
      'tenth',
    ]);
    expect(sql).toBe(`insert into t values ('it''s', '${prepareValue(at)}', '{"a":"b''c"}', NULL, '42'::bigint, 'true', 'tenth')`);
  });

  it('escapes backslashes with an E literal and leaves quoted text and identifiers alone', () => {
    expect(inlineParameters(`select 'costs $1', "col$1", $1`, ['a\\b'])).toBe(`select 'costs $1', "col$1",  E'a\\\\b'`);
  });

  it('refuses a missing value and dollar quoting', () => {
    expect(() => inlineParameters('select $2', ['one'])).toThrow(/no value for \$2/);
    expect(() => inlineParameters('do $$ begin end $$', [])).toThrow(/dollar-quoted/);
  });
});
