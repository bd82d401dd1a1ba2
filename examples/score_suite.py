#!/usr/bin/env python3
"""Run an attention method on a hardness suite and score it.

  hardness gen suite --routes ov --n 256 --c auto,4,5 --count 8 -o hard
  examples/score_suite.py hard out-exact --method exact
  examples/score_suite.py hard out-rf --method rf --features 256 --seed 1
  examples/score_suite.py hard out-torch --method exact --backend torch

For every instance in SUITE/manifest.jsonl it loads Q.npy, K.npy, V.npy with
NumPy, computes T~ = softmax(Q K^T / D) V in the suite's convention (D = d,
sqrt(d) or 1: manifest "convention"), writes OUT/<id>.npy in the suite's
dtype and layout, and runs `hardness score --suite SUITE --outputs NAME=OUT`
(exit status 0: all verdicts right, 1: some wrong, 2: bad input). The answer
key (instance.json, answer_*.npy) is never read.

Methods:
  exact  the stable softmax (row maximum subtracted), float64
  rf     positive random features (Performer's FAVOR+, Choromanski et al.
         2021): phi(x) = exp(W x - |x|^2/2)/sqrt(m), W Gaussian (m x d),
         x = q/sqrt(D), y = k/sqrt(D), so E[phi(x).phi(y)] = exp(q.k/D).

--backend torch runs the same with PyTorch (CPU, float64); exact then uses
torch.nn.functional.scaled_dot_product_attention when the convention is
sqrt-d and PyTorch has it (>= 2.0), a softmax otherwise.

Needs NumPy (Debian: apt-get install python3-numpy; run with /usr/bin/python3)
and the hardness binary on PATH or given with --hardness.
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np


def divisor(conv, d):
    return {"d": float(d), "sqrt-d": math.sqrt(d), "1": 1.0}[conv]


def exact_numpy(Q, K, V, D):
    S = (Q @ K.T) / D
    S -= S.max(axis=1, keepdims=True)
    np.exp(S, out=S)
    return (S @ V) / S.sum(axis=1, keepdims=True)


def rf_numpy(Q, K, V, D, m, rng):
    d = Q.shape[1]
    W = rng.standard_normal((m, d))
    x, y = Q / math.sqrt(D), K / math.sqrt(D)
    ex = x @ W.T - 0.5 * (x * x).sum(axis=1, keepdims=True)
    ey = y @ W.T - 0.5 * (y * y).sum(axis=1, keepdims=True)
    # Shifts cancel in the normalisation: per query row, and one for all keys.
    px = np.exp(ex - ex.max(axis=1, keepdims=True))
    py = np.exp(ey - ey.max())
    num = px @ (py.T @ V)
    den = px @ py.sum(axis=0)
    return num / den[:, None]


def exact_torch(Q, K, V, D, conv):
    import torch
    import torch.nn.functional as F
    q, k, v = (torch.from_numpy(np.ascontiguousarray(a)) for a in (Q, K, V))
    with torch.no_grad():
        if conv == "sqrt-d" and hasattr(F, "scaled_dot_product_attention"):
            return F.scaled_dot_product_attention(q[None], k[None], v[None])[0].numpy()
        return (torch.softmax((q @ k.T) / D, dim=1) @ v).numpy()


def rf_torch(Q, K, V, D, m, rng):
    import torch
    W = torch.from_numpy(rng.standard_normal((m, Q.shape[1])))
    x, y = (torch.from_numpy(np.ascontiguousarray(a)) / math.sqrt(D) for a in (Q, K))
    with torch.no_grad():
        ex = x @ W.T - 0.5 * (x * x).sum(dim=1, keepdim=True)
        ey = y @ W.T - 0.5 * (y * y).sum(dim=1, keepdim=True)
        px = torch.exp(ex - ex.max(dim=1, keepdim=True).values)
        py = torch.exp(ey - ey.max())
        v = torch.from_numpy(np.ascontiguousarray(V))
        return ((px @ (py.T @ v)) / (px @ py.sum(dim=0))[:, None]).numpy()


def load2d(path):
    a = np.load(path).astype(np.float64)
    return a.reshape(a.shape[-2], a.shape[-1])  # [n, d] or [1, 1, n, d]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("suite")
    ap.add_argument("out")
    ap.add_argument("--method", choices=["exact", "rf"], default="exact")
    ap.add_argument("--features", type=int, default=256, help="rf: random features m")
    ap.add_argument("--seed", type=int, default=0, help="rf: seed of the features")
    ap.add_argument("--backend", choices=["numpy", "torch"], default="numpy")
    ap.add_argument("--name", help="method name in the score table")
    ap.add_argument("--hardness", default="hardness", help="the hardness binary")
    ap.add_argument("--report", help="passed to hardness score --report")
    ap.add_argument("--no-score", action="store_true", help="only write the outputs")
    a = ap.parse_args()

    with open(os.path.join(a.suite, "manifest.jsonl")) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    for e in entries:
        d = os.path.join(a.suite, e["id"])
        Q, K, V = (load2d(os.path.join(d, n + ".npy")) for n in ("Q", "K", "V"))
        conv = e["convention"]
        D = divisor(conv["logit_scale"], Q.shape[1])
        if a.method == "exact":
            T = exact_numpy(Q, K, V, D) if a.backend == "numpy" else exact_torch(Q, K, V, D, conv["logit_scale"])
        else:
            f = rf_numpy if a.backend == "numpy" else rf_torch
            T = f(Q, K, V, D, a.features, rng)
        if conv["layout"] == "bhnd":
            T = T[None, None]
        np.save(os.path.join(a.out, e["id"] + ".npy"), T.astype(conv["dtype"]))
    name = a.name or (a.method if a.method == "exact" else f"{a.method}-{a.features}") + ("-torch" if a.backend == "torch" else "")
    print(f"wrote {len(entries)} outputs of {name} (seed {a.seed}) to {a.out}", file=sys.stderr)
    if a.no_score:
        return 0
    cmd = [a.hardness, "score", "--suite", a.suite, "--outputs", f"{name}={a.out}"]
    if a.report:
        cmd += ["--report", a.report]
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
