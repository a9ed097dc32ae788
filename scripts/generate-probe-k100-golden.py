#!/usr/bin/env python3
"""Golden values of the K = 100 linear probe (Tests/ProbeTests/ProbeManyClassesTests.swift).

Writes Tests/ProbeTests/Fixtures/k100_{train,test}_{x,y}.npy (float64 features, int64 labels)
and k100_golden.json: scikit-learn's objective (mean cross-entropy + ||W||^2 / (2 C n), float64,
evaluated with the same formula the Swift test uses) at its default tol=1e-4 and at tol=1e-10,
with n_iter and test accuracy, the scikit-learn and numpy versions. Run once with a Python
that has numpy and scikit-learn:  python scripts/generate-probe-k100-golden.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ProbeTests", "Fixtures")
rng = np.random.default_rng(100)
K, d = 100, 24
centers = rng.standard_normal((K, d)) * 1.2


def make(per_class):
    y = np.repeat(np.arange(K), per_class)
    rng.shuffle(y)
    X = centers[y] + rng.standard_normal((len(y), d))
    # Labels as "any integers": class c is stored as 3*c - 40.
    return X, 3 * y - 40


Xtr, ytr = make(15)
Xte, yte = make(5)
for name, a in [("train_x", Xtr), ("train_y", ytr.astype(np.int64)), ("test_x", Xte), ("test_y", yte.astype(np.int64))]:
    np.save(os.path.join(root, f"k100_{name}.npy"), a)

scaler = StandardScaler().fit(Xtr)
Str, Ste = scaler.transform(Xtr), scaler.transform(Xte)


def objective(model, X, y, C):
    Z = X @ model.coef_.T + model.intercept_
    m = Z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(Z - m).sum(axis=1))
    idx = np.searchsorted(model.classes_, y)
    return float(np.mean(lse - Z[np.arange(len(y)), idx]) + np.sum(model.coef_ ** 2) / (2 * C * len(y)))


golden = {"sklearn": sklearn.__version__, "numpy": np.__version__, "C": 1.0, "script": "scripts/generate-probe-k100-golden.py", "fits": []}
for tol in [1e-4, 1e-10]:
    model = LogisticRegression(C=1.0, tol=tol, max_iter=10000).fit(Str, ytr)
    golden["fits"].append({
        "tol": tol,
        "n_iter": int(model.n_iter_[0]),
        "objective": objective(model, Str, ytr, 1.0),
        "test_accuracy": float(np.mean(model.predict(Ste) == yte)),
    })
with open(os.path.join(root, "k100_golden.json"), "w") as f:
    json.dump(golden, f, indent=2)
print(json.dumps(golden, indent=2))
