import type { Client, Pool } from 'pg';

export interface PlanSummary {
  /** One line per plan node, indented by depth: node type, relation and index, actual rows and time. */
  nodes: string[];
  /** The nodes that read a whole table (or a whole workspace of it): what an index should replace. */
  sequentialScans: string[];
  executionMs: number;
  /** Shared buffers hit and read by the whole statement. */
  sharedHitBlocks: number;
  sharedReadBlocks: number;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Actual Total Time'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Rows Removed by Filter'?: number;
  'Heap Fetches'?: number;
  Plans?: PlanNode[];
}

/**
 * A stand-in for the service's pool that runs each statement under EXPLAIN (ANALYZE, BUFFERS) and answers with no
 * rows. Handing it to the service's own query classes explains exactly the SQL they send, with their parameters.
 */
export function explainingPool(client: Client, plans: PlanSummary[]): Pool {
  const query = async (text: string, params?: unknown[]) => {
    const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
      `explain (analyze, buffers, format json) ${text}`,
      params,
    );
    const explained = rows[0]?.['QUERY PLAN'][0];
    if (explained) plans.push(summarizePlan(explained.Plan, explained['Execution Time']));
    return { rows: [], rowCount: 0 };
  };
  return { query } as unknown as Pool;
}

export function summarizePlan(root: PlanNode, executionMs: number): PlanSummary {
  const nodes: string[] = [];
  const sequentialScans: string[] = [];
  const visit = (node: PlanNode, depth: number) => {
    const line = `${'  '.repeat(depth)}${describeNode(node)}`;
    nodes.push(line);
    if (node['Node Type'] === 'Seq Scan') sequentialScans.push(line.trim());
    for (const child of node.Plans ?? []) visit(child, depth + 1);
  };
  visit(root, 0);
  return {
    nodes,
    sequentialScans,
    executionMs: round(executionMs),
    sharedHitBlocks: root['Shared Hit Blocks'] ?? 0,
    sharedReadBlocks: root['Shared Read Blocks'] ?? 0,
  };
}

function describeNode(node: PlanNode): string {
  const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const loops = (node['Actual Loops'] ?? 1) > 1 ? ` loops=${node['Actual Loops']}` : '';
  const removed = node['Rows Removed by Filter'] ? ` removed=${node['Rows Removed by Filter']}` : '';
  // An index-only scan that fetches heap rows anyway: pages not yet marked all-visible by vacuum.
  const heap = node['Heap Fetches'] ? ` heap_fetches=${node['Heap Fetches']}` : '';
  return `${node['Node Type']}${on}${using} rows=${node['Actual Rows'] ?? '?'}${loops}${removed}${heap} ${round(node['Actual Total Time'] ?? 0)} ms`;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
