import { describe, expect, it } from 'vitest';
import { replication } from './kafka-admin';

describe('replication of the topics the stack creates', () => {
  it('keeps three copies and needs two in sync for a write wherever there are three brokers', () => {
    expect(replication(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replication(5)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('never asks for more copies than there are brokers', () => {
    expect(replication(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(replication(2)).toEqual({ replicationFactor: 2, minInsyncReplicas: 2 });
  });
});
