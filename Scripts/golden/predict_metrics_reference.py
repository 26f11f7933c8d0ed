#!/usr/bin/env python3
"""Write the golden file for the CLVPredict evaluation metrics (issue 6).

Run from the repository root with the golden venv's python (scikit-learn 1.9.1):

    /work/main/.venv-golden/bin/python Scripts/golden/predict_metrics_reference.py [--out DIR]

Writes Tests/CLVPredictTests/Golden/metrics.json (or DIR/metrics.json): for a set of
label/score cases (ties, all-equal scores, perfect and inverted rankings, 5 % positives,
scores of exactly 0 and 1, a single class, n = 10 … 5000), what scikit-learn returns for

    confusion_matrix, precision_score, recall_score, f1_score, accuracy_score
        (y_pred = score >= threshold, zero_division=0; specificity = recall of class 0)
    roc_curve (drop_intermediate True and False), roc_auc_score
    precision_recall_curve (drop_intermediate False and True), average_precision_score,
        auc(recall, precision)
    brier_score_loss, log_loss (labels=[0, 1] so that a single class is allowed)
    calibration_curve (n_bins 5 and 10, strategy uniform and quantile)

and a lift / cumulative-gains table by decile computed here with numpy (scikit-learn has
none). The cases come from seeded numpy Generators and their labels and scores are written
into the file, so the file does not depend on numpy's random streams. Two runs give the
same bytes. Independent checks (ROC-AUC as a Mann-Whitney statistic, average precision
from its definition, the lift table by a plain loop) must agree or the script stops.
"""

import argparse
import json
import math
import os
import platform
import sys
import warnings

import numpy as np
import scipy
import sklearn
from scipy.stats import rankdata
from sklearn.calibration import calibration_curve
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    auc,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

GENERATOR = "Scripts/golden/predict_metrics_reference.py"
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(SCRIPT_DIR))
GOLDEN_REL = "Tests/CLVPredictTests/Golden"
MAX_BYTES = 400_000
# Cases up to this size also store the curves with every point (ROC without drop_intermediate,
# the full precision-recall curve); larger ones store the thinned curves and the full lengths.
FULL_CURVES_MAX_N = 1000

SEMANTICS = {
    "labels": "Each case's labels are a string of 0/1 characters, one per row, in row order.",
    "thresholded": "y_pred = 1 where score >= threshold (ties at the threshold count as positive). "
                   "confusion_matrix(labels=[0, 1]) is [[tn, fp], [fn, tp]]. precision = tp/(tp+fp), "
                   "recall = tp/(tp+fn), f1 = 2tp/(2tp+fp+fn), specificity = tn/(tn+fp) "
                   "(recall_score with pos_label=0); each is 0 when its denominator is 0 "
                   "(zero_division=0). accuracy = (tp+tn)/n.",
    "roc_curve": "Scores sorted descending (stable); one point per distinct score, at the last row "
                 "of its tie group: tps = positives so far, fps = 1 + index - tps. With "
                 "drop_intermediate a point is kept if it is the first or the last, or if the second "
                 "difference of fps or of tps there is non-zero. Then (0, 0) is prepended with "
                 "threshold +inf; fpr = fps/fps[-1], tpr = tps/tps[-1] (all NaN when that class is "
                 "absent). Non-finite numbers are stored as null: thresholds[0] is null for +inf.",
    "roc_auc": "auc(fpr, tpr) of roc_curve(drop_intermediate=True): numpy.trapezoid, the sum of "
               "diff(fpr) * (tpr[1:] + tpr[:-1]) / 2; ties count half. NaN (null here) when y_true "
               "has one class.",
    "precision_recall_curve": "Same tie groups as the ROC curve, before dropping. precision = "
                              "tps/(tps+fps), recall = tps/tps[-1] (all 1 when there is no positive). "
                              "Arrays are reversed (thresholds increasing, recall decreasing) and "
                              "precision 1, recall 0 appended without a threshold. drop_intermediate "
                              "keeps the first and last point and every point where tps differs from "
                              "a neighbour.",
    "average_precision": "max(0, -sum(diff(recall) * precision[:-1])) over precision_recall_curve "
                         "(drop_intermediate=False): the step-wise sum of (R_n - R_{n-1}) P_n, not "
                         "interpolated. Stored as pr_auc.",
    "pr_auc_trapezoid": "auc(recall, precision): trapezoid over the same curve; recall decreases, "
                        "so auc multiplies the (negative) trapezoid sum by -1.",
    "brier": "brier_score_loss: mean over rows of ((1-y) - (1-p))^2 + (y - p)^2, times 0.5 "
             "(scale_by_half='auto' for binary).",
    "log_loss": "log_loss(labels=[0, 1]): p is clipped to [eps, 1 - eps] with eps = 2.220446049250313e-16 "
                "(the dtype's machine epsilon), and so is 1 - p; mean of -log(p) for y = 1 and "
                "-log(1 - p) for y = 0. Without labels= sklearn raises when y_true has one class.",
    "calibration_curve": "Edges: uniform = numpy.linspace(0, 1, n_bins + 1) (k * (1/n_bins), last "
                         "exactly 1); quantile = numpy.percentile(p, linspace(0, 1, n_bins + 1) * 100) "
                         "with method 'linear'. bin = searchsorted(edges[1:-1], p, side='left'), so a "
                         "score equal to an inner edge falls in the lower bin. prob_pred = sum of p "
                         "in the bin (summed in row order) / count, prob_true = positives / count; "
                         "empty bins are left out. counts are the non-empty bins' row counts.",
    "lift": "Not in sklearn; computed with numpy. Rows sorted by score descending, ties in row order "
            "(argsort(-score, kind='stable')), split into 10 groups with numpy.array_split (the first "
            "n mod 10 groups have one row more). Per group: rows, positives, response_rate = "
            "positives/rows, lift = response_rate / (all positives / n), cumulative_gain = "
            "cumulative positives / all positives, cumulative_lift = (cumulative positives / "
            "cumulative rows) / (all positives / n). A ratio whose denominator is 0 is 0.",
}


