#!/usr/bin/env python3
"""Write Tests/CLVPredictTests/Golden/linear.json: scikit-learn references for the linear
classifiers of CLVPredict (issue 6), read by LinearGoldenTests.swift.

Run from the repository root with the golden venv's python (scikit-learn 1.9.1):

    /work/main/.venv-golden/bin/python Scripts/golden/predict_linear_reference.py   # --out DIR

Deterministic: the data come from make_classification with fixed seeds and are rounded to
4 decimals *before* fitting (so the JSON holds the exact inputs), sklearn runs under
threadpool_limits(1), and two runs give the same bytes.

What is recorded, per data set (3 sets, one imbalanced 9:1):
  * StandardScaler().fit(X): mean_ and scale_ (population std; a constant column gets 1).
  * LogisticRegression(C, class_weight, solver="lbfgs", tol=1e-10, max_iter=10000) for
    C in {0.1, 1, 100} x class_weight in {None, "balanced"} x {raw X, standardized X}, plus
    one case with integer sample weights: coef_, intercept_, predict_proba[:, 1] and
    decision_function on fixed probe rows.
  * LinearSVC(C, loss="squared_hinge", penalty="l2", dual=False, tol=1e-8,
    intercept_scaling=1, max_iter=100000) for C in {0.1, 1} x {None, "balanced"} x
    {raw, standardized}: coef_, intercept_, decision_function on the probe rows.
  * For every fit, the optimum of the same objective found independently here by a plain
    numpy Newton iteration started from sklearn's answer (run to the rounding floor), and the
    distance between the two: how far sklearn itself stops from the exact optimum. The Swift
    tests compare with sklearn at a tolerance above that distance and with the Newton optimum
    at a tight one.
"""

import argparse
import json
import os
import platform

import numpy as np
import scipy
import sklearn
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight
from threadpoolctl import threadpool_limits

GENERATOR = "Scripts/golden/predict_linear_reference.py"
OUT = os.path.join("Tests", "CLVPredictTests", "Golden", "linear.json")
PROBE_ROWS = 40

SEMANTICS = [
    "StandardScaler: mean_ = column mean, scale_ = population standard deviation (ddof 0); a column "
    "with zero variance gets scale_ = 1. Standardized X = (X - mean_) / scale_.",
    "LogisticRegression (lbfgs, binary, l2): sklearn minimises (1/S) sum_i s_i logloss_i + "
    "||w||^2 / (2 C S), S = sum_i s_i, s_i = sample_weight_i * class_weight[y_i]. That has the same "
    "minimiser as 1/2 ||w||^2 + C sum_i s_i logloss_i. The intercept is not penalised. L-BFGS-B stops "
    "when the largest projected-gradient component of the scaled objective is <= tol (1e-10), or when "
    "the relative decrease of the objective is <= 64 eps.",
    "In practice lbfgs stops on the 64-eps relative-decrease test first: sklearn_scaled_gradient (the same "
    "scaled max gradient, recomputed here at sklearn's answer) is 1e-10..1e-6, so on raw, badly scaled features "
    "coef_ is up to ~3e-5 relative from the exact optimum (sklearn_vs_newton); on standardized features up to "
    "~5e-7. LogisticRegression(solver='newton-cholesky', tol=1e-14) agrees with newton_* to "
    "newton_cholesky_vs_newton (< 1e-10, asserted).",
    "class_weight='balanced': weight of class c = sum(s) / (2 * sum of s over rows of class c), with the "
    "sample weights s (all 1 without them); the result multiplies the sample weights.",
    "predict_proba[:, 1] = 1 / (1 + exp(-(x . coef_ + intercept_))); decision_function = x . coef_ + "
    "intercept_.",
    "LinearSVC (liblinear solver 2, L2-regularised squared hinge, primal trust-region Newton): minimises "
    "1/2 (||w||^2 + b^2) + sum_i C_i max(0, 1 - y_i (w . x_i + b))^2 with y_i in {-1, +1} and "
    "C_i = C * class_weight[y_i] * sample_weight_i. The intercept is the weight of a synthetic feature "
    "of constant value intercept_scaling = 1, so it IS penalised like any weight. intercept_ = b.",
    "newton_*: the exact minimiser of the same objective, from a plain numpy Newton iteration (logistic) "
    "or a finite Newton iteration with the generalized Hessian I + 2 sum_active C_i x_i x_i^T (squared "
    "hinge), started from sklearn's answer and run until the step stops shrinking the gradient. "
    "sklearn_vs_newton = max |sklearn - newton| / max |newton| over coef_ and intercept_.",
    "Every numeric input in 'data' is exactly representable as written (rounded to 4 decimals before "
    "fitting); labels are 0/1 with 1 the positive class (classes_ = [0, 1]).",
]


