#!/usr/bin/env python3
"""Write Tests/CLVPredictTests/Golden/trees.json: scikit-learn references for the tree models of
CLVPredict (issue 6): DecisionTreeClassifier, GradientBoostingClassifier and RandomForestClassifier.

Run from the repository root with the golden venv's python:

    /work/main/.venv-golden/bin/python Scripts/golden/predict_trees_reference.py [--out DIR]

What is in the file:

    datasets        seeded churn-like data (train rows, labels, sample weights, test rows), written out in full
    decision_tree   DecisionTreeClassifier(random_state=0) cases: the fitted node arrays and predict_proba
    gradient_boosting  GradientBoostingClassifier(loss="log_loss", subsample=1.0, random_state=0) cases:
                    the prior log-odds, the first trees (after the Newton leaf step) and predict_proba
    random_forest   RandomForestClassifier accuracies and OOB scores over ten random_state values: a forest
                    with another RNG cannot match one of them exactly, only the range

Exactness. sklearn casts X to float32, so every feature value in the tree data sets is exactly
representable as float32 (integers, and multiples of 1/64 or 1/1024); then the cast changes nothing
and a float64 implementation sees the same numbers. sklearn visits the features in a shuffled order
and keeps the first best split, so an exact tie between two candidate splits would be broken by its
RNG. This script re-grows every tree with a small independent numpy implementation (no sklearn),
requires it to give sklearn's trees and probabilities, and measures at every split decision the gap
between the best and the second-best candidate (relative to the largest possible proxy value). It
refuses data whose smallest gap is below MIN_RELATIVE_GAP: no decision in the goldens is a tie or a
near-tie, so an implementation that computes the criterion in another order cannot come out
differently. The same check covers min_impurity_decrease comparisons.

Two runs give the same bytes: all data come from numpy Generators with fixed seeds, sklearn runs
single-threaded with random_state fixed.
"""

import argparse
import json
import math
import os
import platform
import warnings

import numpy as np
import scipy
import sklearn
from scipy.special import expit
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

GENERATOR = "Scripts/golden/predict_trees_reference.py"
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(SCRIPT_DIR))
GOLDEN_REL = "Tests/CLVPredictTests/Golden"

MIN_RELATIVE_GAP = 1e-9
EPSILON = np.finfo(np.float64).eps
FEATURE_THRESHOLD = 1e-7
MAX_BYTES = 400_000

SEMANTICS = [
    "DecisionTreeClassifier(criterion='gini', splitter='best', max_features=None, random_state=0): X is cast to "
    "float32 (the data here are float32-exact); candidate thresholds lie between consecutive distinct sorted values "
    "(values within 1e-7 count as equal) at x[p-1]/2 + x[p]/2; a candidate needs >= min_samples_leaf rows on each "
    "side; the best candidate maximises -wR*giniR - wL*giniL (weighted class counts); first best wins in a shuffled "
    "feature order (no ties in these data).",
    "A node is a leaf if depth >= max_depth, n < min_samples_split, n < 2*min_samples_leaf, impurity <= DBL_EPSILON, "
    "no valid split, or improvement + DBL_EPSILON < min_impurity_decrease, where improvement = "
    "(W_t/W)*(imp - W_R/W_t*imp_R - W_L/W_t*imp_L) with W the total weight at the root. Nodes are numbered in "
    "preorder, left child first. 'value' is the weighted fraction of class 1 in the node; predict_proba[:, 1] is "
    "the leaf's value. Predict goes left iff x[feature] <= threshold.",
    "With non-integer weights sklearn can compute the impurity of a node that holds one class as a few ulps above "
    "DBL_EPSILON and then split it into pure children (same predictions, a larger tree). The script grows its own "
    "trees with an exact rule (a node holding one class is a leaf) and only keeps cases where sklearn's tree is the "
    "same, so such rounding artefacts are not in the goldens.",
    "class_weight='balanced' multiplies the sample weights by n/(2*count(class)) with unweighted class counts; "
    "min_samples_* count rows, not weight.",
    "GradientBoostingClassifier(loss='log_loss', subsample=1.0, random_state=0): the raw score starts at "
    "logit(p0) with p0 = the weighted share of class 1 (clipped to [eps, 1-eps]); each stage fits a "
    "DecisionTreeRegressor(criterion='squared_error') to the negative gradient r = y - expit(raw) with the sample "
    "weights, then sets each leaf to sum(w*r)/sum(w*p*(1-p)) over its rows (p = y - r; 0 if the denominator is "
    "below 1e-150) and adds learning_rate*leaf to raw. predict_proba[:, 1] = expit(init + sum of "
    "learning_rate*leaf). In scikit-learn 1.9 the 'criterion' parameter is deprecated and has no effect: "
    "'friedman_mse' maps to 'squared_error', which picks the same splits (sL^2/wL + sR^2/wR = S^2/W + "
    "wL*wR/W*(mean_L - mean_R)^2, the Friedman improvement times 1/W plus a constant); only min_impurity_decrease "
    "uses the squared_error improvement.",
    "RandomForestClassifier: bootstrap rows are drawn by sklearn's own RNG, so another implementation only matches "
    "in distribution; the file records accuracies and OOB scores for random_state 0..9.",
]


