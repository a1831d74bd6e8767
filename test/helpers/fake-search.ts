// A software model of the device's search engine for host-side tests, plugged into the fake
// device (fake-device.ts `engine`): it keeps the tables and prior as the link delivers them
// (the two wire-form streams taken in order past each decode point, sizes and the SearchEnd CRC
// checked as docs/search.md says the device does; the streams are decoded at SearchEnd, where the
// device would already have refused some damage at its chunk), runs
// the reference search (src/model/search-reference.ts) in slices on the event loop, proves each
// state with the reference checker against the program the test gives it (the fake device keeps
// no program of its own), and sends Solution parts and SearchStatus as the RTL must. Knobs make it
// lie (a false proof with a true digest), lose a part, or damage a digest.

import { prepareProgram } from '../../src/check/program-checker.ts';
import { ErrorCode, Limit, type DeviceMessage, type HostMessage } from '../../src/link/codec.ts';
import { crc32 } from '../../src/model/crc32.ts';
import { packIndices } from '../../src/model/pack.ts';
import type { Program } from '../../src/model/program.ts';
import { SearchReference } from '../../src/model/search-reference.ts';
import { decodeSearchStream, SearchStreamError } from '../../src/model/search-wire.ts';

export interface FakeSearchOptions {
  /** The validator program every solution is proven against. */
  program: Program;
  /** [chains, max_vars, max_values, max_clauses, max_literals], as the HelloReply says. */
  capacities?: number[];
  maxPayload?: number;
  /** Flips per slice of the event loop. */
  sliceFlips?: number;
  /** Every n-th solution is replaced by a state that violates a constraint (digest of what is sent). */
  lieEvery?: number;
  /** Every n-th solution loses its second part (or its only part). */
  losePartEvery?: number;
}

export interface FakeSearch {
  engine: (msg: HostMessage, push: (msg: DeviceMessage) => void) => DeviceMessage | undefined;
  capacities: number[];
  /** Prior messages received, and SearchStarts. */
  priors: number;
  starts: number;
  /** Section words as received by the latest complete load. */
  sections: Uint32Array[] | null;
  lies: number;
}


