/** One statement that reads many rows of a table by (workspace_id, <id column>), and how its rows answer each key. */
export interface KeyedRead<K, R> {
  statement(keys: readonly K[]): { text: string; values: unknown[] };
  answer(rows: readonly never[], keys: readonly K[]): Array<R | null>;
}

/**
 * The rows of `table` whose `(workspace_id, idColumn)` are among the keys, in one statement; `answer` gives each key
 * its row as `toValue` makes it, or null.
 */
export function keyedRead<K extends { workspaceId: string }, Row extends { workspace_id: string }, R>(
  table: string,
  idColumn: keyof Row & string,
  idOf: (key: K) => string,
  toValue: (row: Row) => R,
): KeyedRead<K, R> {
  const text = `select t.* from unnest($1::text[], $2::text[]) as k(workspace_id, id)
         join ${table} t on t.workspace_id = k.workspace_id and t.${idColumn} = k.id`;
  return {
    statement: (keys) => ({ text, values: [keys.map((k) => k.workspaceId), keys.map(idOf)] }),
    answer: (rows: readonly Row[], keys) => {
      const byKey = new Map(rows.map((row) => [`${row.workspace_id}\n${String(row[idColumn])}`, toValue(row)]));
      return keys.map((k) => byKey.get(`${k.workspaceId}\n${idOf(k)}`) ?? null);
    },
  };
}