# --------------------------------------------------------------------------- output


def versions():
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
    }


def plain(obj):
    """numpy scalars and arrays as plain Python; non-finite floats are refused."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        if not math.isfinite(value):
            raise SystemExit("non-finite value in the golden output")
        return value
    return obj


def to_text(obj, indent=0):
    """Objects one key per line, lists of scalars on one line, lists of lists one inner list per line."""
    inner = "  " * (indent + 1)
    outer = "  " * indent
    if isinstance(obj, dict):
        lines = [inner + json.dumps(k) + ": " + to_text(v, indent + 1) for k, v in obj.items()]
        return "{\n" + ",\n".join(lines) + "\n" + outer + "}" if lines else "{}"
    if isinstance(obj, list):
        if all(not isinstance(v, (dict, list)) for v in obj):
            if all(isinstance(v, str) for v in obj) and obj and max(len(v) for v in obj) > 60:
                return "[\n" + ",\n".join(inner + json.dumps(v) for v in obj) + "\n" + outer + "]"
            return json.dumps(obj, separators=(",", ":"))
        if all(isinstance(v, list) for v in obj):
            return "[\n" + ",\n".join(inner + json.dumps(v, separators=(",", ":")) for v in obj) + "\n" + outer + "]"
        return "[\n" + ",\n".join(inner + to_text(v, indent + 1) for v in obj) + "\n" + outer + "]"
    return json.dumps(obj)


def require(condition, message):
    if not condition:
        raise SystemExit("check failed: " + message)


# --------------------------------------------------------------------------- data


FEATURES = ["recency_days", "orders", "spend", "tenure_days", "discount_share", "support_tickets"]


def churn_rows(rng, n):
    """n churn-like customers; every value is exactly representable as float32."""
    recency = rng.integers(0, 366, n).astype(float)
    orders = (1 + rng.poisson(3.0, n)).astype(float)
    spend = np.round(np.exp(rng.normal(4.0, 0.8, n)) * 64) / 64
    tenure = recency + rng.integers(30, 1500, n)
    discount = rng.integers(0, 1025, n) / 1024
    tickets = rng.poisson(0.7, n).astype(float)
    X = np.column_stack([recency, orders, spend, tenure, discount, tickets])
    logit = (-1.3 + 0.012 * (recency - 150) - 0.3 * (orders - 4) + 0.6 * tickets
             - 0.004 * (spend - 60) + 1.5 * (discount - 0.5) + 0.0006 * (tenure - 900))
    y = (rng.random(n) < expit(logit)).astype(int)
    return X, y


def churn_dataset(seed, n_train, n_test):
    rng = np.random.default_rng(seed)
    X, y = churn_rows(rng, n_train)
    X_test, _ = churn_rows(rng, n_test)
    weights = np.round(rng.uniform(0.25, 3.0, n_train), 6)
    require(np.array_equal(X.astype(np.float32).astype(np.float64), X), "train data not float32-exact")
    require(np.array_equal(X_test.astype(np.float32).astype(np.float64), X_test), "test data not float32-exact")
    return {"seed": seed, "X": X, "y": y, "weights": weights, "X_test": X_test}


def forest_dataset(seed, n_train, n_test):
    """A noisier problem with interactions, where a forest beats a single tree; 2 decimals."""
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    Z = rng.normal(0, 1, (n, 8))
    score = (1.2 * Z[:, 0] * Z[:, 1] + np.sin(2 * Z[:, 2]) + 0.8 * (Z[:, 3] > 0.5) - 0.6 * Z[:, 4] ** 2
             + 0.5 * Z[:, 5] + 0.3)
    y = (rng.random(n) < expit(1.5 * score)).astype(int)
    X = np.round(Z, 2)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


# --------------------------------------------------------------------------- independent CART


class Grower:
    """Greedy CART written from the definitions (not from sklearn), with the tie/near-tie bookkeeping.

    criterion "gini": targets are 0/1 labels; "mse": real targets. Weighted throughout.
    """

    def __init__(self, X, target, w, criterion, max_depth, min_samples_split, min_samples_leaf,
                 min_impurity_decrease):
        self.X, self.t, self.w = X, target, w
        self.criterion = criterion
        self.max_depth = max_depth if max_depth is not None else 1 << 30
        self.min_split = max(min_samples_split, 2 * min_samples_leaf)
        self.min_leaf = min_samples_leaf
        self.min_decrease = min_impurity_decrease
        self.total_weight = w.sum()
        self.nodes = []
        self.min_gap = math.inf
        self.min_decrease_gap = math.inf
        self.leaves = {}

    def impurity(self, idx):
        w, t = self.w[idx], self.t[idx]
        W = w.sum()
        if self.criterion == "gini":
            c1 = (w * t).sum()
            c0 = W - c1
            return 1 - (c0 * c0 + c1 * c1) / (W * W)
        s = (w * t).sum()
        return (w * t * t).sum() / W - (s / W) ** 2

    def best_split(self, idx):
        w, t = self.w[idx], self.t[idx]
        n = len(idx)
        W = w.sum()
        candidates = []  # (proxy, feature, pos, threshold, sorted idx)
        scale = W if self.criterion == "gini" else (np.abs(w * t).sum() ** 2 / W)
        for f in range(self.X.shape[1]):
            order = np.argsort(self.X[idx, f], kind="stable")
            xs = self.X[idx, f][order]
            if xs[-1] <= xs[0] + FEATURE_THRESHOLD:
                continue
            cw = np.cumsum(w[order])[:-1]
            cs = np.cumsum((w * t)[order])[:-1]
            p = np.arange(1, n)
            valid = (xs[1:] > xs[:-1] + FEATURE_THRESHOLD) & (p >= self.min_leaf) & (n - p >= self.min_leaf)
            wl, sl = cw, cs
            wr, sr = W - wl, (w * t).sum() - sl
            if self.criterion == "gini":
                proxy = (sl ** 2 + (wl - sl) ** 2) / wl + (sr ** 2 + (wr - sr) ** 2) / wr
            else:
                proxy = sl ** 2 / wl + sr ** 2 / wr
            for k in np.nonzero(valid)[0]:
                pos = k + 1
                candidates.append((proxy[k], f, pos, xs[pos - 1] / 2.0 + xs[pos] / 2.0, idx[order]))
        if not candidates:
            return None, math.inf
        candidates.sort(key=lambda c: -c[0])
        gap = math.inf if len(candidates) == 1 else (candidates[0][0] - candidates[1][0]) / scale
        return candidates[0], gap

    def grow(self, idx, depth, impurity):
        node = len(self.nodes)
        W = self.w[idx].sum()
        value = (self.w[idx] * self.t[idx]).sum() / W
        record = {"feature": -1, "threshold": -2.0, "left": -1, "right": -1, "value": value,
                  "n": len(idx), "weight": W, "impurity": impurity}
        self.nodes.append(record)
        if self.criterion == "gini":
            # A node holding one class is pure: impurity 0 exactly (sklearn can compute a few ulps instead
            # under non-integer weights; the trees in the file must not depend on that).
            pure = np.all(self.t[idx] == self.t[idx][0])
        else:
            pure = impurity <= EPSILON
        leaf = (depth >= self.max_depth or len(idx) < self.min_split or pure)
        split = None
        if not leaf:
            split, gap = self.best_split(idx)
            if split is None:
                leaf = True
            else:
                self.min_gap = min(self.min_gap, gap)
                _, f, pos, thr, sorted_idx = split
                left, right = sorted_idx[:pos], sorted_idx[pos:]
                imp_l, imp_r = self.impurity(left), self.impurity(right)
                wl, wr = self.w[left].sum(), self.w[right].sum()
                improvement = (W / self.total_weight) * (impurity - wr / W * imp_r - wl / W * imp_l)
                if self.min_decrease > 0:
                    self.min_decrease_gap = min(self.min_decrease_gap,
                                                abs(improvement + EPSILON - self.min_decrease) / self.min_decrease)
                if improvement + EPSILON < self.min_decrease:
                    leaf = True
        if leaf:
            self.leaves[node] = idx
            return node
        _, f, pos, thr, sorted_idx = split
        record["feature"], record["threshold"] = f, thr
        left, right = np.sort(sorted_idx[:pos]), np.sort(sorted_idx[pos:])
        record["left"] = self.grow(left, depth + 1, self.impurity(left))
        record["right"] = self.grow(right, depth + 1, self.impurity(right))
        return node

    def run(self):
        idx = np.nonzero(self.w > 0)[0]
        self.grow(idx, 0, self.impurity(idx))
        return self

    def apply(self, X):
        out = np.empty(len(X), dtype=int)
        for i, row in enumerate(X):
            node = 0
            while self.nodes[node]["feature"] >= 0:
                rec = self.nodes[node]
                node = rec["left"] if row[rec["feature"]] <= rec["threshold"] else rec["right"]
            out[i] = node
        return out


def tree_arrays(tree, value_column):
    t = tree.tree_
    value = t.value[:, 0, value_column] if value_column is not None else t.value[:, 0, 0]
    return {
        "children_left": t.children_left, "children_right": t.children_right,
        "feature": t.feature, "threshold": t.threshold, "value": value,
        "n_node_samples": t.n_node_samples, "weighted_n_node_samples": t.weighted_n_node_samples,
        "impurity": t.impurity,
    }


def require_same_tree(arrays, grower, name, value_tol):
    nodes = grower.nodes
    require(len(nodes) == len(arrays["feature"]), "%s: %d nodes vs sklearn %d" % (name, len(nodes), len(arrays["feature"])))
    worst = 0.0
    for k, rec in enumerate(nodes):
        sk_feature = int(arrays["feature"][k]) if arrays["children_left"][k] >= 0 else -1
        require(rec["feature"] == sk_feature, "%s node %d feature" % (name, k))
        require(rec["left"] == arrays["children_left"][k] and rec["right"] == arrays["children_right"][k],
                "%s node %d children" % (name, k))
        require(rec["n"] == arrays["n_node_samples"][k], "%s node %d n" % (name, k))
        if rec["feature"] >= 0:
            require(rec["threshold"] == arrays["threshold"][k], "%s node %d threshold" % (name, k))
        worst = max(worst, abs(rec["weight"] - arrays["weighted_n_node_samples"][k]) / rec["weight"],
                    abs(rec["impurity"] - arrays["impurity"][k]))
        if value_tol is not None:
            worst = max(worst, abs(rec["value"] - arrays["value"][k]))
    require(worst < 1e-12, "%s: node statistics differ by %g" % (name, worst))
    return worst


# --------------------------------------------------------------------------- decision trees


def boundary_rows(X_test, arrays, count):
    """Test rows moved onto split thresholds (only thresholds that are float32-exact), to pin down `<=`."""
    rows = []
    for k in range(len(arrays["feature"])):
        f, thr = arrays["feature"][k], arrays["threshold"][k]
        if f >= 0 and float(np.float32(thr)) == thr and len(rows) < count:
            row = X_test[len(rows) % len(X_test)].copy()
            row[f] = thr
            rows.append(row)
    return np.array(rows)


def decision_tree_case(data, name, params, weighting):
    X, y = data["X"], data["y"]
    sample_weight = data["weights"] if weighting == "sample" or weighting == "sample+balanced" else None
    class_weight = "balanced" if weighting in ("balanced", "sample+balanced") else None
    model = DecisionTreeClassifier(random_state=0, class_weight=class_weight, **params)
    model.fit(X, y, sample_weight=sample_weight)
    arrays = tree_arrays(model, 1)

    w = np.ones(len(y)) if sample_weight is None else sample_weight.copy()
    if class_weight == "balanced":
        counts = np.bincount(y, minlength=2)
        w = w * (len(y) / (2.0 * counts))[y]
    grower = Grower(X, y.astype(float), w, "gini", params.get("max_depth"), params.get("min_samples_split", 2),
                    params.get("min_samples_leaf", 1), params.get("min_impurity_decrease", 0.0)).run()
    node_diff = require_same_tree(arrays, grower, name, 1e-12)
    require(grower.min_gap > MIN_RELATIVE_GAP, "%s: near-tie between candidate splits (gap %g)" % (name, grower.min_gap))
    require(grower.min_decrease_gap > MIN_RELATIVE_GAP, "%s: improvement too close to min_impurity_decrease" % name)

    X_eval = np.vstack([data["X_test"], boundary_rows(data["X_test"], arrays, 8)])
    proba = model.predict_proba(X_eval)[:, 1]
    own = np.array([grower.nodes[k]["value"] for k in grower.apply(X_eval)])
    require(np.max(np.abs(own - proba)) < 1e-12, "%s: independent predict_proba differs" % name)
    train_proba = model.predict_proba(X)[:, 1]
    return {
        "name": name,
        "dataset": "churn",
        "params": {"max_depth": params.get("max_depth"), "min_samples_split": params.get("min_samples_split", 2),
                   "min_samples_leaf": params.get("min_samples_leaf", 1),
                   "min_impurity_decrease": params.get("min_impurity_decrease", 0.0)},
        "class_weight": class_weight or "none",
        "sample_weight": sample_weight is not None,
        "tree": arrays,
        "node_count": int(model.tree_.node_count),
        "max_depth_reached": int(model.tree_.max_depth),
        "eval_rows": X_eval,
        "predict_proba": proba,
        "train_predict_proba": train_proba,
        "checks": {"min_relative_gap": grower.min_gap,
                   "min_relative_gap_to_min_impurity_decrease": grower.min_decrease_gap
                   if math.isfinite(grower.min_decrease_gap) else None,
                   "independent_node_max_abs_diff": node_diff},
    }


# --------------------------------------------------------------------------- gradient boosting


def half_binomial_negative_gradient(y, raw):
    """-(expit(raw) - y), in the form sklearn's loss uses (exp(-raw) for raw > -37)."""
    out = np.empty_like(raw)
    hi = raw > -37
    e = np.exp(-raw[hi])
    out[hi] = -(((1 - y[hi]) - y[hi] * e) / (1 + e))
    e = np.exp(raw[~hi])
    out[~hi] = -(e - y[~hi])
    return out


