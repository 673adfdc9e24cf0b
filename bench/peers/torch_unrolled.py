#!/usr/bin/env python3
"""The PyTorch side of bench's UnrolledBenchmark: a T-layer LISTA and SLISTA on the same shapes.

LISTA: per layer W_z (m×m), W_x (m×n) and one threshold, started as ISTA (W_z = I − DᵀD/L, W_x = Dᵀ/L,
threshold λ/L). SLISTA (`step`): one learned step α_t per layer, D fixed, threshold λα_t, started at 1/L.
D is n×m Gaussian with unit-norm columns; each signal is Gaussian, scaled so that max_j |d_jᵀx| = 1.
`inference` is the forward pass without a graph; `train_step` is zero_grad, forward, the Lasso loss
(mean over the batch of ½‖x − Dz‖² + λ‖z‖₁), backward and torch.optim.Adam's step.

Prints a header line (torch version, its BLAS and CPU kernels, threads), then one JSON line per
(variant, mode, batch): median seconds, samples/s and GFLOP/s (matrix-product FLOPs only, the loss's
included in a training step, as bench's FlopModel counts them). bench/run.sh and the campaign runner start it with the newest PyTorch
they find (bench/peers/torch_python.sh) in the environment they describe.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

from torch_common import header, set_threads, soft_threshold

ap = argparse.ArgumentParser()
ap.add_argument('--device', default='cpu', help='cpu, or cuda for the GPU check (engine-cuda/README.md)')
ap.add_argument('--dtype', default='float32', choices=['float32', 'float64'])
ap.add_argument('--threads', type=int, default=0, help='intra-op threads (0: one per CPU)')
ap.add_argument('--layers', type=int, default=20)
ap.add_argument('--atoms', type=int, default=256)
ap.add_argument('--dims', type=int, default=64)
ap.add_argument('--lam', type=float, default=0.1)
ap.add_argument('--batches', default='16,256,4096')
ap.add_argument('--variants', default='lista,step')
ap.add_argument('--modes', default='train_step,inference')
ap.add_argument('--min-time', type=float, default=0.3, help='seconds per timed repetition, at least')
ap.add_argument('--reps', type=int, default=7)
args = ap.parse_args()
threads = set_threads(args.threads)
dtype = getattr(torch, args.dtype)
device = torch.device(args.device)
# CUDA runs asynchronously: a timed call is only over once the device has finished it.
sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
n, m, T, lam = args.dims, args.atoms, args.layers, args.lam
rng = np.random.default_rng(0)
d_np = rng.standard_normal((n, m))
d_np /= np.linalg.norm(d_np, axis=0, keepdims=True)
lip = float(np.linalg.norm(d_np, 2) ** 2)
D = torch.tensor(d_np, dtype=dtype, device=device)


def signals(batch):
    """B×n signals (one per row, as torch.nn layers take them), max_j |d_jᵀx| = 1 each."""
    xs = rng.standard_normal((batch, n))
    return torch.tensor(xs / np.abs(xs @ d_np).max(axis=1, keepdims=True), dtype=dtype, device=device)


class Lista(torch.nn.Module):
    passes = 3                      # a training step's matrix products: forward, and two in reverse

    def __init__(self):
        super().__init__()
        ista_wz = torch.eye(m, dtype=dtype, device=device) - D.T @ D / lip
        self.wz = torch.nn.ParameterList([torch.nn.Parameter(ista_wz.clone()) for _ in range(T)])
        self.wx = torch.nn.ParameterList([torch.nn.Parameter(D.T.clone() / lip) for _ in range(T)])
        self.th = torch.nn.ParameterList([torch.nn.Parameter(torch.tensor(lam / lip, dtype=dtype, device=device))
                                          for _ in range(T)])

    def forward(self, x):
        z = soft_threshold(F.linear(x, self.wx[0]), self.th[0])
        for t in range(1, T):
            z = soft_threshold(F.linear(z, self.wz[t]) + F.linear(x, self.wx[t]), self.th[t])
        return z

    @staticmethod
    def flops_per_sample():
        return T * 2 * m * n + (T - 1) * 2 * m * m


class Step(torch.nn.Module):
    passes = 2                      # reverse mode needs one product per forward product (D is fixed)

    def __init__(self):
        super().__init__()
        self.alpha = torch.nn.ParameterList([torch.nn.Parameter(torch.tensor(1 / lip, dtype=dtype, device=device))
                                             for _ in range(T)])

    def forward(self, x):
        z = soft_threshold(self.alpha[0] * (x @ D), lam * self.alpha[0])
        for t in range(1, T):
            z = soft_threshold(z - self.alpha[t] * ((z @ D.T - x) @ D), lam * self.alpha[t])
        return z

    @staticmethod
    def flops_per_sample():
        return 2 * m * n + (T - 1) * 4 * m * n


def lasso(z, x):
    return (0.5 * ((x - z @ D.T) ** 2).sum(1) + lam * z.abs().sum(1)).mean()


def time_per_call(fn):
    """Median seconds per call over `reps` repetitions of k calls, k doubled until one lasts min_time."""
    for _ in range(3):
        fn()
    sync()
    k = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        sync()
        if time.perf_counter() - t0 >= args.min_time:
            break
        k *= 2
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        sync()
        times.append((time.perf_counter() - t0) / k)
    return times


header(args.dtype, threads, layers=T, atoms=m, dims=n, device=args.device)
for name in args.variants.split(','):
    cls = {'lista': Lista, 'step': Step}[name]
    for batch in [int(b) for b in args.batches.split(',')]:
        torch.manual_seed(0)
        net = cls()
        x = signals(batch)
        adam = torch.optim.Adam(net.parameters(), lr=1e-4)

        def train_step():
            adam.zero_grad(set_to_none=True)
            lasso(net(x), x).backward()
            adam.step()

        def inference():
            with torch.no_grad():
                return net(x)

        for mode in args.modes.split(','):
            fn, flops = (train_step, (cls.flops_per_sample() + 2 * n * m) * cls.passes) if mode == 'train_step' \
                else (inference, cls.flops_per_sample())
            times = time_per_call(fn)
            med = statistics.median(times)
            print(json.dumps(dict(variant=name, mode=mode, B=batch, layers=T, threads=threads, median_ms=med * 1e3,
                                  min_ms=min(times) * 1e3, max_ms=max(times) * 1e3, samples_per_s=batch / med,
                                  gflops=batch * flops / med / 1e9)), flush=True)
