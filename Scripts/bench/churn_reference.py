#!/usr/bin/env python3
"""scikit-learn on the same churn features as `clv churn evaluate`, timed, for Scripts/bench/churn_benchmark.py.

    python churn_reference.py TRAIN.csv TEST.csv

TRAIN/TEST.csv are `clv features` outputs (customer_id, cutoff, label, features…). Loading is not timed.
Each classifier gets the settings `clv churn` uses: LogisticRegression(C=1) and LinearSVC(C=1) on
standardized features, MLPClassifier((32,), max_iter=30, early_stopping), DecisionTree(max_depth=6,
min_samples_leaf=20), RandomForest(100 trees, max_depth=10, min_samples_leaf=5, n_jobs=2),
GradientBoosting(100 stages, depth 3). Prints one JSON object: training seconds and test ROC-AUC.
"""
import json, sys, time, warnings

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

warnings.filterwarnings("ignore")


def load(path, columns=None):
    df = pd.read_csv(path, dtype={"customer_id": str})
    x = df.drop(columns=["customer_id", "cutoff", "label"])
    if columns is not None:
        x = x.reindex(columns=columns, fill_value=0.0)
    return x.to_numpy(dtype=float), df["label"].to_numpy(dtype=int), list(x.columns)


def main():
    xt, yt, names = load(sys.argv[1])
    xs, ys, _ = load(sys.argv[2], names)
    models = {
        "logistic": make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)),
        "linear-svm": make_pipeline(StandardScaler(), LinearSVC(C=1.0)),
        "mlp": make_pipeline(StandardScaler(), MLPClassifier((32,), max_iter=30, early_stopping=True, random_state=1)),
        "tree": DecisionTreeClassifier(max_depth=6, min_samples_leaf=20, random_state=1),
        "forest": RandomForestClassifier(n_estimators=100, max_depth=10, min_samples_leaf=5, n_jobs=2, random_state=1),
        "gbt": GradientBoostingClassifier(n_estimators=100, max_depth=3, learning_rate=0.1, random_state=1),
    }
    out = {"rows": int(len(yt)), "features": len(names), "seconds": {}, "roc_auc": {}}
    for name, model in models.items():
        t0 = time.perf_counter()
        model.fit(xt, yt)
        out["seconds"][name] = time.perf_counter() - t0
        score = model.decision_function(xs) if name == "linear-svm" else model.predict_proba(xs)[:, 1]
        out["roc_auc"][name] = float(roc_auc_score(ys, score))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