def boosting_by_hand(X, y, w, n_estimators, learning_rate, max_depth, min_samples_split, min_samples_leaf,
                     min_impurity_decrease):
    eps = np.finfo(np.float64).eps
    class_weight_sums = np.bincount(y, weights=w, minlength=2)
    p0 = np.clip(class_weight_sums[1] / class_weight_sums.sum(), eps, 1 - eps)
    init = math.log(p0 / (1 - p0))
    raw = np.full(len(y), init)
    trees, min_gap, min_decrease_gap = [], math.inf, math.inf
    for _ in range(n_estimators):
        r = half_binomial_negative_gradient(y.astype(float), raw)
        grower = Grower(X, r, w, "mse", max_depth, min_samples_split, min_samples_leaf, min_impurity_decrease).run()
        min_gap = min(min_gap, grower.min_gap)
        min_decrease_gap = min(min_decrease_gap, grower.min_decrease_gap)
        for node, idx in grower.leaves.items():
            prob = y[idx] - r[idx]
            num = np.sum(w[idx] * r[idx]) / np.sum(w[idx])
            den = np.sum(w[idx] * prob * (1 - prob)) / np.sum(w[idx])
            grower.nodes[node]["value"] = 0.0 if abs(den) < 1e-150 else num / den
        raw = raw + learning_rate * np.array([grower.nodes[k]["value"] for k in grower.apply(X)])
        trees.append(grower)
    return init, trees, min_gap, min_decrease_gap


