#!/usr/bin/env python3
"""scikit-learn's side of the probe benchmark (Benchmarks/Sources/probe).

Usage: sklearn-probe-benchmark.py X.npy y.npy [OURS.npy]

Fits LogisticRegression(C=1, tol=1e-4, max_iter=1000) (lbfgs, multinomial) on the already
standardised float32 features, timing fit() with time.perf_counter, and prints one JSON line:
fit seconds, n_iter, and the objective mean CE + ||W||^2/(2 C n) evaluated in float64 at
sklearn's solution and, when OURS.npy ([W (K*d), b (K)] float64) is given, at that solution too,
with the same code.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression


def objective(X, y, W, b, C):
    n = X.shape[0]
    total = 0.0
    for start in range(0, n, 4096):
        Z = X[start:start + 4096].astype(np.float64) @ W.T + b
        m = Z.max(axis=1, keepdims=True)
        lse = (m[:, 0] + np.log(np.exp(Z - m).sum(axis=1)))
        total += float(np.sum(lse - Z[np.arange(Z.shape[0]), y[start:start + 4096]]))
    return total / n + float(np.sum(W * W)) / (2 * C * n)


def main():
    X = np.load(sys.argv[1], mmap_mode=None)
    y = np.load(sys.argv[2]).astype(np.int64)
    C = 1.0
    model = LogisticRegression(C=C, tol=1e-4, max_iter=1000)
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    classes = model.classes_
    index = np.searchsorted(classes, y)
    result = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "fit_seconds": seconds,
        "n_iter": int(np.max(model.n_iter_)),
        "objective": objective(X, index, model.coef_.astype(np.float64), model.intercept_.astype(np.float64), C),
    }
    if len(sys.argv) > 3:
        theta = np.load(sys.argv[3])
        K, d = len(classes), X.shape[1]
        result["objective_ours"] = objective(X, index, theta[:K * d].reshape(K, d), theta[K * d:], C)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