def datasets():
    """Three fixed data sets: features shifted and scaled so raw and standardized fits differ."""
    out = []
    x, y = make_classification(n_samples=600, n_features=8, n_informative=5, n_redundant=2, n_repeated=0,
                               flip_y=0.05, class_sep=0.8, random_state=61,
                               shift=[0, 1, -2, 5, 0.5, 0, 3, -1], scale=[1, 3, 0.5, 10, 1, 2, 0.2, 40])
    out.append(("balanced_600x8", x, y))
    x, y = make_classification(n_samples=1000, n_features=10, n_informative=4, n_redundant=2,
                               weights=[0.9, 0.1], flip_y=0.02, class_sep=1.0, random_state=62,
                               shift=2.0, scale=[1, 5, 1, 0.3, 2, 1, 8, 1, 1, 0.5])
    out.append(("imbalanced_1000x10", x, y))
    x, y = make_classification(n_samples=200, n_features=5, n_informative=3, n_redundant=1,
                               flip_y=0.1, class_sep=0.6, random_state=63, shift=-1.0, scale=2.0)
    out.append(("small_200x5", x, y))
    rounded = []
    for name, x, y in out:
        rounded.append((name, np.round(x, 4), y.astype(int)))
    return rounded


def sample_weights_for(n):
    rng = np.random.default_rng(64)
    return rng.integers(1, 4, size=n).astype(float)


def effective_weights(y, class_weight, sample_weight):
    s = np.ones(len(y)) if sample_weight is None else sample_weight.copy()
    if class_weight is not None:
        cw = compute_class_weight(class_weight, classes=np.array([0, 1]), y=y, sample_weight=sample_weight)
        s = s * cw[y]
    return s


# ---- independent optimum: logistic ------------------------------------------------------------

def logistic_newton(x, y, s, c, start):
    """Minimise 1/2 ||w||^2 + C sum s_i logloss_i (intercept unpenalised) by Newton's method."""
    n, p = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    theta = start.copy()
    penalty = np.ones(p + 1)
    penalty[p] = 0.0
    best = None
    for _ in range(100):
        z = a @ theta
        prob = 1.0 / (1.0 + np.exp(-z))
        grad = penalty * theta + c * a.T @ (s * (prob - y))
        norm = np.max(np.abs(grad)) / (c * s.sum())
        if best is not None and norm >= best[1]:
            break
        best = (theta.copy(), norm)
        h = np.diag(penalty) + c * (a.T * (s * prob * (1 - prob))) @ a
        theta = theta - np.linalg.solve(h, grad)
    return best


def logistic_objective_gradient(x, y, s, c, theta):
    p = x.shape[1]
    z = x @ theta[:p] + theta[p]
    prob = 1.0 / (1.0 + np.exp(-z))
    g = np.concatenate([theta[:p], [0.0]]) + c * np.concatenate([x.T @ (s * (prob - y)), [np.sum(s * (prob - y))]])
    return np.max(np.abs(g)) / (c * s.sum())


# ---- independent optimum: squared hinge -------------------------------------------------------