def boosting_case(data, name, params, weighted):
    X, y = data["X"], data["y"]
    sample_weight = data["weights"] if weighted else None
    model = GradientBoostingClassifier(loss="log_loss", subsample=1.0, random_state=0, **params)
    model.fit(X, y, sample_weight=sample_weight)
    w = np.ones(len(y)) if sample_weight is None else sample_weight
    init, trees, min_gap, min_decrease_gap = boosting_by_hand(
        X, y, w, params["n_estimators"], params["learning_rate"], params["max_depth"],
        params.get("min_samples_split", 2), params.get("min_samples_leaf", 1), params.get("min_impurity_decrease", 0.0))
    require(min_gap > MIN_RELATIVE_GAP, "%s: near-tie between candidate splits (gap %g)" % (name, min_gap))
    require(min_decrease_gap > MIN_RELATIVE_GAP, "%s: improvement too close to min_impurity_decrease" % name)
    sk_init = float(model._raw_predict_init(X[:1])[0, 0])
    require(abs(sk_init - init) < 1e-14, "%s: init differs by %g" % (name, abs(sk_init - init)))
    worst = 0.0
    for stage, grower in enumerate(trees):
        arrays = tree_arrays(model.estimators_[stage, 0], None)
        worst = max(worst, require_same_tree(arrays, grower, "%s stage %d" % (name, stage), None))
        leaf_diff = max(abs(rec["value"] - arrays["value"][k]) for k, rec in enumerate(grower.nodes)
                        if rec["feature"] < 0)
        worst = max(worst, leaf_diff)
    require(worst < 1e-10, "%s: independent trees differ by %g" % (name, worst))

    arrays = tree_arrays(model.estimators_[0, 0], None)
    X_eval = np.vstack([data["X_test"], boundary_rows(data["X_test"], arrays, 6)])
    proba = model.predict_proba(X_eval)[:, 1]
    raw = np.full(len(X_eval), init)
    for grower in trees:
        raw = raw + params["learning_rate"] * np.array([grower.nodes[k]["value"] for k in grower.apply(X_eval)])
    own = expit(raw)
    proba_diff = float(np.max(np.abs(own - proba)))
    require(proba_diff < 1e-12, "%s: independent predict_proba differs by %g" % (name, proba_diff))
    return {
        "name": name,
        "dataset": "churn",
        "params": {"n_estimators": params["n_estimators"], "learning_rate": params["learning_rate"],
                   "max_depth": params["max_depth"], "min_samples_split": params.get("min_samples_split", 2),
                   "min_samples_leaf": params.get("min_samples_leaf", 1),
                   "min_impurity_decrease": params.get("min_impurity_decrease", 0.0)},
        "sample_weight": weighted,
        "init_raw": sk_init,
        "first_trees": [tree_arrays(model.estimators_[k, 0], None) for k in range(2)],
        "eval_rows": X_eval,
        "predict_proba": proba,
        "train_predict_proba": model.predict_proba(X)[:, 1],
        "checks": {"min_relative_gap": min_gap,
                   "min_relative_gap_to_min_impurity_decrease": min_decrease_gap if math.isfinite(min_decrease_gap)
                   else None,
                   "independent_tree_max_abs_diff": worst, "independent_predict_proba_max_abs_diff": proba_diff},
    }


