#!/usr/bin/env python3
"""Write Tests/CLVSegmentsTests/Golden/index_scoring.json: an independent numpy
computation of composite index scoring (issue 5), for IndexScoring*Tests.

Run from the repository root with the golden venv's python
(see Scripts/golden/setup-venv.sh; only numpy and scipy are used):

    "$(Scripts/golden/setup-venv.sh | tail -n 1)" Scripts/golden/index_scoring_reference.py

What is computed, independently of the Swift code paths:
  * AHP: the principal eigenvector from numpy.linalg.eig (not power iteration),
    normalised to sum 1, lambda_max as its eigenvalue, CI = (lambda_max - n)/(n - 1),
    CR = CI/RI with Saaty's random index (n <= 2: CR = 0), the judgment a_ij
    (i < j, 0-based) furthest in log ratio from w_i/w_j; and the row
    geometric-mean approximation with lambda_max estimated as mean((A w)_i / w_i).
  * Entropy weights: p = x'/sum(x'), e = -sum(p ln p)/ln n with 0 ln 0 = 0
    (scipy.special.xlogy), d = 1 - e, w = d/sum(d); x' the min-max values
    (direction applied), those plus epsilon, or the raw values.
  * Standardization: min-max with direction, z-score with the sample standard
    deviation (ddof = 1, cost negated), proportions x/sum(x).
  * Composite index: score = 100 * X' @ w on min-max values; ranks by
    scipy.stats.rankdata(-score, method="min") (competition ranks, ties share
    the smallest rank).

The matrices of Saaty (1990, house example) and Saaty (2008, drink example) are
the published judgments; their published priorities are compared in the Swift
tests at the printed precision. The B2B table and its comparison matrix are a
made-up example of the intended use.
"""

import json
import os
import platform

import numpy as np
import scipy
from scipy.special import xlogy
from scipy.stats import rankdata

GENERATED_BY = "Scripts/golden/index_scoring_reference.py"
OUT = os.path.join("Tests", "CLVSegmentsTests", "Golden", "index_scoring.json")
TOLERANCE = {"relative": 1e-9, "absolute": 1e-12}
# Saaty's random index for n = 1..15 (Saaty 1980, The Analytic Hierarchy Process).
RANDOM_INDEX = [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59]


def full_matrix(upper):
    """Reciprocal matrix from the judgments above the diagonal, row by row."""
    n = len(upper) + 1
    a = np.ones((n, n))
    for i, row in enumerate(upper):
        for k, value in enumerate(row):
            j = i + 1 + k
            a[i, j] = value
            a[j, i] = 1.0 / value
    return a


def consistency(lambda_max, n):
    if n <= 2:
        return 0.0, 0.0
    ci = (lambda_max - n) / (n - 1)
    return ci, ci / RANDOM_INDEX[n - 1]


def ahp_case(name, source, criteria, upper):
    a = full_matrix(upper)
    n = a.shape[0]
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lambda_max = float(values[k].real)
    ci, cr = consistency(lambda_max, n)
    g = np.exp(np.log(a).mean(axis=1))
    g = g / g.sum()
    g_lambda = float(np.mean((a @ g) / g))
    g_ci, g_cr = consistency(g_lambda, n)
    # The judgment furthest (in log ratio) from the priorities' ratio w_i / w_j, i < j.
    deviation = np.abs(np.log(a * w[None, :] / w[:, None]))
    worst = max(((i, j) for i in range(n) for j in range(i + 1, n)), key=lambda c: deviation[c], default=None)
    return {
        "name": name,
        "source": source,
        "criteria": criteria,
        "upper_triangle": upper,
        "eigenvector": {"weights": w.tolist(), "lambda_max": lambda_max,
                        "consistency_index": ci, "consistency_ratio": cr,
                        "worst_cell": list(worst) if worst else None},
        "geometric_mean": {"weights": g.tolist(), "lambda_max": g_lambda,
                           "consistency_index": g_ci, "consistency_ratio": g_cr},
    }