def svm_newton(x, y, ci, start):
    """Minimise 1/2 ||theta||^2 + sum C_i max(0, 1 - y_i theta . a_i)^2, a_i = (x_i, 1)."""
    n, p = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    t = np.where(y == 1, 1.0, -1.0)
    theta = start.copy()

    def value_grad(th):
        m = 1 - t * (a @ th)
        active = m > 0
        value = 0.5 * th @ th + np.sum(ci[active] * m[active] ** 2)
        grad = th - 2 * a[active].T @ (ci[active] * t[active] * m[active])
        return value, grad, active

    best = None
    for _ in range(60):
        value, grad, active = value_grad(theta)
        norm = np.max(np.abs(grad))
        if best is None or norm < best[1]:
            best = (theta.copy(), norm)
        h = np.eye(p + 1) + 2 * (a[active].T * ci[active]) @ a[active]
        step = np.linalg.solve(h, grad)
        size = 1.0
        # Near the optimum the decrease is below rounding: allow for it.
        while size > 1e-12 and value_grad(theta - size * step)[0] > value * (1 + 1e-13):
            size /= 2
        if not np.any(size * step):
            break
        theta = theta - size * step
    return best


def relative_difference(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def tolerance_for(distance):
    """The tolerance against sklearn: 1e-6, or twice sklearn's own distance from the optimum, rounded up."""
    needed = max(1e-6, 2 * distance)
    exponent = int(np.floor(np.log10(needed)))
    return float(f"{int(np.ceil(needed / 10.0 ** exponent))}e{exponent}")


def probe_tolerance(sklearn_values, newton_values):
    """Absolute tolerance for decision values and probabilities on the probe rows: 1e-6, or twice the
    largest difference between sklearn's and the exact optimum's decision values, rounded up (a
    probability moves by at most a quarter of its decision value)."""
    return tolerance_for(float(np.max(np.abs(sklearn_values - newton_values))))


def probe_indices(n):
    rng = np.random.default_rng(65)
    return sorted(int(i) for i in rng.choice(n, size=PROBE_ROWS, replace=False))


def logistic_cases(name, x, y, probes):
    scaler = StandardScaler().fit(x)
    xs = scaler.transform(x)
    cases = []
    variants = [(c, cw, None) for c in (0.1, 1.0, 100.0) for cw in (None, "balanced")]
    variants.append((1.0, "balanced", sample_weights_for(len(y))))
    for c, cw, sw in variants:
        for standardized in (False, True):
            features = xs if standardized else x
            model = LogisticRegression(C=c, class_weight=cw, solver="lbfgs", tol=1e-10, max_iter=10000)
            model.fit(features, y, sample_weight=sw)
            s = effective_weights(y, cw, sw)
            sk = np.concatenate([model.coef_[0], model.intercept_])
            newton, newton_grad = logistic_newton(features, y, s, c, sk)
            # sklearn's own Newton solver, run to its floor, as a check on the numpy Newton optimum.
            cholesky = LogisticRegression(C=c, class_weight=cw, solver="newton-cholesky", tol=1e-14, max_iter=1000)
            cholesky.fit(features, y, sample_weight=sw)
            check = relative_difference(np.concatenate([cholesky.coef_[0], cholesky.intercept_]), newton)
            assert check < 1e-10, (name, c, cw, standardized, check)
            case = {
                "data": name,
                "C": c,
                "class_weight": "none" if cw is None else cw,
                "sample_weights": sw is not None,
                "standardized": standardized,
                "n_iter": int(model.n_iter_[0]),
                "coef": model.coef_[0].tolist(),
                "intercept": float(model.intercept_[0]),
                "sklearn_scaled_gradient": logistic_objective_gradient(features, y, s, c, sk),
                "newton_coef": newton[:-1].tolist(),
                "newton_intercept": float(newton[-1]),
                "newton_scaled_gradient": float(newton_grad),
                "sklearn_vs_newton": relative_difference(sk, newton),
                "newton_cholesky_vs_newton": check,
                "tolerance_vs_sklearn": tolerance_for(relative_difference(sk, newton)),
                "probe_proba": model.predict_proba(features[probes])[:, 1].tolist(),
                "probe_decision": model.decision_function(features[probes]).tolist(),
                "probe_tolerance": probe_tolerance(model.decision_function(features[probes]),
                                                   features[probes] @ newton[:-1] + newton[-1]),
            }
            cases.append(case)
    return scaler, cases


def svm_cases(name, x, y, probes):
    xs = StandardScaler().fit_transform(x)
    cases = []
    for c in (0.1, 1.0):
        for cw in (None, "balanced"):
            for standardized in (False, True):
                features = xs if standardized else x
                model = LinearSVC(C=c, class_weight=cw, loss="squared_hinge", penalty="l2", dual=False,
                                  tol=1e-8, intercept_scaling=1.0, fit_intercept=True, max_iter=100000)
                model.fit(features, y)
                ci = c * effective_weights(y, cw, None)
                sk = np.concatenate([model.coef_[0], model.intercept_])
                newton, newton_grad = svm_newton(features, y, ci, sk)
                cases.append({
                    "data": name,
                    "C": c,
                    "class_weight": "none" if cw is None else cw,
                    "standardized": standardized,
                    "n_iter": int(model.n_iter_),
                    "coef": model.coef_[0].tolist(),
                    "intercept": float(model.intercept_[0]),
                    "newton_coef": newton[:-1].tolist(),
                    "newton_intercept": float(newton[-1]),
                    "newton_gradient": float(newton_grad),
                    "sklearn_vs_newton": relative_difference(sk, newton),
                    "tolerance_vs_sklearn": tolerance_for(relative_difference(sk, newton)),
                    "probe_decision": model.decision_function(features[probes]).tolist(),
                    "probe_tolerance": probe_tolerance(model.decision_function(features[probes]),
                                                       features[probes] @ newton[:-1] + newton[-1]),
                })
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(OUT))
    args = parser.parse_args()
    doc = {
        "generator": GENERATOR,
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                     "scikit-learn": sklearn.__version__},
        "semantics": SEMANTICS,
        "tolerance": {
            "vs_newton": 1e-9,
            "standardizer": 1e-12,
            "note": "coefficients: max |ours - reference| / max |reference| over coef and intercept, at most "
                    "vs_newton against newton_* and at most each case's tolerance_vs_sklearn (1e-6, or twice "
                    "sklearn's own distance from the optimum) against sklearn. Probe decision values and "
                    "probabilities: absolute, at most each case's probe_tolerance against sklearn. "
                    "Standardizer: relative.",
        },
        "data": [], "logistic": [], "svm": [],
    }
    with threadpool_limits(1):
        for name, x, y in datasets():
            probes = probe_indices(len(y))
            scaler, logistic = logistic_cases(name, x, y, probes)
            doc["data"].append({
                "name": name, "rows": int(x.shape[0]), "columns": int(x.shape[1]),
                "positives": int(y.sum()), "x": x.tolist(), "y": y.tolist(), "probe_rows": probes,
                "sample_weights": sample_weights_for(len(y)).astype(int).tolist(),
                "scaler_mean": scaler.mean_.tolist(), "scaler_scale": scaler.scale_.tolist(),
            })
            doc["logistic"].extend(logistic)
            doc["svm"].extend(svm_cases(name, x, y, probes))
    for kind in ("logistic", "svm"):
        worst = max(doc[kind], key=lambda case: case["sklearn_vs_newton"])
        print(f"{kind}: {len(doc[kind])} cases, largest sklearn_vs_newton {worst['sklearn_vs_newton']:.3g} "
              f"({worst['data']}, C={worst['C']}, {worst['class_weight']}, standardized={worst['standardized']})")
    path = os.path.join(args.out, "linear.json")
    text = json.dumps(doc, indent=None, separators=(",", ":"))
    # One case or data set per line keeps diffs readable.
    text = text.replace(',{"data":', ',\n{"data":').replace(',{"name":', ',\n{"name":')
    with open(path, "w") as f:
        f.write(text + "\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