# --------------------------------------------------------------------------- random forest


def forest_section(seed):
    X, y, X_test, y_test = forest_dataset(seed, 1500, 1000)
    configs = [
        {"name": "default_sqrt", "params": {"n_estimators": 100}},
        {"name": "depth6_balanced", "params": {"n_estimators": 100, "max_depth": 6, "class_weight": "balanced"}},
    ]
    results = []
    for config in configs:
        runs = []
        for random_state in range(10):
            model = RandomForestClassifier(random_state=random_state, oob_score=True, n_jobs=1, **config["params"])
            model.fit(X, y)
            proba = model.predict_proba(X_test)[:, 1]
            runs.append({"random_state": random_state, "accuracy": float(np.mean((proba > 0.5) == y_test)),
                         "accuracy_sklearn_predict": float(np.mean(model.predict(X_test) == y_test)),
                         "roc_auc": float(roc_auc_score(y_test, proba)), "oob_score": float(model.oob_score_)})
        params = dict(config["params"])
        results.append({"name": config["name"],
                        "params": {"n_estimators": params["n_estimators"], "max_depth": params.get("max_depth"),
                                   "max_features": "sqrt", "bootstrap": True,
                                   "class_weight": params.get("class_weight", "none")},
                        "runs": runs})
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    single_tree_accuracy = float(np.mean(tree.predict(X_test) == y_test))
    return {
        "dataset": {"seed": seed, "features": ["z%d" % k for k in range(8)], "X": X, "y": y, "X_test": X_test,
                    "y_test": y_test,
                    "description": "z ~ N(0,1)^8 rounded to 2 decimals; P(y=1) = expit(1.5*(1.2*z0*z1 + sin(2*z2) "
                                   "+ 0.8*[z3>0.5] - 0.6*z4^2 + 0.5*z5 + 0.3)); z6, z7 are noise"},
        "configs": results,
        "single_tree_accuracy": single_tree_accuracy,
        "notes": "accuracy = mean((predict_proba[:,1] > 0.5) == y_test); sklearn's predict takes the argmax, which "
                 "sends a probability of exactly 0.5 to class 0 as well, so both agree. OOB score = accuracy of the "
                 "out-of-bag probability argmax over rows that are out of bag in at least one tree.",
    }