def min_max(x, direction):
    low, high = x.min(), x.max()
    if high == low:
        return np.zeros_like(x)
    return (x - low) / (high - low) if direction == "benefit" else (high - x) / (high - low)


def z_score(x, direction):
    sd = x.std(ddof=1)
    if sd == 0:
        return np.zeros_like(x)
    z = (x - x.mean()) / sd
    return z if direction == "benefit" else -z


def oriented(table, basis, epsilon=None):
    x = np.array(table["values"], dtype=float)
    if basis == "raw":
        return x
    cols = [min_max(x[:, j], ind["direction"]) for j, ind in enumerate(table["indicators"])]
    m = np.column_stack(cols)
    return m + epsilon if basis == "shiftedMinMax" else m


def entropy_weights(table, basis, epsilon=None):
    x = oriented(table, basis, epsilon)
    n = x.shape[0]
    entropies = []
    for j in range(x.shape[1]):
        col = x[:, j]
        if np.all(col == col[0]):
            entropies.append(1.0)
            continue
        p = col / col.sum()
        entropies.append(float(-xlogy(p, p).sum() / np.log(n)))
    e = np.array(entropies)
    d = np.maximum(0.0, 1.0 - e)
    return e, d, d / d.sum()


def entropy_case(name, source, table, basis, epsilon=None):
    e, d, w = entropy_weights(table, basis, epsilon)
    case = {"name": name, "source": source, "basis": basis, "table": table,
            "entropies": e.tolist(), "divergences": d.tolist(), "weights": w.tolist()}
    if epsilon is not None:
        case["epsilon"] = epsilon
    return case


def standardization_case(table):
    x = np.array(table["values"], dtype=float)
    dirs = [ind["direction"] for ind in table["indicators"]]
    mm = np.column_stack([min_max(x[:, j], d) for j, d in enumerate(dirs)])
    zs = np.column_stack([z_score(x[:, j], d) for j, d in enumerate(dirs)])
    pr = x / x.sum(axis=0)
    return {"table": table, "minMax": mm.tolist(), "zScore": zs.tolist(), "proportion": pr.tolist()}


def composite_case(name, table, weighting, ahp=None, basis="minMax", method="principalEigenvector"):
    if weighting == "given":
        w = np.array([ind["given_weight"] for ind in table["indicators"]], dtype=float)
        w = w / w.sum()
    else:
        we = entropy_weights(table, basis)[2] if weighting in ("entropy", "entropyAHP") else None
        if weighting in ("ahp", "entropyAHP"):
            key = "eigenvector" if method == "principalEigenvector" else "geometric_mean"
            by_name = dict(zip(ahp["criteria"], ahp[key]["weights"]))
            wa = np.array([by_name[ind["name"]] for ind in table["indicators"]])
        w = we if weighting == "entropy" else wa if weighting == "ahp" else we * wa / (we * wa).sum()
    x = oriented(table, "minMax")
    scores = 100.0 * (x @ w)
    ranks = rankdata(-scores, method="min").astype(int)
    return {"name": name, "weighting": weighting, "basis": basis, "method": method,
            "matrix": ahp["name"] if ahp else None, "weights": w.tolist(),
            "standardized": x.tolist(), "scores": scores.tolist(), "ranks": ranks.tolist()}