# --------------------------------------------------------------------------- output


def versions():
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
    }


def clean(obj):
    """Plain Python for JSON; NaN and infinities become null."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [clean(v) for v in obj.tolist()]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return None if (math.isnan(v) or math.isinf(v)) else v
    return obj


def render(obj, level=0):
    """Indented JSON with every list of scalars on one line (floats as Python repr, full precision)."""
    pad = "  " * (level + 1)
    if isinstance(obj, dict):
        items = [pad + json.dumps(k) + ": " + render(v, level + 1) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}" if items else "{}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return "[\n" + ",\n".join(pad + render(v, level + 1) for v in obj) + "\n" + "  " * level + "]"
    return json.dumps(obj, allow_nan=False)


def require(condition, message):
    if not condition:
        raise SystemExit("check failed: " + message)


# --------------------------------------------------------------------------- cases


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def informative_scores(rng, labels, separation):
    """Probabilities that rank positives higher on average: sigmoid(separation * (y - 0.5) + N(0, 1))."""
    return sigmoid(separation * (labels - 0.5) + rng.standard_normal(len(labels)))


def make_cases():
    cases = []

    def add(name, description, labels, scores):
        labels = np.asarray(labels, dtype=np.int64)
        scores = np.asarray(scores, dtype=np.float64)
        require(labels.shape == scores.shape and len(labels) >= 10, name + ": shape")
        require(np.all((scores >= 0) & (scores <= 1)), name + ": scores in [0, 1]")
        cases.append({"name": name, "description": description, "labels": labels, "scores": scores})

    add("small_n10",
        "10 rows by hand: one tie between a positive and a negative (0.7), one between two negatives (0.4)",
        [0, 1, 0, 1, 1, 0, 0, 1, 0, 1],
        [0.9, 0.8, 0.7, 0.7, 0.6, 0.4, 0.4, 0.3, 0.2, 0.1])

    rng = np.random.default_rng(20250601)
    y = (rng.random(1000) < 0.3).astype(np.int64)
    add("continuous_n1000", "1000 rows, 30 % positives, sigmoid(2(y - 0.5) + N(0, 1)) at full precision",
        y, informative_scores(rng, y, 2.0))

    rng = np.random.default_rng(20250602)
    y = (rng.random(2000) < 0.4).astype(np.int64)
    add("ties_1dp_n2000", "2000 rows, 40 % positives, informative scores rounded to 1 decimal (heavy ties)",
        y, np.round(informative_scores(rng, y, 1.5), 1))

    rng = np.random.default_rng(20250603)
    add("all_equal_n50", "50 rows, 40 % positives, every score 0.5",
        rng.permutation(np.r_[np.ones(20), np.zeros(30)]).astype(np.int64), np.full(50, 0.5))

    rng = np.random.default_rng(20250604)
    y = rng.permutation(np.r_[np.ones(35), np.zeros(65)]).astype(np.int64)
    s = np.where(y == 1, rng.uniform(0.6, 1.0, 100), rng.uniform(0.0, 0.4, 100))
    add("perfect_n100", "100 rows, 35 positives all scored above every negative (4 decimals)", y, np.round(s, 4))

    rng = np.random.default_rng(20250605)
    y = rng.permutation(np.r_[np.ones(35), np.zeros(65)]).astype(np.int64)
    s = np.where(y == 1, rng.uniform(0.0, 0.4, 100), rng.uniform(0.6, 1.0, 100))
    add("inverted_n100", "100 rows, 35 positives all scored below every negative (4 decimals)", y, np.round(s, 4))

    rng = np.random.default_rng(20250606)
    y = np.zeros(5000, dtype=np.int64)
    y[rng.choice(5000, 250, replace=False)] = 1
    add("imbalanced_5pct_n5000", "5000 rows, 250 positives (5 %), informative scores rounded to 6 decimals",
        y, np.round(informative_scores(rng, y, 2.5) * 0.3, 6))

    rng = np.random.default_rng(20250607)
    y = (rng.random(37) < 0.5).astype(np.int64)
    s = y.astype(np.float64)
    flip = rng.choice(37, 6, replace=False)
    s[flip] = 1.0 - y[flip]
    add("hard_01_n37", "37 rows, scores exactly 0 or 1 with 6 wrong (log loss clipping; n not a multiple of 10)",
        y, s)

    add("bin_edges_n13",
        "13 rows whose scores sit on calibration bin edges (0, 0.1, …, 1 and 0.30000000000000004)",
        [0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1],
        [0.0, 0.1, 0.2, 0.3, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.25])

    rng = np.random.default_rng(20250608)
    add("all_negative_n20", "20 rows, no positive: ROC undefined (NaN), average precision 0",
        np.zeros(20, dtype=np.int64), np.round(rng.random(20), 2))

    return cases


# --------------------------------------------------------------------------- references


def thresholds_for(scores):
    """0.5, 0.3, one score of the data (so some scores equal the threshold) and 1.5 (nothing is
    predicted 1: precision and F1 are 0/0, i.e. zero_division)."""
    return [0.5, 0.3, float(np.sort(scores)[len(scores) // 2]), 1.5]


def thresholded(y, s, t):
    y_pred = (s >= t).astype(np.int64)
    cm = confusion_matrix(y, y_pred, labels=[0, 1])
    (tn, fp), (fn, tp) = cm.tolist()
    return {
        "threshold": t,
        "confusion_matrix": cm,
        "true_negatives": tn, "false_positives": fp, "false_negatives": fn, "true_positives": tp,
        "precision": precision_score(y, y_pred, zero_division=0),
        "recall": recall_score(y, y_pred, zero_division=0),
        "f1": f1_score(y, y_pred, zero_division=0),
        "accuracy": accuracy_score(y, y_pred),
        "specificity": recall_score(y, y_pred, pos_label=0, zero_division=0),
    }


def roc(y, s, drop):
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=drop)
    require(thr[0] == np.inf, "roc thresholds start at +inf")
    return {"fpr": fpr, "tpr": tpr, "thresholds": thr}


def pr(y, s, drop):
    precision, recall, thr = precision_recall_curve(y, s, drop_intermediate=drop)
    return {"precision": precision, "recall": recall, "thresholds": thr}


def calibration(y, s):
    out = []
    for strategy in ("uniform", "quantile"):
        for n_bins in (5, 10):
            prob_true, prob_pred = calibration_curve(y, s, n_bins=n_bins, strategy=strategy)
            if strategy == "uniform":
                edges = np.linspace(0.0, 1.0, n_bins + 1)
            else:
                edges = np.percentile(s, np.linspace(0, 1, n_bins + 1) * 100)
            counts = np.bincount(np.searchsorted(edges[1:-1], s), minlength=n_bins)
            counts = counts[counts != 0]
            require(len(counts) == len(prob_true), "calibration counts")
            out.append({"strategy": strategy, "n_bins": n_bins, "edges": edges,
                        "prob_true": prob_true, "prob_pred": prob_pred, "counts": counts})
    return out


def ratio(a, b):
    return a / b if b != 0 else 0.0


def lift_table(y, s, groups=10):
    order = np.argsort(-s, kind="stable")
    chunks = np.array_split(y[order], groups)
    n, total = len(y), int(y.sum())
    overall = ratio(total, n)
    rows, cum_rows, cum_pos = [], 0, 0
    for k, chunk in enumerate(chunks):
        size, pos = len(chunk), int(chunk.sum())
        cum_rows += size
        cum_pos += pos
        rate = ratio(pos, size)
        rows.append({"group": k + 1, "rows": size, "positives": pos, "response_rate": rate,
                     "lift": ratio(rate, overall), "cumulative_rows": cum_rows, "cumulative_positives": cum_pos,
                     "cumulative_gain": ratio(cum_pos, total),
                     "cumulative_lift": ratio(ratio(cum_pos, cum_rows), overall)})
    return rows


# --------------------------------------------------------------------------- independent checks


def check_case(name, y, s, ref):
    n_pos = int(y.sum())
    if 0 < n_pos < len(y):
        # ROC-AUC as the Mann-Whitney statistic with mid-ranks (ties count half).
        ranks = rankdata(s)
        u = ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2
        mw = u / (n_pos * (len(y) - n_pos))
        require(abs(mw - ref["roc_auc"]) <= 1e-12, name + ": roc_auc vs Mann-Whitney")
    # Average precision from its definition: sum over distinct thresholds of ΔR · P.
    if n_pos > 0:
        ap, prev_recall = 0.0, 0.0
        for t in np.unique(s)[::-1]:
            sel = s >= t
            tp = int((y[sel] == 1).sum())
            recall = tp / n_pos
            ap += (recall - prev_recall) * tp / int(sel.sum())
            prev_recall = recall
        require(abs(ap - ref["pr_auc"]) <= 1e-12, name + ": average precision by definition")
    # Lift by a plain loop over the stably sorted rows.
    order = sorted(range(len(s)), key=lambda i: -s[i])
    base, extra = divmod(len(s), 10)
    start = 0
    for k, row in enumerate(ref["lift"]):
        size = base + (1 if k < extra else 0)
        require(row["rows"] == size and row["positives"] == sum(int(y[i]) for i in order[start:start + size]),
                name + ": lift group %d" % (k + 1))
        start += size


def reference(case):
    y, s = case["labels"], case["scores"]
    with warnings.catch_warnings():
        # Single-class cases warn (roc_auc is NaN, recall set to one); everything else must be silent.
        warnings.simplefilter("error" if 0 < y.sum() < len(y) else "ignore")
        out = {
            "roc_auc": roc_auc_score(y, s),
            "pr_auc": average_precision_score(y, s),
            "brier": brier_score_loss(y, s),
            "log_loss": log_loss(y, s, labels=[0, 1]),
            "thresholded": [thresholded(y, s, t) for t in thresholds_for(s)],
            "roc_curve": roc(y, s, True),
            "calibration": calibration(y, s),
            "lift": lift_table(y, s),
        }
        full_roc = roc(y, s, False)
        out["roc_curve_all_points_length"] = len(full_roc["thresholds"])
        full = pr(y, s, False)
        out["pr_auc_trapezoid"] = auc(full["recall"], full["precision"])
        out["pr_curve_length"] = len(full["thresholds"])
        if len(y) <= FULL_CURVES_MAX_N:
            out["roc_curve_all_points"] = full_roc
            out["pr_curve"] = full
        out["pr_curve_thinned"] = pr(y, s, True)
    check_case(case["name"], y, s, out)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, GOLDEN_REL), help="output directory")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    cases = []
    for case in make_cases():
        ref = reference(case)
        cases.append({"name": case["name"], "description": case["description"], "n": len(case["labels"]),
                      "positives": int(case["labels"].sum()),
                      "labels": "".join(str(v) for v in case["labels"]), "scores": case["scores"], **ref})
    doc = {
        "generator": GENERATOR,
        "versions": versions(),
        "tolerance": {"relative": 1e-12, "absolute": 1e-15,
                      "note": "metrics and curve values; curve lengths, thresholds and counts are exact"},
        "semantics": SEMANTICS,
        "cases": cases,
    }
    text = render(clean(doc)) + "\n"
    json.loads(text)
    path = os.path.join(args.out, "metrics.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    size = len(text.encode("utf-8"))
    print("wrote %s (%d bytes)" % (os.path.relpath(path), size))
    require(size < MAX_BYTES, "metrics.json is %d bytes" % size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