# --------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, GOLDEN_REL))
    args = parser.parse_args()
    warnings.simplefilter("error")

    with threadpool_limits(1):
        data = churn_dataset(20260601, 400, 120)
        trees = [
            decision_tree_case(data, "depth4_leaf8", {"max_depth": 4, "min_samples_leaf": 8}, "none"),
            decision_tree_case(data, "balanced_depth6_split12", {"max_depth": 6, "min_samples_split": 12},
                               "balanced"),
            decision_tree_case(data, "sample_weights_depth8_split20", {"max_depth": 8, "min_samples_split": 20,
                                                                       "min_samples_leaf": 2}, "sample"),
            decision_tree_case(data, "weights_balanced_min_decrease", {"max_depth": 10, "min_samples_leaf": 3,
                                                                       "min_impurity_decrease": 0.003},
                               "sample+balanced"),
        ]
        boosting = [
            boosting_case(data, "depth3_lr0.1_leaf5", {"n_estimators": 40, "learning_rate": 0.1, "max_depth": 3,
                                                       "min_samples_leaf": 5}, False),
            boosting_case(data, "weighted_depth4_leaf8", {"n_estimators": 25, "learning_rate": 0.3, "max_depth": 4,
                                                          "min_samples_leaf": 8}, True),
            boosting_case(data, "weighted_min_decrease", {"n_estimators": 25, "learning_rate": 0.3, "max_depth": 4,
                                                          "min_samples_leaf": 6, "min_impurity_decrease": 1e-4},
                          True),
        ]
        forest = forest_section(20260602)

    doc = {
        "generator": GENERATOR,
        "versions": versions(),
        "semantics": SEMANTICS,
        "tolerances": {"tree_threshold": "exact", "tree_value": 1e-12, "tree_predict_proba": 1e-12,
                       "boosting_predict_proba": 1e-9},
        "datasets": {"churn": {"seed": data["seed"], "features": FEATURES, "X": data["X"], "y": data["y"],
                               "sample_weight": data["weights"], "X_test": data["X_test"],
                               "description": "churn-like rows, float32-exact: recency_days 0..365, orders 1+Poisson(3), "
                                              "spend lognormal rounded to 1/64, tenure_days, discount_share k/1024, "
                                              "support_tickets Poisson(0.7); labels Bernoulli(expit(linear score)); "
                                              "sample_weight uniform(0.25, 3) rounded to 6 decimals"}},
        "decision_tree": trees,
        "gradient_boosting": boosting,
        "random_forest": forest,
    }
    text = to_text(plain(doc)) + "\n"
    json.loads(text)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "trees.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    size = len(text.encode("utf-8"))
    print("wrote %s (%d bytes)" % (os.path.relpath(path), size))
    for case in trees + boosting:
        print("  %-32s min gap %.3g  nodes %s" % (case["name"], case["checks"]["min_relative_gap"],
                                                  case.get("node_count", "")))
    for config in forest["configs"]:
        acc = [r["accuracy"] for r in config["runs"]]
        oob = [r["oob_score"] for r in config["runs"]]
        print("  forest %-16s accuracy %.4f..%.4f  oob %.4f..%.4f" % (config["name"], min(acc), max(acc), min(oob),
                                                                       max(oob)))
    print("  single tree accuracy %.4f" % forest["single_tree_accuracy"])
    require(size < MAX_BYTES, "trees.json is too large (%d bytes)" % size)


if __name__ == "__main__":
    main()
