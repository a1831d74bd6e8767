// The simulator launcher and the harness options: refusals, the waveform trace, and exiting with
// the parent.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSimulator, startSimulator, SimulatorError } from '../src/link/simulator.ts';
import { RawDevice } from './helpers/raw-device.ts';
import { REPO_ROOT, runCli } from './helpers/run-cli.ts';

function runBinary(binary: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('simulator launcher', () => {
  it('refuses options it cannot honour', async () => {
    await expect(startSimulator({ clksPerBit: 2 })).rejects.toThrow(SimulatorError);
    await expect(startSimulator({ clksPerBit: 8.5 })).rejects.toThrow(/clocks per bit/);
    await expect(startSimulator({ tcpPort: 0, link: '/tmp/x' })).rejects.toThrow(/pty mode/);
    await expect(startSimulator({ tcpPort: 70000 })).rejects.toThrow(/TCP port/);
  });

  it('says so clearly when verilator is missing', async () => {
    // A PATH with make and flock but no verilator, and a bit time not built yet.
    const bin = mkdtempSync(join(tmpdir(), 'hilsolve-path-'));
    for (const tool of ['make', 'flock', 'mkdir']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    const path = process.env['PATH'];
    process.env['PATH'] = bin;
    try {
      await expect(buildSimulator(13)).rejects.toThrow(/verilator is not installed/);
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('has a harness that refuses bad options with a message', async () => {
    const binary = await buildSimulator();
    const cases: [string[], RegExp][] = [
      [['--clks-per-bit', '9'], /built for 8 clocks per bit, not 9/],
      [['--tcp', 'x'], /--tcp needs a number/],
      [['--tcp', '0', '--link', '/tmp/x'], /--link needs --pty/],
      [['--bogus'], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runBinary(binary, args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
  });

  it('writes a waveform trace when asked', async () => {
    const vcd = join(mkdtempSync(join(tmpdir(), 'hilsolve-vcd-')), 'trace.vcd');
    const sim = await startSimulator({ vcd });
    const dev = await RawDevice.open(sim.path);
    expect((await dev.request({ kind: 'hello', seq: 1, protocolVersion: 3 })).kind).toBe('hello');
    await dev.close();
    const stats = await sim.stats();
    expect(stats.cycles).toBeGreaterThan(0);
    await sim.stop();
    const text = readFileSync(vcd, 'utf8');
    expect(text).toContain('$enddefinitions');
    expect(text).toMatch(/\$var wire +1 \S+ uart_rx \$end/);
    // One timestamp per clock edge.
    expect(text.split('\n').filter((l) => l.startsWith('#')).length).toBeGreaterThanOrEqual(2 * stats.cycles);
  });

  it('exits when its parent closes the stdin pipe', async () => {
    const binary = await buildSimulator();
    const child = spawn(binary, ['--tcp', '0', '--watch-stdin'], { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});

/** `hilsolve sim ARGS` as a child process, once it has printed its device path. */
async function simCommand(args: string[]) {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/hilsolve.js`, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 20));
  return { child, path: out.split('\n')[0]!, exited, output: () => out };
}

describe('hilsolve sim', () => {
  it('refuses contradictory or bad options with exit 2', async () => {
    for (const args of [['--pty', '--tcp', '0'], ['--tcp', '0', '--link', '/tmp/x'], ['--clks-per-bit', '3'], ['--tcp', 'port'],
      ['--line-jitter', '2'], ['--link-level', 'bit', '--line-jitter', '30'], ['--link-level', 'bit', '--host-rate', 'fast']]) {
      const r = await runCli(['sim', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/hilsolve sim: /);
    }
  });

  it('serves a bit-level line with faults that a host still talks through', async () => {
    const { child, path, exited } = await simCommand(['--link-level', 'bit', '--line-jitter', '3', '--line-gap', '2', '--line-seed', '7']);
    expect(path).toMatch(/^\/dev\/pts\/\d+$/);
    const info = await runCli(['device', 'info', '--port', path]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/hilsolve-sim/);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('prints the device path, serves it, and stops on SIGINT with statistics', async () => {
    const { child, path, exited, output } = await simCommand(['--tcp', '0', '--stats']);
    expect(path).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const dev = await RawDevice.open(path);
    expect((await dev.request({ kind: 'echo', seq: 5, data: Uint8Array.from([5]) })).seq).toBe(5);
    await dev.close();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output()).toMatch(/stats: [1-9]\d* cycles/);
  });
});

