/**
 * A host's part carries every list of the model its collectors fill: a list added to the
 * Cluster and forgotten in HOST_LISTS would be dropped from every scan, in one thread or many.
 */
import { describe, expect, it } from 'vitest';
import { HOST_LISTS } from '../../src/collectors/host-part.js';
import { Cluster } from '../../src/model/cluster.js';

/** Lists the merge handles on their own: the scan's roots and hosts, facts and unknowns merged once. */
const MERGED_APART = ['roots', 'hosts', 'files', 'unknowns'];

describe('the parts hosts are read into', () => {
  it('carry every list of the cluster model', () => {
    const lists = Object.entries(new Cluster()).filter(([, value]) => Array.isArray(value)).map(([name]) => name);
    expect(lists.filter((name) => !MERGED_APART.includes(name)).sort()).toEqual([...HOST_LISTS].sort());
  });
});