def main():
    house = ahp_case(
        "saaty1990_house",
        "Saaty (1990), How to make a decision: The Analytic Hierarchy Process, EJOR 48(1) 9-26, house example",
        ["size", "transportation", "neighborhood", "age", "yard", "modern facilities", "condition", "financing"],
        [[5, 3, 7, 6, 6, 1 / 3, 1 / 4],
         [1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
         [6, 3, 4, 6, 1 / 5],
         [1 / 3, 1 / 4, 1 / 7, 1 / 8],
         [1 / 2, 1 / 5, 1 / 6],
         [1 / 5, 1 / 6],
         [1 / 2]])
    drinks = ahp_case(
        "saaty2008_drinks",
        "Saaty (2008), Decision making with the analytic hierarchy process, Int. J. Services Sciences 1(1) 83-98, "
        "drink consumption example",
        ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"],
        [[9, 5, 2, 1, 1, 1 / 2],
         [1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
         [1 / 3, 1 / 4, 1 / 3, 1 / 9],
         [1 / 2, 1, 1 / 3],
         [2, 1 / 2],
         [1 / 3]])
    b2b_matrix = ahp_case(
        "b2b_criteria", "made-up analyst judgments over the B2B indicators",
        ["annual revenue", "gross margin", "orders per year", "days sales outstanding", "return rate"],
        [[2, 3, 4, 5], [2, 3, 4], [2, 3], [2]])
    pair = ahp_case("pair", "made-up 2x2 matrix", ["a", "b"], [[3]])

    b2b = {
        "indicators": [
            {"name": "annual revenue", "direction": "benefit", "given_weight": 0.30},
            {"name": "gross margin", "direction": "benefit", "given_weight": 0.25},
            {"name": "orders per year", "direction": "benefit", "given_weight": 0.15},
            {"name": "days sales outstanding", "direction": "cost", "given_weight": 0.20},
            {"name": "return rate", "direction": "cost", "given_weight": 0.10},
        ],
        "entities": ["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08"],
        # C05 repeats C01, so the two tie.
        "values": [
            [1250, 18.5, 24, 45, 1.2],
            [860, 22.0, 36, 30, 0.8],
            [2400, 12.5, 12, 75, 2.5],
            [430, 28.0, 48, 20, 0.5],
            [1250, 18.5, 24, 45, 1.2],
            [3100, 9.0, 8, 90, 3.1],
            [720, 25.5, 30, 35, 1.0],
            [1580, 16.0, 18, 60, 1.8],
        ],
    }
    xu = {
        "indicators": [{"name": f"a{j + 1}", "direction": "benefit"} for j in range(4)],
        "entities": ["x1", "x2", "x3", "x4"],
        "values": [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]],
    }
    zavadskas = {
        "indicators": [{"name": "c1", "direction": "cost"}, {"name": "c2", "direction": "benefit"},
                       {"name": "c3", "direction": "cost"}, {"name": "c4", "direction": "benefit"}],
        "entities": ["a1", "a2", "a3", "a4"],
        "values": [[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]],
    }

    golden = {
        "generated_by": GENERATED_BY,
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__},
        "tolerance": TOLERANCE,
        "random_index": RANDOM_INDEX,
        "ahp": [house, drinks, b2b_matrix, pair],
        "entropy": [
            entropy_case("xu2004_raw", "Xu (2004), EJOR 156(2) 530-532, numerical example", xu, "raw"),
            entropy_case("zavadskas2016_raw", "Zavadskas & Podvezko (2016), IJITDM 15(2) 267-283", zavadskas, "raw"),
            entropy_case("xu2004_minmax", "Xu (2004) data, min-max basis", xu, "minMax"),
            entropy_case("b2b_minmax", "made-up B2B table", b2b, "minMax"),
            entropy_case("b2b_shifted", "made-up B2B table", b2b, "shiftedMinMax", 1e-3),
            entropy_case("b2b_raw", "made-up B2B table", b2b, "raw"),
        ],
        "standardization": standardization_case(b2b),
        "composite": [
            composite_case("b2b_given", b2b, "given"),
            composite_case("b2b_entropy", b2b, "entropy"),
            composite_case("b2b_ahp", b2b, "ahp", b2b_matrix),
            composite_case("b2b_ahp_geometric", b2b, "ahp", b2b_matrix, method="geometricMean"),
            composite_case("b2b_entropy_ahp", b2b, "entropyAHP", b2b_matrix),
        ],
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