export function fakeSearch(options: FakeSearchOptions): FakeSearch {
  const caps = options.capacities ?? [1, 4096, 16384, 65536, 262144];
  const maxPayload = options.maxPayload ?? 512;
  const checker = prepareProgram(options.program);
  const widths = options.program.widths;
  let sizes: { numVars: number; numValues: number; numClauses: number; numLiterals: number } | null = null;
  let sections: Uint32Array[] = [];
  let streams: number[][] = [[], []];
  let crc = 0;
  let ended = false;
  let prior = new Uint8Array(0);
  let timer: NodeJS.Immediate | null = null;
  let run: { seq: number; ref: SearchReference; programId: number; max: number; sent: number; rejects: number; flipsBase: number } | null = null;
  let last = { seq: 0, flips: 0, restarts: 0, solutions: 0, rejects: 0, unsat: 0, best: 0 };
  const fake: FakeSearch = { engine, capacities: caps, priors: 0, starts: 0, sections: null, lies: 0 };

  const halt = () => {
    if (timer) clearImmediate(timer);
    timer = null;
    run = null;
  };
  const stateError = (seq: number, arg: number): DeviceMessage => ({ kind: 'error', seq, code: ErrorCode.SEARCH_STATE, arg });
  const status = (seq: number): DeviceMessage => {
    const r = run;
    if (r) {
      last = {
        seq: r.seq, flips: r.ref.flips, restarts: r.ref.restarts, solutions: r.sent, rejects: r.rejects,
        unsat: r.ref.unsatisfied, best: Math.min(last.seq === r.seq ? last.best : Infinity, r.ref.unsatisfied),
      };
    }
    return {
      kind: 'searchStatus', seq, state: run ? 3 : ended ? 2 : sizes ? 1 : 0, flipsLo: last.flips % 2 ** 32, flipsHi: Math.floor(last.flips / 2 ** 32),
      restarts: last.restarts, solutions: last.solutions, rejects: last.rejects, unsat: last.unsat, bestUnsat: last.best === Infinity ? 0 : last.best,
      cyclesLo: (last.flips * 4) % 2 ** 32, cyclesHi: 0, searchSeq: last.seq,
    };
  };

  function engine(msg: HostMessage, push: (msg: DeviceMessage) => void): DeviceMessage | undefined {
    switch (msg.kind) {
      case 'reset':
        halt();
        sizes = null;
        ended = false;
        return undefined;
      case 'searchBegin': {
        halt();
        const over = msg.numVars > caps[1]! ? Limit.SEARCH_VARS : msg.numValues > caps[2]! ? Limit.SEARCH_VALUES
          : msg.numClauses > caps[3]! ? Limit.SEARCH_CLAUSES : msg.numLiterals > caps[4]! ? Limit.SEARCH_LITERALS : 0;
        if (over) return { kind: 'error', seq: msg.seq, code: ErrorCode.SEARCH_CAPACITY, arg: over };
        sizes = { numVars: msg.numVars, numValues: msg.numValues, numClauses: msg.numClauses, numLiterals: msg.numLiterals };
        streams = [[], []];
        prior = new Uint8Array(msg.numValues);
        crc = 0;
        ended = false;
        return { kind: 'ack', seq: msg.seq };
      }
      case 'searchChunk': {
        if (!sizes) return stateError(msg.seq, 1);
        if (run) return stateError(msg.seq, 4);
        if (msg.section > 1 || (msg.section === 0 && msg.offset + msg.data.length > sizes.numVars)) return stateError(msg.seq, 3);
        const stream = streams[msg.section]!;
        const end = msg.offset + msg.data.length;
        if (msg.offset > stream.length || (msg.section === 1 && streams[0]!.length !== sizes.numVars && end > stream.length)) return stateError(msg.seq, 6);
        const fresh = msg.data.subarray(Math.min(msg.data.length, stream.length - msg.offset));
        stream.push(...fresh);
        crc = crc32(fresh, crc);
        return { kind: 'ack', seq: msg.seq };
      }
      case 'searchEnd':
        if (!sizes) return stateError(msg.seq, 1);
        if (msg.crc !== crc) return { kind: 'error', seq: msg.seq, code: ErrorCode.SEARCH_CRC, arg: 0 };
        try {
          const t = decodeSearchStream(sizes, { vars: Uint8Array.from(streams[0]!), clauses: Uint8Array.from(streams[1]!) });
          sections = [t.sections.vars, t.sections.clauses, t.sections.literals, t.sections.values, t.sections.occurrences];
        } catch (err) {
          if (!(err instanceof SearchStreamError)) throw err;
          sizes = null;
          return { kind: 'error', seq: msg.seq, code: ErrorCode.SEARCH_TABLE, arg: err.arg };
        }
        ended = true;
        fake.sections = sections.map((s) => s.slice());
        return { kind: 'ack', seq: msg.seq };
      case 'prior':
        if (!sizes) return stateError(msg.seq, 1);
        if (msg.offset + msg.data.length > prior.length) return stateError(msg.seq, 3);
        prior.set(msg.data, msg.offset); // in place: a running search sees it at its next restart
        fake.priors++;
        return { kind: 'ack', seq: msg.seq };
      case 'searchStart': {
        if (!sizes) return stateError(msg.seq, 1);
        if (!ended) return stateError(msg.seq, 2);
        halt();
        fake.starts++;
        const [vars, clauses, literals, values, occurrences] = sections as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
        const ref = new SearchReference({ ...sizes, sections: { vars, clauses, literals, values, occurrences } }, prior, {
          seed: msg.seed || 1, noise256: msg.noise, flipBudget: msg.flipBudget,
        });
        const r = { seq: msg.seq, ref, programId: msg.programId, max: msg.maxSolutions, sent: 0, rejects: 0, flipsBase: 0 };
        run = r;
        last = { seq: msg.seq, flips: 0, restarts: 0, solutions: 0, rejects: 0, unsat: ref.unsatisfied, best: Infinity };
        const slice = () => {
          if (run !== r) return;
          const result = ref.run(options.sliceFlips ?? 2000, (val) => {
            const ok = checker.check(packIndices(widths, Array.from(val))).ok;
            if (!ok) r.rejects++;
            return ok;
          });
          if (result.solved) sendSolution(r, Array.from(result.val!), result.flipsSinceRestart, push);
          if (r.max > 0 && r.sent >= r.max) {
            status(0);
            run = null;
            timer = null;
            return;
          }
          timer = setImmediate(slice);
        };
        timer = setImmediate(slice);
        return { kind: 'ack', seq: msg.seq };
      }
      case 'searchStatus':
        return status(msg.seq);
      case 'searchStop': {
        const answer = status(msg.seq);
        halt();
        return { ...answer, state: ended ? 2 : 1 } as DeviceMessage;
      }
      default:
        return undefined;
    }
  }

  function sendSolution(r: NonNullable<typeof run>, indices: number[], flips: number, push: (msg: DeviceMessage) => void): void {
    r.sent++;
    let packed = packIndices(widths, indices);
    if (options.lieEvery && r.sent % options.lieEvery === 0) {
      // A false proof: flip the first variable's lowest bit, if that breaks a constraint.
      const wrong = packed.slice();
      wrong[0]! ^= 1;
      if (!checker.check(wrong).ok) {
        packed = wrong;
        fake.lies++;
      }
    }
    const digest = crc32(packed);
    const partBytes = maxPayload - 64;
    const parts: DeviceMessage[] = [];
    for (let offset = 0; offset < packed.length; offset += partBytes) {
      parts.push({
        kind: 'solution', seq: r.seq, programId: r.programId, index: r.sent, digest, flips, cycles: flips * 4,
        restarts: r.ref.restarts, offset, total: packed.length, values: packed.subarray(offset, offset + partBytes),
      });
    }
    if (options.losePartEvery && r.sent % options.losePartEvery === 0) parts.splice(Math.min(1, parts.length - 1), 1);
    for (const p of parts) push(p);
  }

  return fake;
}
