#!/usr/bin/env python3
"""The PyTorch side of bench's line-search protocol benchmark: the reference training protocol.

The NeurIPS 2019 reference code trains its networks with full-batch gradient descent and backtracking
(docs/science.md §4.1), as `./unroll train --optimizer line-search --mode oneshot` does: the whole training
set as one batch, all layers at once; after an accepted step the rate grows ×4 (capped at 1e12); a step
whose loss rises is rejected: the rate halves and the parameters move back by the new rate along the same
gradient (no new gradient), until the loss no longer rises or the rate falls below 1e-20.

It reads the data Unroll trains on in the same run, written by the Java side: --dictionary D.npy, shape
(m, n) with one atom per row, and --signals x.npy, shape (N, n) with one signal per row; λ is given.
The networks start as T iterations of ISTA. Prints a header line, then one JSON line per variant: wall
seconds of --iterations accepted iterations (after one untimed accepted iteration), forward passes,
seconds per accepted iteration, forward passes per accepted iteration and the training loss before and
after.
"""
import argparse
import json
import time

import numpy as np
import torch

from torch_common import header, set_threads, soft_threshold

ap = argparse.ArgumentParser()
ap.add_argument('--dictionary', required=True, help='D.npy, (m, n), one atom per row')
ap.add_argument('--signals', required=True, help='x.npy, (N, n), one signal per row')
ap.add_argument('--lam', type=float, required=True)
ap.add_argument('--dtype', default='float64', choices=['float32', 'float64'])
ap.add_argument('--threads', type=int, default=0, help='intra-op threads (0: one per CPU)')
ap.add_argument('--layers', type=int, default=20)
ap.add_argument('--iterations', type=int, default=20, help='accepted iterations timed')
ap.add_argument('--variants', default='coupled,step,lista')
args = ap.parse_args()
threads = set_threads(args.threads)
dtype = getattr(torch, args.dtype)
d_np = np.load(args.dictionary)
x_np = np.load(args.signals)
if d_np.ndim != 2 or x_np.ndim != 2 or d_np.shape[1] != x_np.shape[1]:
    raise SystemExit(f'expected D (m, n) and x (N, n) with the same n, got {d_np.shape} and {x_np.shape}')
m, n = d_np.shape
T, lam = args.layers, args.lam
lip = float(np.linalg.norm(d_np, 2) ** 2)
D = torch.tensor(d_np, dtype=dtype)           # m×n: signals are rows, so x ≈ z·D
x = torch.tensor(x_np, dtype=dtype)


def network(variant):
    """The parameters, started so that the network is T ISTA iterations, and the forward pass."""
    if variant == 'coupled':                  # LISTA-CP: z ← ST(z − (zD − x)W_t, λθ_t), W_t n×m, θ_t per atom
        w = [torch.nn.Parameter(D.T.clone() / lip) for _ in range(T)]
        th = [torch.nn.Parameter(torch.full((m,), 1 / lip, dtype=dtype)) for _ in range(T)]

        def forward():
            z = soft_threshold(x @ w[0], lam * th[0])
            for t in range(1, T):
                z = soft_threshold(z - (z @ D - x) @ w[t], lam * th[t])
            return z
        return w + th, forward
    if variant == 'step':                     # SLISTA: z ← ST(z − α_t(zD − x)Dᵀ, λα_t)
        alpha = [torch.nn.Parameter(torch.tensor(1 / lip, dtype=dtype)) for _ in range(T)]

        def forward():
            z = soft_threshold(alpha[0] * (x @ D.T), lam * alpha[0])
            for t in range(1, T):
                z = soft_threshold(z - alpha[t] * ((z @ D - x) @ D.T), lam * alpha[t])
            return z
        return alpha, forward
    if variant == 'lista':                    # z ← ST(zW_z,t + xW_x,t, θ_t); layer 0 has no W_z
        wz = [torch.nn.Parameter(torch.eye(m, dtype=dtype) - D @ D.T / lip) for _ in range(T)]
        wx = [torch.nn.Parameter(D.T.clone() / lip) for _ in range(T)]
        th = [torch.nn.Parameter(torch.tensor(lam / lip, dtype=dtype)) for _ in range(T)]

        def forward():
            z = soft_threshold(x @ wx[0], th[0])
            for t in range(1, T):
                z = soft_threshold(z @ wz[t] + x @ wx[t], th[t])
            return z
        return wz[1:] + wx + th, forward
    raise SystemExit(f'unknown variant {variant}: coupled, step or lista')


class LineSearch:
    """The protocol's state: the loss at the accepted point (graph kept for its gradient) and the rate."""

    def __init__(self, params, forward):
        self.params, self.forward = params, forward
        self.forwards = 0
        self.rate = 1.0
        self.current = self.evaluate()

    def evaluate(self):
        self.forwards += 1
        z = self.forward()
        return (0.5 * ((z @ D - x) ** 2).sum(1) + lam * z.abs().sum(1)).mean()

    def move(self, scale):
        with torch.no_grad():
            for q in self.params:
                q.add_(q.grad, alpha=scale)

    def accept_one(self):
        """One accepted iteration: the gradient at the accepted point, then steps until the loss does not rise."""
        for q in self.params:
            q.grad = None
        self.current.backward()
        last = float(self.current.detach())
        self.rate = min(4 * self.rate, 1e12)
        self.move(-self.rate)
        self.current = self.evaluate()
        while float(self.current.detach()) > last:
            self.rate /= 2
            self.move(self.rate)
            if self.rate < 1e-20:
                return False
            self.current = self.evaluate()
        return True


header(args.dtype, threads, samples=x.shape[0], atoms=m, dims=n, layers=T, lam=lam)
for variant in args.variants.split(','):
    search = LineSearch(*network(variant))
    first = float(search.current.detach())
    search.accept_one()                       # untimed: the first call pays PyTorch's one-off set-up
    forwards_before = search.forwards
    accepted = 0
    t0 = time.perf_counter()
    while accepted < args.iterations and search.accept_one():
        accepted += 1
    wall = time.perf_counter() - t0
    forwards = search.forwards - forwards_before
    print(json.dumps(dict(variant=variant, protocol='line-search', samples=x.shape[0], threads=threads,
                          wall_s=wall, accepted=accepted, forward_passes=forwards,
                          s_per_accepted=wall / max(accepted, 1), forwards_per_accepted=forwards / max(accepted, 1),
                          first_loss=first, final_loss=float(search.current.detach()))), flush=True)
