import { fileURLToPath } from 'node:url';

import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

const root = protobuf.loadSync(fileURLToPath(new URL('../proto/api.proto', import.meta.url)));
const OBJECT = { enums: String, longs: String, oneofs: true } as const;

function roundTrip(typeName: string, object: Record<string, unknown>): Record<string, unknown> {
  const type = root.lookupType(typeName);
  const bytes = type.encode(type.fromObject(object)).finish();
  return type.toObject(type.decode(bytes), OBJECT);
}

describe('proto/api.proto', () => {
  it('defines the API and storage messages', () => {
    for (const name of ['SolveRequest', 'SolveOptions', 'Job', 'JobError', 'Statistics', 'Solution', 'AssignmentEntry', 'SolutionList']) {
      expect(root.lookupType(`hilsolve.api.${name}`).name).toBe(name);
    }
    expect(Object.keys(root.lookupEnum('hilsolve.api.JobStatus').values)).toEqual(['JOB_STATUS_UNSPECIFIED', 'queued', 'running', 'succeeded', 'failed', 'cancelled']);
    expect(Object.keys(root.lookupEnum('hilsolve.api.Outcome').values)).toEqual(['OUTCOME_UNSPECIFIED', 'SATISFIED', 'UNSATISFIABLE', 'UNKNOWN', 'OPTIMAL']);
    expect(Object.keys(root.lookupEnum('hilsolve.api.ProblemFormat').values)).toEqual(['PROBLEM_FORMAT_UNSPECIFIED', 'json', 'cnf', 'col']);
  });

  it('round-trips a solve request', () => {
    const request = {
      format: 'col',
      source: 'p edge 2 1\ne 1 2\n',
      options: { solutions: 3, timeLimitMs: 5000, seed: 42, colors: 2, maxCandidates: '10000000000' },
    };
    expect(roundTrip('hilsolve.api.SolveRequest', request)).toEqual(request);
  });

  it('round-trips a job with statistics, an error and 64-bit counters', () => {
    const job = {
      id: 'job-1',
      status: 'failed',
      outcome: 'UNKNOWN',
      error: { code: 'input', message: '$.constraints[3].vars[1]: unknown variable "q[9]"', path: '$.constraints[3].vars[1]' },
      statistics: { candidates: '5000000000', verdicts: '4999999999', proven: '1', rejected: '4999999998', deviceFaults: 2, linkBytes: '123456789012', elapsedMs: '65000' },
      solutionsFound: 1,
      createdAtMs: '1795000000000',
      request: { format: 'json', source: '{}' },
    };
    expect(roundTrip('hilsolve.api.Job', job)).toEqual(job);
  });

  it('round-trips a solution with integer and boolean values', () => {
    const solution = {
      index: 2,
      assignment: [
        { name: 'q[0]', intValue: -7, value: 'intValue' },
        { name: '1', boolValue: true, value: 'boolValue' },
        { name: '2', boolValue: false, value: 'boolValue' },
      ],
      foundAtMs: '1234',
      device: 'hilsolve-sim',
    };
    expect(roundTrip('hilsolve.api.Solution', solution)).toEqual(solution);
  });

  it('refuses a wrongly typed field', () => {
    expect(root.lookupType('hilsolve.api.Job').verify({ status: 'paused' })).toMatch(/status: enum value expected/);
  });
});
