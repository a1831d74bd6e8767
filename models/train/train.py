#!/usr/bin/env python3
"""Trains models/trained.onnx, the learned soft-domain prior (issue 17), under the model contract
(models/README.md, src/sampler/contract.ts).

    python3 models/train/train.py                       # the full run: a few minutes on one core
    python3 models/train/train.py --tiny --out /tmp/t.onnx   # the suite's reduced run (seconds)

Data: models/train/dump.ts writes instances of the five families (models/train/families.ts) with
their contract inputs and labels (planted solutions, or hilsolve's own for N-queens, with their
symmetry images). Validation instances come from other seeds than the training ones.

Model (learned mean field): the default model's arithmetic (damped mean-field rounds over pair,
clause and linear factors) with learned per-round penalty scales per factor group, learned
damping and a small per-cell output head. With --symmetry-breaking, also a learned scale of a
fixed hash of the variable and value indices added to the soft domains (a problem whose values
are interchangeable, such as colouring, has a uniform mean-field fixed point; the hash lets the
rounds settle on one colouring). Off by default: bench/prior-ablation.ts found it costs flips. Loss per instance: the negative log-likelihood of the closest label image, plus the
expected number of violated factors under the output distribution per variable.

Outputs beside --out: NAME.json (what it was trained on, hyperparameters, metrics per family)
and NAME-loss.png (loss curves). Seeds fixed, one thread: the same command gives the same model.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time

import torch
from torch import nn

MASKED_LOGIT = -1e9
LOG_FLOOR = 1e-6
INPUTS = [  # name, dtype, axes: the contract's inputs, in src/sampler/contract.ts order
    ('domain_mask', torch.float32, ('vars', 'values')), ('soft_domains', torch.float32, ('vars', 'values')),
    ('pair_src', torch.int64, ('pairs',)), ('pair_dst', torch.int64, ('pairs',)), ('pair_kind', torch.int64, ('pairs',)),
    ('pair_shift', torch.int64, ('pairs',)), ('pair_flip', torch.float32, ('pairs',)), ('pair_weight', torch.float32, ('pairs',)),
    ('lit_clause', torch.int64, ('literals',)), ('lit_var', torch.int64, ('literals',)),
    ('lit_mask', torch.float32, ('literals', 'values')), ('clause_weight', torch.float32, ('clauses',)),
    ('term_con', torch.int64, ('terms',)), ('term_var', torch.int64, ('terms',)), ('term_coef', torch.float32, ('terms',)),
    ('linear_lo', torch.float32, ('linears',)), ('linear_hi', torch.float32, ('linears',)),
    ('linear_weight', torch.float32, ('linears',)),
]
# The feedback inputs of contract version 2 the model takes (not `found`): the elite state, one-hot,
# and the factor rows it violates. The training data fills them with corrupted labels (see corrupt()).
FEEDBACK = [('state', torch.float32, ('vars', 'values')), ('pair_violated', torch.float32, ('pairs',)),
            ('clause_violated', torch.float32, ('clauses',)), ('linear_violated', torch.float32, ('linears',))]
NV1 = len(INPUTS)
ROW_INPUT = {'pairs': 'pair_src', 'clauses': 'clause_weight', 'linears': 'linear_weight'}  # an input with one entry per row
# The sampler's soft domains for an elite (src/sampler/search.ts SEARCH_PARAMS): focus, conflictPenalty.
FOCUS, CONFLICT = 4.0, 1.0
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class LearnedPrior(nn.Module):
    def __init__(self, rounds, hidden, symmetry_breaking, feedback=True):
        super().__init__()
        self.rounds = rounds
        self.feedback = feedback
        # Feedback: the elite's value gets state_keep, and state_conflict more when its variable is
        # in a violated factor; both start at 0 (the soft domains already carry the elite).
        self.state_keep = nn.Parameter(torch.tensor(0.0))
        self.state_conflict = nn.Parameter(torch.tensor(0.0))
        # With symmetry breaking off the hash input stays in the graph at weight 0.
        self.noise = nn.Parameter(torch.tensor(0.5 if symmetry_breaking else 0.0), requires_grad=symmetry_breaking)
        self.scale = nn.Parameter(torch.ones(rounds, 3))  # per round: pair, clause, linear penalty scale
        self.damp = nn.Parameter(torch.zeros(rounds))  # sigmoid: 0.5, the default model's damping
        self.out_scale = nn.Parameter(torch.ones(3))
        self.out_logq = nn.Parameter(torch.tensor(0.0))
        self.head = nn.Sequential(nn.Linear(5, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        nn.init.zeros_(self.head[2].weight)
        nn.init.zeros_(self.head[2].bias)
        # The feedback head (created after the first-run parts, so their initial values do not depend
        # on it): per cell, from the state, its conflicts, the output penalty and log q; its output
        # counts only on variables with a reported state, so without one the output is the first-run one.
        self.fb_head = nn.Sequential(nn.Linear(5, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        nn.init.zeros_(self.fb_head[2].weight)
        nn.init.zeros_(self.fb_head[2].bias)

    def feedback_parameters(self):
        return [self.state_keep, self.state_conflict, *self.fb_head.parameters()]

    def first_run_parameters(self):
        fb = {id(p) for p in self.feedback_parameters()}
        return [p for p in self.parameters() if id(p) not in fb and p.requires_grad]

    @staticmethod
    def hash_features(mask):
        # frac(sin(12.9898 (x + 1) + 78.233 (a + 1)) * 43758.5453) - 0.5: fixed, deterministic.
        x = torch.cumsum(torch.ones_like(mask[:, :1]), 0)  # [V, 1]: 1..V
        a = torch.cumsum(torch.ones_like(mask[:1, :]), 1)  # [1, D]: 1..D
        s = torch.sin(x * 12.9898 + a * 78.233) * 43758.5453
        return s - torch.floor(s) - 0.5

    @staticmethod
    def masked(z, mask):
        return z * mask + (1 - mask) * MASKED_LOGIT

    @staticmethod
    def penalties(q, f):
        """Per group [V, D] expected violation of each factor if x took index a (the default model's P)."""
        (mask, _soft, pair_src, pair_dst, pair_kind, pair_shift, pair_flip, pair_weight, lit_clause, lit_var,
         lit_mask, clause_weight, term_con, term_var, term_coef, linear_lo, linear_hi, linear_weight) = f[:NV1]
        zeros_v1 = mask[:, :1] * 0
        # Sizes as tensors computed from the inputs, so that the exported graph keeps every axis dynamic.
        num_v = torch.sum(torch.ones_like(mask[:, 0])).to(torch.int64)
        value_f = torch.cumsum(torch.ones_like(mask[0]), 0) - 1  # [D]: 0..D-1
        value_idx = value_f.to(torch.int64)
        num_d = value_idx[-1:] + 1
        # pairs
        pmf = torch.cat([zeros_v1, q, zeros_v1], 1)
        cdf = torch.cat([zeros_v1, torch.cumsum(q, 1), zeros_v1 + 1], 1)
        table = torch.cat([pmf, cdf], 0)
        rows = table[pair_kind * num_v + pair_src]
        col = torch.minimum(torch.maximum(pair_shift.unsqueeze(1) + value_idx.unsqueeze(0), -1 + 0 * num_d), num_d) + 1
        looked = torch.gather(rows, 1, col)
        flip = pair_flip.unsqueeze(1)
        pair_pen = pair_weight.unsqueeze(1) * (flip + (1 - 2 * flip) * looked)
        p_pair = torch.zeros_like(mask).scatter_add(0, pair_dst.unsqueeze(1).expand_as(pair_pen), pair_pen)
        # clauses
        p_true = torch.sum(q[lit_var] * lit_mask, 1)
        log_false = torch.log(torch.clamp(1 - p_true, min=LOG_FLOOR))
        clause_sum = torch.zeros_like(clause_weight).scatter_add(0, lit_clause, log_false)
        others = torch.exp(clause_sum[lit_clause] - log_false)
        lit_pen = (clause_weight[lit_clause] * others).unsqueeze(1) * (1 - lit_mask)
        p_clause = torch.zeros_like(mask).scatter_add(0, lit_var.unsqueeze(1).expand_as(lit_pen), lit_pen)
        # linear factors
        mean = torch.sum(q * value_f.unsqueeze(0), 1)
        term_mean = term_coef * mean[term_var]
        sums = torch.zeros_like(linear_weight).scatter_add(0, term_con, term_mean)
        r = (sums[term_con] - term_mean).unsqueeze(1) + term_coef.unsqueeze(1) * value_f.unsqueeze(0)
        excess = torch.relu(r - linear_hi[term_con].unsqueeze(1)) + torch.relu(linear_lo[term_con].unsqueeze(1) - r)
        term_pen = linear_weight[term_con].unsqueeze(1) * excess
        p_lin = torch.zeros_like(mask).scatter_add(0, term_var.unsqueeze(1).expand_as(term_pen), term_pen)
        return p_pair, p_clause, p_lin, clause_sum

    @staticmethod
    def conflicts(f):
        """[V, 1] in [0, 1): 1 - exp(-(violated factors on the variable)), from the *_violated inputs."""
        mask = f[0]
        state, pair_v, clause_v, linear_v = f[NV1:NV1 + 4]
        pair_dst, lit_clause, lit_var, term_con, term_var = f[3], f[8], f[9], f[12], f[13]
        zeros_v = mask[:, 0] * 0
        n = zeros_v.scatter_add(0, pair_dst, pair_v)
        n = n.scatter_add(0, lit_var, clause_v[lit_clause])
        n = n.scatter_add(0, term_var, linear_v[term_con])
        return (1 - torch.exp(-n)).unsqueeze(1)

    def forward(self, *f):
        mask, soft = f[0], f[1]
        h = self.hash_features(mask)
        base = soft + self.noise * h
        if self.feedback:
            state = f[NV1]
            conf = self.conflicts(f)
            base = base + self.state_keep * state + self.state_conflict * state * conf
        q = torch.softmax(self.masked(base, mask), 1)
        for t in range(self.rounds):
            pp, pc, pl, _ = self.penalties(q, f)
            s = self.scale[t]
            nxt = torch.softmax(self.masked(base - s[0] * pp - s[1] * pc - s[2] * pl, mask), 1)
            d = torch.sigmoid(self.damp[t])
            q = (1 - d) * q + d * nxt
        pp, pc, pl, _ = self.penalties(q, f)
        o = self.out_scale
        pen = o[0] * pp + o[1] * pc + o[2] * pl
        logq = torch.log(q + 1e-6)
        feats = torch.stack([soft, pen, logq, h, mask], 2)
        z = soft - pen + self.out_logq * logq + self.head(feats).squeeze(2)
        if self.feedback:
            fb = torch.stack([state, state * conf, conf.expand_as(mask), pen, logq], 2)
            reported = torch.sum(state, 1, keepdim=True)  # 1 on a variable with a reported state, else 0
            z = z + reported * self.fb_head(fb).squeeze(2)
        return self.masked(z, mask)


def expected_violations(logits, f):
    """Expected violated factors under softmax(logits): pair edges (each counted from both ends, halved) and clauses."""
    q = torch.softmax(logits, 1)
    unit = list(f)
    unit[7] = torch.ones_like(f[7])  # pair weights 1: count edges, not weights
    unit[11] = torch.ones_like(f[11])
    pp, _pc, _pl, clause_sum = LearnedPrior.penalties(q, unit)
    return 0.5 * torch.sum(q * pp) + torch.sum(torch.exp(clause_sum))


def load(path):
    """First-run items and reported-state items (dump.ts kinds 'first' and 'state')."""
    first, states = [], []
    with open(path) as fh:
        for line in fh:
            d = json.loads(line)
            V, D = d['numVars'], d['numValues']
            f = []
            for name, dtype, axes in INPUTS + FEEDBACK:
                if name not in d:  # a first-run line: no report yet, the feedback inputs are all 0
                    f.append(torch.zeros(V, D) if len(axes) == 2 else torch.zeros(len(d[ROW_INPUT[axes[0]]])))
                    continue
                t = torch.tensor(d[name], dtype=dtype)
                if len(axes) == 2:
                    t = t.reshape(-1, D)
                f.append(t)
            item = {'family': d['family'], 'name': d['name'], 'V': V, 'feeds': f, 'labels': torch.tensor(d['labels'], dtype=torch.int64)}
            if d.get('kind') == 'state':
                item['state'] = torch.argmax(f[NV1], 1)
                item['reported'] = True
                states.append(item)
            else:
                first.append(item)
    return first, states


def violated_rows(a, f):
    """Per factor row, 1.0 where the assignment `a` ([V] indices) violates it: pair edges, clauses, linear factors."""
    (_mask, _soft, pair_src, pair_dst, pair_kind, pair_shift, pair_flip, _pw, lit_clause, lit_var,
     lit_mask, clause_weight, term_con, term_var, term_coef, linear_lo, linear_hi, linear_weight) = f[:NV1]
    y, t = a[pair_src], a[pair_dst] + pair_shift
    hit = torch.where(pair_kind == 0, y == t, y <= t)
    pair_v = (hit != (pair_flip == 1)).to(torch.float32)
    true = lit_mask[torch.arange(len(lit_var)), a[lit_var]] if len(lit_var) else torch.zeros(0)
    clause_v = (torch.zeros_like(clause_weight).scatter_add(0, lit_clause, true) == 0).to(torch.float32)
    sums = torch.zeros_like(linear_weight).scatter_add(0, term_con, term_coef * a[term_var].to(torch.float32))
    linear_v = ((sums < linear_lo) | (sums > linear_hi)).to(torch.float32)
    return pair_v, clause_v, linear_v


def corrupt(inst, gen):
    """A training item with a reported state: one label image with k random variables set to random
    allowed values (an elite a few moves from a solution), its violated rows, and the soft domains the
    sampler's feedback rule gives it (FOCUS on the elite's value, -CONFLICT where it is in a violated
    factor). None when the corruption hit another solution."""
    f = inst['feeds']
    mask = f[0]
    V, D = mask.shape
    j = int(torch.randint(inst['labels'].shape[0], (1,), generator=gen))
    label = inst['labels'][j]
    k = int(torch.randint(1, max(2, V // 6 + 1), (1,), generator=gen))
    a = label.clone()
    for x in torch.randperm(V, generator=gen)[:k].tolist():
        a[x] = int(torch.multinomial(mask[x], 1, generator=gen))
    pair_v, clause_v, linear_v = violated_rows(a, f)
    if float(pair_v.sum() + clause_v.sum() + linear_v.sum()) == 0:
        return None
    conflicted = torch.zeros(V)
    conflicted[f[2][pair_v > 0]] = 1
    conflicted[f[3][pair_v > 0]] = 1
    conflicted[f[9][clause_v[f[8]] > 0]] = 1
    conflicted[f[13][linear_v[f[12]] > 0]] = 1
    state = torch.nn.functional.one_hot(a, D).to(torch.float32)
    soft = state * torch.where(conflicted > 0, -CONFLICT, FOCUS).unsqueeze(1)
    feeds = [f[0], soft, *f[2:NV1], state, pair_v, clause_v, linear_v]
    return {**inst, 'feeds': feeds, 'labels': label.unsqueeze(0), 'state': a}


def without_feedback(inst):
    """The same item with its feedback inputs zeroed (the soft domains kept): what a version-1 model sees."""
    f = inst['feeds']
    return {**inst, 'feeds': [*f[:NV1], *(torch.zeros_like(t) for t in f[NV1:])]}


def instance_loss(model, inst, energy_weight, label_free=()):
    """Label NLL + energy_weight * expected violations per variable; the energy alone for a reported
    state from a sampler run, and for a first-run item (no reported state) of a family in label_free."""
    logits = model(*inst['feeds'])
    logq = torch.log_softmax(logits, 1)
    nll = -torch.gather(logq.unsqueeze(0).expand(inst['labels'].shape[0], -1, -1), 2, inst['labels'].unsqueeze(2)).squeeze(2).mean(1).min()
    energy = expected_violations(logits, inst['feeds']) / inst['V']
    hard = hard_violations(logits, inst)
    # A reported state from a sampler run is far from every label (the planted solution is one of
    # many): it trains on the energy alone, the expected violations of the next draw.
    nll_weight = 0.0 if inst.get('reported') or (inst['family'] in label_free and 'state' not in inst) else 1.0
    return nll_weight * nll + energy_weight * energy, nll, energy, hard


def hard_violations(logits, inst):
    """Violated factors of the argmax assignment (pair edges halved), per variable: not differentiable."""
    with torch.no_grad():
        a = torch.argmax(logits, 1)
        one = torch.nn.functional.one_hot(a, logits.shape[1]).to(torch.float32)
        f = inst['feeds']
        pp, _pc, _pl, clause_sum = LearnedPrior.penalties(one, [*f[:7], torch.ones_like(f[7]), *f[8:11], torch.ones_like(f[11]), *f[12:]])
        return float((0.5 * torch.sum(one * pp) + torch.sum(torch.exp(clause_sum) > 0.5)) / inst['V'])


def evaluate(model, data, energy_weight, label_free=()):
    per = {}
    with torch.no_grad():
        for inst in data:
            loss, nll, energy, hard = instance_loss(model, inst, energy_weight, label_free)
            p = per.setdefault(inst['family'], {'loss': 0.0, 'nll': 0.0, 'energy': 0.0, 'argmax_violations': 0.0, 'n': 0})
            p['loss'] += float(loss); p['nll'] += float(nll); p['energy'] += float(energy); p['argmax_violations'] += hard; p['n'] += 1
    for p in per.values():
        for k in ('loss', 'nll', 'energy', 'argmax_violations'):
            p[k] = round(p[k] / p['n'], 5)
    mean = sum(p['loss'] for p in per.values()) / max(1, len(per))
    return mean, per


def evaluate_repair(model, states, energy_weight):
    """On reported states (corrupted labels), per family: the label NLL and the argmax's violated
    factors per variable with the feedback inputs and with them zeroed, and the state's own."""
    per = {}
    with torch.no_grad():
        for inst in states:
            p = per.setdefault(inst['family'], {'nll': 0.0, 'nll_zeroed': 0.0, 'argmax_violations': 0.0,
                                                 'argmax_violations_zeroed': 0.0, 'state_violations': 0.0, 'n': 0})
            _, nll, _, hard = instance_loss(model, inst, energy_weight)
            _, nll0, _, hard0 = instance_loss(model, without_feedback(inst), energy_weight)
            f = inst['feeds']
            p['nll'] += float(nll); p['nll_zeroed'] += float(nll0)
            p['argmax_violations'] += hard; p['argmax_violations_zeroed'] += hard0
            p['state_violations'] += float(sum(float(t.sum()) for t in f[NV1 + 1:NV1 + 4])) / inst['V']
            p['n'] += 1
    for p in per.values():
        for k in p:
            if k != 'n':
                p[k] = round(p[k] / p['n'], 5)
    return per


def export(model, example, out):
    inputs = INPUTS + (FEEDBACK if model.feedback else [])
    names = [n for n, _, _ in inputs]
    axes = {n: {i: a for i, a in enumerate(ax)} for n, _, ax in inputs}
    axes['logits'] = {0: 'vars', 1: 'values'}
    torch.onnx.export(model, tuple(example[:len(inputs)]), out, input_names=names, output_names=['logits'], dynamic_axes=axes,
                      opset_version=17, do_constant_folding=True)


def example_feeds():
    """A small problem with every factor group non-empty, to trace the model with."""
    V, D = 4, 3
    t = lambda v, dt: torch.tensor(v, dtype=dt)
    return [torch.ones(V, D), torch.zeros(V, D),
            t([0, 1, 2], torch.int64), t([1, 2, 3], torch.int64), t([0, 1, 0], torch.int64), t([0, -1, 1], torch.int64),
            t([0.0, 1.0, 0.0], torch.float32), t([4.0, 4.0, 4.0], torch.float32),
            t([0, 0, 1], torch.int64), t([0, 3, 2], torch.int64), torch.tensor([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]]), t([4.0, 4.0], torch.float32),
            t([0, 0], torch.int64), t([1, 2], torch.int64), t([1.0, 2.0], torch.float32),
            t([-1e30], torch.float32), t([3.0], torch.float32), t([2.0], torch.float32),
            torch.nn.functional.one_hot(t([0, 1, 2, 0], torch.int64), D).to(torch.float32),
            t([1.0, 0.0, 0.0], torch.float32), t([0.0, 1.0], torch.float32), t([1.0], torch.float32)]


def plot(curve, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.plot([c['step'] for c in curve], [c['train'] for c in curve], label='train (batch mean)')
    val = [c for c in curve if 'val' in c]
    ax.plot([c['step'] for c in val], [c['val'] for c in val], 'o-', label='validation, first run (family mean)')
    vs = [c for c in curve if 'val_states' in c]
    if vs:
        ax.plot([c['step'] for c in vs], [c['val_states'] for c in vs], 's-', label='validation, reported states (stage 2)')
    ax.set_xlabel('step')
    ax.set_ylabel('loss: label NLL + expected violations / var')
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={'Software': None})
    plt.close(fig)


def dump(path, per_size, seed_base, states, state_repair):
    cmd = ['npx', 'tsx', os.path.join(ROOT, 'models/train/dump.ts'), path, '--per-size', str(per_size), '--seed-base', str(seed_base),
           '--states', str(states), '--state-repair', str(state_repair)]
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(ROOT, 'models/trained.onnx'))
    ap.add_argument('--tiny', action='store_true', help='the suite run: tiny model, few steps, little data')
    ap.add_argument('--steps', type=int)
    ap.add_argument('--rounds', type=int)
    ap.add_argument('--hidden', type=int)
    ap.add_argument('--per-size', type=int)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--feedback-steps', type=int, help='steps of the second stage, on reported states (150; tiny 4)')
    ap.add_argument('--state-batch', type=int, default=8, help='reported states per second-stage step: half from sampler runs, half corrupted labels')
    ap.add_argument('--state-repair', type=int, default=0, help='host repair steps in the runs that record states (dump.ts --state-repair; 0)')
    ap.add_argument('--states', type=int, help='reported states recorded per instance from a validate-mode run (dump.ts --states; 4, tiny 1)')
    ap.add_argument('--label-free', default='',
                    help='comma-separated families whose first-run items train on the energy alone, without their labels')
    ap.add_argument('--no-feedback', action='store_true', help='a model without the feedback inputs (contract version 1)')
    ap.add_argument('--lr', type=float, default=0.03)
    ap.add_argument('--energy-weight', type=float, default=1.0)
    ap.add_argument('--symmetry-breaking', action='store_true',
                    help='learn the weight of the hash input (default: kept at 0; the ablation found it costs flips)')
    ap.add_argument('--work', default=None, help='directory for the generated data (default: beside --out)')
    args = ap.parse_args()
    pick = lambda given, tiny, full: given if given is not None else (tiny if args.tiny else full)
    steps = pick(args.steps, 4, 300)
    rounds = pick(args.rounds, 2, 30)
    hidden = pick(args.hidden, 2, 8)
    per_size = pick(args.per_size, 1, 6)
    for name, v, least in (('steps', steps, 0), ('rounds', rounds, 1), ('hidden', hidden, 1), ('per-size', per_size, 1), ('batch', args.batch, 1), ('state-batch', args.state_batch, 1), ('state-repair', args.state_repair, 0)):
        if v < least:
            ap.error(f'--{name} must be at least {least}, got {v}')
    torch.manual_seed(0)
    torch.set_num_threads(1)
    started = time.time()

    stem = os.path.splitext(args.out)[0]
    work = args.work or os.path.dirname(os.path.abspath(args.out))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    os.makedirs(work, exist_ok=True)
    train_path = os.path.join(work, os.path.basename(stem) + '.train.jsonl')
    val_path = os.path.join(work, os.path.basename(stem) + '.val.jsonl')
    n_states = pick(args.states, 1, 4) if not args.no_feedback else 0
    dump(train_path, per_size, 1, n_states, args.state_repair)
    dump(val_path, 1 if args.tiny else 2, 500_000, n_states, args.state_repair)
    (train, train_reported), (val, val_reported) = load(train_path), load(val_path)
    os.remove(train_path)
    os.remove(val_path)

    label_free = tuple(f for f in args.label_free.split(',') if f)
    for f in label_free:
        if f not in ('sat3', 'col3', 'col4', 'queens', 'sudoku'):
            ap.error(f'--label-free: unknown family {f!r} (known: sat3, col3, col4, queens, sudoku)')
    feedback = not args.no_feedback
    fb_steps = pick(args.feedback_steps, 4, 150) if feedback else 0
    model = LearnedPrior(rounds, hidden, args.symmetry_breaking, feedback)
    gen = torch.Generator().manual_seed(0)
    val_gen = torch.Generator().manual_seed(1)
    val_corrupt = [c for inst in val for _ in range(2) for c in [corrupt(inst, val_gen)] if c is not None]
    val_states = val_corrupt + val_reported
    curve = []
    r0 = {'corrupted': evaluate_repair(model, val_corrupt, args.energy_weight),
          'reported': evaluate_repair(model, val_reported, args.energy_weight)} if feedback else None
    v0, per0 = evaluate(model, val, args.energy_weight, label_free)
    curve.append({'step': 0, 'train': v0, 'val': v0})

    def run_stage(params, first_step, count, draw, val_loss, key):
        opt = torch.optim.Adam(params, lr=args.lr)
        for step in range(first_step, first_step + count):
            items = draw()
            opt.zero_grad()
            total = 0.0
            for item in items:
                loss = instance_loss(model, item, args.energy_weight, label_free)[0] / len(items)
                loss.backward()
                total += float(loss)
            nn.utils.clip_grad_norm_(params, 5.0)  # the stage's own: the norm over other (zero) grads may differ in the last bit
            opt.step()
            point = {'step': step, 'train': round(total, 5)}
            if (step - first_step + 1) % max(1, count // 10) == 0 or step == first_step + count - 1:
                with torch.no_grad():
                    point[key] = round(val_loss(), 5)
                print(f'step {step}/{steps + fb_steps}: train {total:.4f} {key} {point[key]:.4f} ({time.time() - started:.0f} s)', file=sys.stderr)
            curve.append(point)

    # Stage 1, the first run (no reported state): every part but the feedback ones, which have no
    # effect without a state. Stage 2, reported states: only the feedback parts, so the first-run
    # output (the first prior) stays exactly what stage 1 made it.
    run_stage(model.first_run_parameters(), 1, steps,
              lambda: [train[i] for i in torch.randint(len(train), (args.batch,), generator=gen).tolist()],
              lambda: evaluate(model, val, args.energy_weight, label_free)[0], 'val')
    def draw_states():
        items = []
        while len(items) < args.state_batch:
            if train_reported and len(items) % 2 == 0:
                items.append(train_reported[int(torch.randint(len(train_reported), (1,), generator=gen))])
                continue
            c = corrupt(train[int(torch.randint(len(train), (1,), generator=gen))], gen)
            if c is not None:
                items.append(c)
        return items
    val_state_loss = lambda: sum(float(instance_loss(model, c, args.energy_weight)[0]) for c in val_states) / len(val_states)
    if feedback and fb_steps > 0:
        with torch.no_grad():
            curve[-1]['val_states'] = round(val_state_loss(), 5)
        run_stage(model.feedback_parameters(), steps + 1, fb_steps, draw_states, val_state_loss, 'val_states')
    v1, per1 = evaluate(model, val, args.energy_weight, label_free)
    r1 = {'corrupted': evaluate_repair(model, val_corrupt, args.energy_weight),
          'reported': evaluate_repair(model, val_reported, args.energy_weight)} if feedback else None

    model.eval()
    export(model, example_feeds(), args.out)
    plot(curve, stem + '-loss.png')
    families = sorted({i['family'] for i in train})
    record = {
        'model': os.path.basename(args.out),
        'command': 'python3 models/train/train.py ' + ' '.join(sys.argv[1:]),
        'trained_on': {
            'generator': 'models/train/families.ts via models/train/dump.ts',
            'families': families,
            'train_instances': {f: sum(1 for i in train if i['family'] == f) for f in families},
            'train_seeds': f'1..{per_size} per family and size',
            'validation_instances': len(val), 'validation_seeds': 'from 500000',
            'labels': 'planted solutions (sat3, col3, col4, sudoku); hilsolve search reference (queens); with symmetry images',
        },
        'contract_version': 2 if feedback else 1,
        'feedback_inputs': [n for n, _, _ in FEEDBACK] if feedback else [],
        'hyperparameters': {'rounds': rounds, 'hidden': hidden, 'steps': steps, 'batch': args.batch, 'feedback_steps': fb_steps, 'state_batch': args.state_batch, 'states': n_states, 'state_repair': args.state_repair, 'lr': args.lr,
                            'energy_weight': args.energy_weight, 'label_free': list(label_free), 'symmetry_breaking': args.symmetry_breaking, 'optimizer': 'Adam', 'seed': 0, 'threads': 1},
        'torch': torch.__version__,
        'seconds': round(time.time() - started, 1),
        'validation_before': per0, 'validation_after': per1,
        'validation_states': {'corrupted': 'two corrupted label images per validation instance (torch seed 1), k of V variables at random allowed values, k uniform in 1..V/6',
                              'reported': f'up to {n_states} elites per validation instance from a validate-mode run (dump.ts --states)'},
        'train_reported_states': len(train_reported),
        'validation_states_before': r0, 'validation_states_after': r1,
        'learned': {'noise': round(float(model.noise), 4), 'damping': [round(float(torch.sigmoid(d)), 4) for d in model.damp],
                    'scale': [[round(float(x), 4) for x in r] for r in model.scale], 'out_scale': [round(float(x), 4) for x in model.out_scale],
                    'out_logq': round(float(model.out_logq), 4),
                    'state_keep': round(float(model.state_keep), 4), 'state_conflict': round(float(model.state_conflict), 4)},
        'loss_curve': curve,
    }
    with open(stem + '.json', 'w') as fh:
        json.dump(record, fh, indent=1)
        fh.write('\n')
    print(f'wrote {args.out}, {stem}.json, {stem}-loss.png: validation loss {v0:.4f} -> {v1:.4f} in {record["seconds"]} s', file=sys.stderr)


if __name__ == '__main__':
    main()
