import { createRequire } from 'node:module';
import { inlineParameters, quoteLiteral } from './inline-parameters';

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

describe('quoteLiteral', () => {
  const { escapeLiteral } = createRequire(__filename)('pg') as { escapeLiteral: (text: string) => string };

  it("is pg's escapeLiteral, character for character", () => {
    const alphabet = ["'", '\\', 'a', ' ', '"', '$', '\n', 'é', '😀', 'E', "''", '\\\\'];
    // A fixed sequence of pseudo-random strings (a linear congruential generator), so a failure repeats.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const samples = ['', "'", '\\', "it's", 'a\\b', "O'Reilly \\ co", '{"a":"b\'c","d":"e\\\\f"}'];
    for (let i = 0; i < 2000; i++) samples.push(Array.from({ length: next() % 24 }, () => alphabet[next() % alphabet.length]).join(''));
    for (const text of samples) expect(quoteLiteral(text)).toBe(escapeLiteral(text));
  });
});
