#!/usr/bin/env python3
"""Write the golden files for CLVSegments (issue 5): SQL NTILE, K-Means, cluster metrics,
agglomerative clustering, MiniSom and an RFM scoring query.

Run from the repository root with the golden venv's python
(see Scripts/golden/setup-venv.sh):

    "$(Scripts/golden/setup-venv.sh | tail -n 1)" Scripts/golden/segments_reference.py [--out DIR]

Writes into Tests/CLVSegmentsTests/Golden/ (or DIR):

    ntile.json            NTILE(n) OVER (ORDER BY value ASC|DESC, id ASC), run by Python's sqlite3
    kmeans.json           sklearn KMeans(init=<given rows>, n_init=1, max_iter=300, tol=0, algorithm="lloyd")
    cluster_metrics.json  sklearn silhouette_score/samples, calinski_harabasz_score, davies_bouldin_score
    agglomerative.json    sklearn AgglomerativeClustering(ward|complete|average|single, compute_distances=True)
    som.json              MiniSom 2.3.6 trained from given initial weights, plus the exact update rule
    rfm_scores.json       RFM scores through SQLite NTILE(5) on 200 customers with many ties

Every data set comes from a seeded numpy Generator (PCG64) and is written into the files,
so the files do not depend on numpy's random streams staying the same. Two runs give the
same bytes. Each reference result is also re-computed by a small independent
implementation in this script (plain Python/numpy, no sklearn/MiniSom), and the largest
difference is stored in the file's "checks"; the script stops if one is too large, or if
an assignment, a winner or a merge is decided by a near-tie (so a correct implementation
in another language cannot come out differently by rounding).
"""

import argparse
import importlib.metadata
import json
import math
import os
import platform
import sqlite3
import sys
import warnings

import numpy as np
from scipy.spatial.distance import cdist
from threadpoolctl import threadpool_limits

import sklearn
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
    silhouette_score,
)
from minisom import MiniSom

GENERATOR = "Scripts/golden/segments_reference.py"
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(SCRIPT_DIR))
GOLDEN_REL = "Tests/CLVSegmentsTests/Golden"

# A decision (nearest centre, SOM winner, next merge) counts as a near-tie below this
# relative gap; the script refuses such data.
MIN_RELATIVE_GAP = 1e-9


# --------------------------------------------------------------------------- output


def versions():
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "minisom": importlib.metadata.version("MiniSom"),
        "sqlite": sqlite3.sqlite_version,
    }


def clean(obj):
    """Convert numpy scalars/arrays to plain Python; refuse non-finite floats."""
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
        if math.isnan(v) or math.isinf(v):
            raise ValueError("non-finite value in golden output")
        return v
    return obj


def _is_scalar(v):
    return not isinstance(v, (dict, list))


def render(obj, level=0):
    """JSON with dicts indented, scalar lists on one line, nested lists (and lists of long strings) one item per line.

    Floats go through json.dumps, i.e. Python repr: the shortest string that
    round-trips, so the doubles are stored at full precision.
    """
    pad = "  " * (level + 1)
    end = "  " * level
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [pad + json.dumps(k, ensure_ascii=False) + ": " + render(v, level + 1) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(obj, list):
        if all(_is_scalar(v) for v in obj) and not any(isinstance(v, str) and len(v) > 40 for v in obj):
            return json.dumps(obj, ensure_ascii=False)
        if all(isinstance(v, list) for v in obj) or all(_is_scalar(v) for v in obj):
            return "[\n" + ",\n".join(pad + json.dumps(v, ensure_ascii=False) for v in obj) + "\n" + end + "]"
        return "[\n" + ",\n".join(pad + render(v, level + 1) for v in obj) + "\n" + end + "]"
    return json.dumps(obj, ensure_ascii=False)


def write_golden(out_dir, name, doc):
    head = {"generator": GENERATOR, "versions": versions()}
    head.update(doc)
    text = render(clean(head)) + "\n"
    json.loads(text)  # self-check
    path = os.path.join(out_dir, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    size = len(text.encode("utf-8"))
    print("wrote %s (%d bytes)" % (os.path.relpath(path), size))
    if size >= 300_000:
        raise SystemExit("%s is too large (%d bytes)" % (name, size))
    return path


def require(cond, msg):
    if not cond:
        raise SystemExit("check failed: " + msg)


def max_rel_diff(a, b):
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


# --------------------------------------------------------------------------- data sets


def shuffled(rng, X, labels):
    perm = rng.permutation(len(X))
    return X[perm], labels[perm]


def blobs(seed, centers, sizes, std, decimals):
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=float)
    parts, labels = [], []
    for c, (center, size) in enumerate(zip(centers, sizes)):
        parts.append(center + std * rng.standard_normal((size, centers.shape[1])))
        labels += [c] * size
    X, y = shuffled(rng, np.vstack(parts), np.asarray(labels))
    return np.round(X, decimals), y


def dataset_separated():
    """60 rows, 3-D, three well separated blobs (std 0.6, centres 6 apart), 4 decimals."""
    X, y = blobs(20240501, [[0, 0, 0], [6, 6, 0], [0, 6, 6]], [20, 22, 18], 0.6, 4)
    return {"name": "separated_3d", "X": X, "truth": y,
            "description": "3 well-separated gaussian blobs in 3-D (centres (0,0,0), (6,6,0), (0,6,6), std 0.6, "
                           "sizes 20/22/18), shuffled, rounded to 4 decimals"}


def dataset_overlapping():
    """100 rows, 4-D, four overlapping blobs (std 1.0, centres about 2 apart), 4 decimals."""
    X, y = blobs(20240502, [[0, 0, 0, 0], [2, 1, 0, 1], [0, 2, 2, 0], [2, 2, 1, 2]], [30, 25, 25, 20], 1.0, 4)
    return {"name": "overlapping_4d", "X": X, "truth": y,
            "description": "4 overlapping gaussian blobs in 4-D (centres (0,0,0,0), (2,1,0,1), (0,2,2,0), "
                           "(2,2,1,2), std 1.0, sizes 30/25/25/20), shuffled, rounded to 4 decimals"}


def dataset_rfm_lognormal():
    """150 rows, 3-D, skewed RFM-like columns (log-normal), 2 decimals."""
    rng = np.random.default_rng(20240503)
    n = 150
    recency = rng.lognormal(3.5, 0.9, n)
    frequency = rng.lognormal(1.0, 0.7, n)
    monetary = rng.lognormal(4.5, 1.1, n)
    X = np.round(np.column_stack([recency, frequency, monetary]), 2)
    return {"name": "rfm_lognormal", "X": X, "truth": None,
            "description": "150 rows of skewed RFM-like values, columns lognormal(3.5, 0.9), lognormal(1.0, 0.7), "
                           "lognormal(4.5, 1.1) (recency-like, frequency-like, monetary-like), rounded to 2 decimals"}


def dataset_duplicates():
    """80 rows, 4-D, small integers drawn from 18 distinct rows: many duplicate rows and ties."""
    rng = np.random.default_rng(20240504)
    pool = rng.integers(0, 10, size=(18, 4)).astype(float)
    require(len(np.unique(pool, axis=0)) == 18, "duplicate pool rows are distinct")
    idx = rng.integers(0, 18, size=80)
    X = pool[idx]
    return {"name": "duplicates_int", "X": X, "truth": None,
            "description": "80 rows of integers 0..9 in 4-D, each drawn (with replacement) from a pool of 18 "
                           "distinct rows: many duplicate rows and equal coordinates"}


def first_occurrences(X):
    """Indices of the first occurrence of each distinct row, in row order."""
    seen, out = set(), []
    for i, row in enumerate(X):
        key = tuple(row.tolist())
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


# --------------------------------------------------------------------------- NTILE (SQLite)

NTILE_SQL_TEMPLATE = "SELECT id, NTILE({n_tiles}) OVER (ORDER BY value {direction}, id ASC) AS ntile FROM t"
NTILE_TABLE_SQL = "CREATE TABLE t (id TEXT NOT NULL, value REAL NOT NULL)"


def ntile_sql(ids, values, n_tiles, descending):
    con = sqlite3.connect(":memory:")
    con.execute(NTILE_TABLE_SQL)
    con.executemany("INSERT INTO t (id, value) VALUES (?, ?)", [(i, float(v)) for i, v in zip(ids, values)])
    sql = NTILE_SQL_TEMPLATE.format(n_tiles=int(n_tiles), direction="DESC" if descending else "ASC")
    got = dict(con.execute(sql).fetchall())
    con.close()
    return sql, [got[i] for i in ids]


def ntile_python(keys_in_order, n_tiles):
    """NTILE over rows already sorted: the first (n mod k) tiles get one row more."""
    n = len(keys_in_order)
    q, r = divmod(n, n_tiles)
    out = {}
    pos = 0
    for tile in range(1, min(n_tiles, n) + 1):
        size = q + (1 if tile <= r else 0)
        for _ in range(size):
            out[keys_in_order[pos]] = tile
            pos += 1
    return out


def ntile_reference(ids, values, n_tiles, descending):
    # SQLite's BINARY collation compares the UTF-8 bytes; for ASCII ids that is Python's str order.
    order = sorted(range(len(ids)), key=lambda i: ((-values[i]) if descending else values[i], ids[i].encode("utf-8")))
    tiles = ntile_python(order, n_tiles)
    return [tiles[i] for i in range(len(ids))]


def make_ntile():
    rng = np.random.default_rng(20240510)
    cases = []

    def padded_ids(n, start=1):
        nums = rng.permutation(np.arange(start, start + n))
        return ["C%04d" % k for k in nums]

    def add(name, n_tiles, descending, ids, values, note):
        values = [float(v) for v in values]
        sql, got = ntile_sql(ids, values, n_tiles, descending)
        ref = ntile_reference(ids, values, n_tiles, descending)
        require(got == ref, "NTILE %s: sqlite and python disagree" % name)
        distinct = len(set(values))
        cases.append({"name": name, "note": note, "n_tiles": n_tiles, "descending": descending,
                      "sql": sql, "n_rows": len(ids), "distinct_values": distinct,
                      "ids": ids, "values": values, "ntile": got})

    # No ties, n divisible by n_tiles.
    add("no_ties_divisible_desc_4", 4, True, padded_ids(20),
        np.round(rng.uniform(0, 100, 20), 3), "20 distinct values, 4 tiles of 5")
    # No ties, n not divisible.
    add("no_ties_not_divisible_asc_5", 5, False, padded_ids(23),
        np.round(rng.uniform(0, 1000, 23), 2), "23 distinct values, 5 tiles: sizes 5,5,5,4,4")
    add("no_ties_not_divisible_desc_3", 3, True, padded_ids(17),
        np.round(rng.lognormal(3, 1, 17), 2), "17 distinct values, 3 tiles: sizes 6,6,5")
    # Many ties: integer frequencies with many 1s.
    freq = rng.geometric(0.55, 43)
    add("many_ties_frequency_asc_5", 5, False, padded_ids(43), freq,
        "43 integer frequencies (geometric, many 1s): tiles split runs of equal values by id")
    freq = rng.geometric(0.5, 37)
    add("many_ties_frequency_desc_10", 10, True, padded_ids(37), freq,
        "37 integer frequencies, 10 tiles: sizes 4 x7 then 3 x3")
    add("many_ties_recency_desc_4", 4, True, padded_ids(30), rng.integers(0, 6, 30) * 30.0,
        "30 recency-like values from {0,30,...,150}, descending (recency scoring)")
    add("all_equal_asc_3", 3, False, padded_ids(10), [5.0] * 10,
        "all 10 values equal: the tiles are decided by id alone")
    # ids that are not zero-padded: string order, not numeric order ("C10" < "C2").
    nums = rng.permutation(np.array([1, 2, 3, 9, 10, 11, 20, 100, 101, 1000, 12, 25]))
    add("unpadded_ids_string_order_asc_4", 4, False, ["C%d" % k for k in nums], [1.0, 2.0] * 6,
        "ids are not zero-padded: ties are broken by string (byte) order, so C10 < C100 < C1000 < C11 < C2")
    add("fewer_rows_than_tiles_desc_5", 5, True, padded_ids(3), [10.0, 30.0, 20.0],
        "3 rows, 5 tiles: tiles 1..3, tiles 4 and 5 are empty")
    add("fewer_rows_than_tiles_ties_asc_5", 5, False, padded_ids(3), [7.0, 7.0, 7.0],
        "3 equal rows, 5 tiles: order by id")
    add("single_row_asc_4", 4, False, ["C0042"], [12.5], "a single row is in tile 1")
    add("single_row_desc_10", 10, True, ["C0001"], [0.0], "a single row is in tile 1")
    return {
        "description": "SQL NTILE semantics as run by SQLite (Python sqlite3): rows sorted by value (ASC or DESC), "
                       "ties broken by id ASC; NTILE(k) then puts the first (n mod k) tiles at floor(n/k)+1 rows and "
                       "the rest at floor(n/k) rows, tile numbers 1..min(k, n). ntile[i] belongs to row i in the "
                       "order given (the rows are not sorted).",
        "table_sql": NTILE_TABLE_SQL,
        "sql": NTILE_SQL_TEMPLATE,
        "id_collation": "SQLite BINARY: ids compared by their UTF-8 bytes (memcmp, then length); all ids here are ASCII",
        "checks": {"independent_python_ntile": "identical for every case"},
        "cases": cases,
    }


# --------------------------------------------------------------------------- K-Means


def naive_lloyd(X, init, max_iter=300):
    """Lloyd with direct squared distances; mirrors sklearn's loop and stopping rule for tol=0."""
    centers = init.copy()
    labels_old = None
    min_gap = math.inf
    for i in range(max_iter):
        d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        order = np.sort(d2, axis=1)
        gap = (order[:, 1] - order[:, 0]) / np.maximum(order[:, 1], 1e-300)
        min_gap = min(min_gap, float(gap.min()))
        labels = d2.argmin(axis=1)
        counts = np.bincount(labels, minlength=len(centers))
        require(np.all(counts > 0), "k-means: an empty cluster (the reference would relocate it)")
        new = np.vstack([X[labels == c].mean(axis=0) for c in range(len(centers))])
        centers = new
        if labels_old is not None and np.array_equal(labels, labels_old):
            break
        labels_old = labels
    inertia = float(((X - centers[labels]) ** 2).sum())
    return labels, centers, inertia, i + 1, min_gap


def make_kmeans(datasets):
    specs = [
        ("separated_3d_k3", datasets["separated_3d"], 3, 7301),
        ("overlapping_4d_k6", datasets["overlapping_4d"], 6, 7302),
        ("rfm_lognormal_k4", datasets["rfm_lognormal"], 4, 7303),
        ("duplicates_int_k2", datasets["duplicates_int"], 2, 7304),
    ]
    cases, checks = [], {}
    for name, ds, k, seed in specs:
        X = ds["X"]
        candidates = first_occurrences(X)
        rng = np.random.default_rng(seed)
        rows = sorted(int(r) for r in rng.choice(candidates, size=k, replace=False))
        init = X[rows].copy()
        km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=300, tol=0.0, algorithm="lloyd")
        km.fit(X)
        labels, centers, inertia, n_iter, gap = naive_lloyd(X, init)
        require(np.array_equal(labels, km.labels_), "k-means %s: labels differ from the naive Lloyd" % name)
        require(n_iter == km.n_iter_, "k-means %s: n_iter %d vs %d" % (name, n_iter, km.n_iter_))
        require(gap > MIN_RELATIVE_GAP, "k-means %s: near-tie in an assignment (%g)" % (name, gap))
        dc = max_rel_diff(km.cluster_centers_, centers)
        di = max_rel_diff([km.inertia_], [inertia])
        require(dc < 1e-12 and di < 1e-12, "k-means %s: centres/inertia differ (%g, %g)" % (name, dc, di))
        require(km.n_iter_ < 300, "k-means %s did not converge" % name)
        checks[name] = {"naive_lloyd_labels_and_n_iter": "identical", "centers_max_rel_diff": dc,
                        "inertia_rel_diff": di, "min_relative_assignment_gap": gap}
        cases.append({
            "name": name, "dataset": ds["name"], "dataset_description": ds["description"],
            "n_clusters": k, "init_rule": "init = data rows init_rows, which numpy.random.default_rng(%d).choice("
                                          "first_occurrence_rows, size=%d, replace=False) picked (sorted ascending), "
                                          "where first_occurrence_rows are the indices of the first occurrence of "
                                          "each distinct row" % (seed, k),
            "init_rows": rows, "data": X, "init": init,
            "labels": km.labels_, "centers": km.cluster_centers_, "inertia": km.inertia_, "n_iter": km.n_iter_,
        })
    return {
        "description": "sklearn.cluster.KMeans(n_clusters=k, init=<init>, n_init=1, max_iter=300, tol=0, "
                       "algorithm='lloyd').fit(data): labels_, cluster_centers_, inertia_, n_iter_",
        "semantics": [
            "One iteration = assign every row to its nearest centre (squared Euclidean distance; ties to the lower "
            "centre index), then move every centre to the mean of its rows. Label c belongs to init[c].",
            "Stopping (tol = 0): after iteration i (0-based) stop if the labels equal those of iteration i-1 "
            "(strict convergence); n_iter = i + 1. So n_iter counts the final pass that changed nothing; if the "
            "first assignment is already final, n_iter = 2.",
            "centers are the means of the final labels (the last update, which equals the previous centres at "
            "strict convergence); inertia = sum over rows of the squared distance to its centre.",
            "No cluster becomes empty in these cases (sklearn would relocate it), and no row is near-equidistant "
            "from two centres in any iteration (see checks.min_relative_assignment_gap).",
            "sklearn centres the data (subtracts the column means) before iterating and adds them back, so "
            "centres and inertia can differ from a direct computation in the last bits: compare with a relative "
            "tolerance of about 1e-9; labels and n_iter exactly.",
        ],
        "checks": checks,
        "cases": cases,
    }


# --------------------------------------------------------------------------- cluster metrics


def naive_metrics(X, labels):
    D = cdist(X, X)  # direct differences
    ks = sorted(set(labels.tolist()))
    n = len(X)
    s = np.zeros(n)
    for i in range(n):
        own = labels == labels[i]
        n_own = own.sum()
        if n_own == 1:
            s[i] = 0.0
            continue
        a = D[i, own].sum() / (n_own - 1)
        b = min(D[i, labels == c].mean() for c in ks if c != labels[i])
        s[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    mean = X.mean(axis=0)
    cents = {c: X[labels == c].mean(axis=0) for c in ks}
    W = sum(((X[labels == c] - cents[c]) ** 2).sum() for c in ks)
    B = sum((labels == c).sum() * ((cents[c] - mean) ** 2).sum() for c in ks)
    k = len(ks)
    ch = 1.0 if W == 0 else B * (n - k) / (W * (k - 1))
    S = {c: np.sqrt(((X[labels == c] - cents[c]) ** 2).sum(axis=1)).mean() for c in ks}
    db = np.mean([max((S[c] + S[d]) / np.linalg.norm(cents[c] - cents[d]) for d in ks if d != c) for c in ks])
    return s, float(s.mean()), float(ch), float(db)


def make_metrics(datasets, kmeans_doc):
    km_labels = {c["name"]: np.asarray(c["labels"]) for c in kmeans_doc["cases"]}
    sep, ovl, rfm, dup = (datasets[k] for k in ("separated_3d", "overlapping_4d", "rfm_lognormal", "duplicates_int"))

    # singleton: the row with the largest monetary value is a cluster of its own; the rest split at the
    # median frequency.
    X = rfm["X"]
    top = int(np.argmax(X[:, 2]))
    singleton_labels = np.where(X[:, 1] > np.median(X[:, 1]), 1, 0)
    singleton_labels[top] = 2
    # duplicates: three clusters by the first coordinate (<3, 3..5, >=6): clusters hold duplicate rows.
    dup_labels = np.digitize(dup["X"][:, 0], [3, 6])
    # two clusters: monetary above its 75th percentile.
    two_labels = (rfm["X"][:, 2] > np.percentile(rfm["X"][:, 2], 75)).astype(int)

    specs = [
        ("separated_3d_kmeans_k3", sep, km_labels["separated_3d_k3"], "labels of kmeans.json case separated_3d_k3"),
        ("overlapping_4d_true_labels", ovl, ovl["truth"],
         "the generating blob of each row (4 clusters; overlapping, so some silhouettes are negative)"),
        ("rfm_lognormal_two_clusters", rfm, two_labels, "2 clusters: label 1 if monetary (column 3) > its 75th "
                                                        "percentile (numpy default, linear), else 0"),
        ("rfm_lognormal_with_singleton", rfm, singleton_labels,
         "3 clusters: row %d (largest monetary) alone in cluster 2; the rest 1 if frequency (column 2) > its "
         "median else 0. sklearn gives silhouette 0 to the row of a singleton cluster" % top),
        ("duplicates_int_three_clusters", dup, dup_labels,
         "3 clusters by the first column (<3 -> 0, 3..5 -> 1, >=6 -> 2); clusters contain duplicate rows "
         "(distance 0)"),
        ("duplicates_int_kmeans_k2", dup, km_labels["duplicates_int_k2"], "labels of kmeans.json case "
                                                                          "duplicates_int_k2"),
    ]
    cases, checks = [], {}
    for name, ds, labels, note in specs:
        X = ds["X"]
        labels = np.asarray(labels, dtype=int)
        sil_s = silhouette_samples(X, labels, metric="euclidean")
        sil = silhouette_score(X, labels, metric="euclidean")
        ch = calinski_harabasz_score(X, labels)
        db = davies_bouldin_score(X, labels)
        ns, nsil, nch, ndb = naive_metrics(X, labels)
        d = {"silhouette_samples_max_abs_diff": float(np.max(np.abs(ns - sil_s))),
             "silhouette_abs_diff": abs(nsil - sil),
             "calinski_harabasz_rel_diff": max_rel_diff([ch], [nch]),
             "davies_bouldin_rel_diff": max_rel_diff([db], [ndb])}
        require(max(d.values()) < 1e-9, "metrics %s: %r" % (name, d))
        checks[name] = d
        cases.append({"name": name, "dataset": ds["name"], "labels_rule": note,
                      "n_clusters": len(set(labels.tolist())),
                      "cluster_sizes": np.bincount(labels).tolist(),
                      "data": X, "labels": labels, "silhouette": sil, "silhouette_samples": sil_s,
                      "calinski_harabasz": ch, "davies_bouldin": db})
    return {
        "description": "sklearn.metrics silhouette_score(data, labels, metric='euclidean'), silhouette_samples "
                       "(same), calinski_harabasz_score, davies_bouldin_score",
        "semantics": [
            "silhouette_samples: a(i) = sum of distances from i to the other rows of its cluster / (size - 1); "
            "b(i) = min over the other clusters of the mean distance from i to that cluster's rows; "
            "s(i) = (b - a) / max(a, b); s(i) = 0 when i's cluster has one row (and 0/0 -> 0). "
            "silhouette_score = mean of s(i) over all rows.",
            "calinski_harabasz = [sum_c n_c |m_c - m|^2 / (k - 1)] / [sum_c sum_{i in c} |x_i - m_c|^2 / (n - k)] "
            "(1.0 if the within sum is 0).",
            "davies_bouldin = mean over clusters c of max_{d != c} (S_c + S_d) / |m_c - m_d|, with S_c the mean "
            "Euclidean distance of c's rows to its centroid m_c.",
            "sklearn computes Euclidean distances as sqrt(|x|^2 - 2 x.y + |y|^2): results differ from direct "
            "differences in the last bits (see checks); compare with about 1e-9 (absolute for silhouettes, "
            "relative for the two scores).",
            "rfm_lognormal_with_singleton: for the one-row cluster sklearn's S_c (distance of the row to its own "
            "centroid) comes out as about 2.2e-5 instead of 0 (the rounding residue of |x|^2 - 2 x.x + |x|^2 for "
            "|x| near 1400), which moves its davies_bouldin by about 4.5e-10 relative from the exact value; an exact "
            "implementation gives S_c = 0.",
        ],
        "checks": checks,
        "cases": cases,
    }


# --------------------------------------------------------------------------- agglomerative


def naive_linkage(X, method):
    """Greedy agglomeration from the linkage definitions (not Lance-Williams).

    Returns merges [(a, b, dist)] with node ids like scipy/sklearn (leaves 0..n-1, merge i makes n+i)
    and the smallest relative gap between the chosen and the next-best candidate distance.
    """
    n = len(X)
    D = cdist(X, X)
    members = {i: [i] for i in range(n)}
    merges, min_gap = [], math.inf

    def dist(a, b):
        ma, mb = members[a], members[b]
        if method == "single":
            return D[np.ix_(ma, mb)].min()
        if method == "complete":
            return D[np.ix_(ma, mb)].max()
        if method == "average":
            return D[np.ix_(ma, mb)].mean()
        ca, cb = X[ma].mean(axis=0), X[mb].mean(axis=0)
        na, nb = len(ma), len(mb)
        return math.sqrt(2.0 * na * nb / (na + nb)) * float(np.linalg.norm(ca - cb))

    next_id = n
    while len(members) > 1:
        ids = sorted(members)
        cand = sorted((dist(a, b), a, b) for ai, a in enumerate(ids) for b in ids[ai + 1:])
        d, a, b = cand[0]
        if len(cand) > 1:
            min_gap = min(min_gap, (cand[1][0] - d) / max(cand[1][0], 1e-300))
        merges.append((a, b, d))
        members[next_id] = members.pop(a) + members.pop(b)
        next_id += 1
    return merges, min_gap


def same_partition(l1, l2):
    pairs = set(zip(np.asarray(l1).tolist(), np.asarray(l2).tolist()))
    return len(pairs) == len(set(np.asarray(l1).tolist())) == len(set(np.asarray(l2).tolist()))


def agglomerative_datasets():
    # A: three 3-D blobs of different spread, 40 rows; B: 4-D integer grid data with duplicates, 48 rows.
    # Both get tiny seeded noise so that no two candidate merge distances are equal.
    rng = np.random.default_rng(20240520)
    centers = np.array([[0, 0, 0], [4, 0, 1], [1, 4, 3]], dtype=float)
    sizes, stds = [16, 14, 10], [0.5, 1.0, 0.8]
    parts = [c + s * rng.standard_normal((m, 3)) for c, m, s in zip(centers, sizes, stds)]
    A = np.vstack(parts)[rng.permutation(sum(sizes))]
    A = np.round(A, 3) + rng.uniform(-1e-4, 1e-4, A.shape)
    pool = rng.integers(0, 6, size=(16, 4)).astype(float)
    B = pool[rng.integers(0, 16, size=48)] + rng.uniform(-1e-3, 1e-3, (48, 4))
    return [
        {"name": "blobs_3d", "X": A,
         "description": "40 rows, 3 gaussian blobs in 3-D (centres (0,0,0), (4,0,1), (1,4,3), std 0.5/1.0/0.8, "
                        "sizes 16/14/10), rounded to 3 decimals, then uniform(-1e-4, 1e-4) noise added"},
        {"name": "grid_duplicates_4d", "X": B,
         "description": "48 rows drawn from 16 integer rows in {0..5}^4 (so many duplicates), then "
                        "uniform(-1e-3, 1e-3) noise added"},
    ]


def make_agglomerative():
    cases, checks = [], {}
    for ds in agglomerative_datasets():
        X = ds["X"]
        n = len(X)
        for linkage, k in (("ward", 3), ("complete", 3), ("average", 4), ("single", 2)):
            if ds["name"] == "grid_duplicates_4d":
                k = {"ward": 4, "complete": 5, "average": 3, "single": 6}[linkage]
            ac = AgglomerativeClustering(n_clusters=k, linkage=linkage, compute_distances=True).fit(X)
            children = np.asarray(ac.children_)
            distances = np.asarray(ac.distances_)
            require(children.shape == (n - 1, 2), "agglomerative: full tree expected")
            merges, gap = naive_linkage(X, linkage)
            name = "%s_%s_k%d" % (ds["name"], linkage, k)
            require(gap > MIN_RELATIVE_GAP, "agglomerative %s: near-tie between merges (%g)" % (name, gap))
            for step, ((a, b, d), pair) in enumerate(zip(merges, children.tolist())):
                require(sorted(pair) == sorted([a, b]), "agglomerative %s: merge %d differs" % (name, step))
            dd = max_rel_diff(distances, [m[2] for m in merges])
            require(dd < 1e-9, "agglomerative %s: distances differ (%g)" % (name, dd))
            if linkage != "single":
                require(all(a < b for a, b in children.tolist()), "children pairs are not [smaller, larger]")
            require(np.all(np.diff(distances) >= 0), "distances are not monotone")
            # the cut into k clusters: the last k-1 merges undone
            cut = cut_tree_labels(children, n, k)
            require(same_partition(cut, ac.labels_), "agglomerative %s: cut differs" % name)
            checks[name] = {"naive_merges": "identical (as unordered pairs)", "distances_max_rel_diff": dd,
                            "min_relative_merge_gap": gap, "labels_partition": "identical to cutting the tree"}
            cases.append({"name": name, "dataset": ds["name"], "dataset_description": ds["description"],
                          "data": X, "linkage": linkage, "n_clusters": k, "labels": ac.labels_,
                          "children": children, "distances": distances})
    return {
        "description": "sklearn.cluster.AgglomerativeClustering(n_clusters=k, linkage=L, compute_distances=True)"
                       ".fit(data): labels_, children_, distances_ (Euclidean metric; the full tree is built)",
        "semantics": [
            "children[i] = [a, b] are the two nodes merged at step i (0-based); leaves are rows 0..n-1 and step i "
            "creates node n + i. Steps are in the order of increasing distance (all four linkages are monotone). "
            "For ward, complete and average (scipy.cluster.hierarchy.linkage) a < b always; for single linkage "
            "sklearn builds the tree from a minimum spanning tree and [a, b] follows the orientation of the MST "
            "edge, so a > b happens: compare each pair as an unordered pair.",
            "distances[i] is the linkage distance of merge i: single = min, complete = max, average = mean of "
            "the Euclidean distances between the two clusters' rows; ward = sqrt(2 n_a n_b / (n_a + n_b)) * "
            "|centroid_a - centroid_b| (scipy's ward; for two single rows it is their distance).",
            "labels: the tree cut into n_clusters clusters (undo the last n_clusters - 1 merges). sklearn numbers "
            "the clusters in an order that comes from a heap (_hc_cut), not by first occurrence: compare labels "
            "as partitions (up to renaming).",
            "No exact or near ties: the data have tiny seeded noise (see dataset_description), and at every step "
            "the best candidate merge beats the next one by at least checks.min_relative_merge_gap (relative).",
        ],
        "checks": checks,
        "cases": cases,
    }


def cut_tree_labels(children, n, k):
    parent = list(range(2 * n - 1))

    def find(a):
        while parent[a] != a:
            a = parent[a]
        return a

    for i, (a, b) in enumerate(children[: n - k]):
        parent[a] = n + i
        parent[b] = n + i
    roots = [find(i) for i in range(n)]
    names = {r: j for j, r in enumerate(dict.fromkeys(roots))}
    return np.array([names[r] for r in roots])


# --------------------------------------------------------------------------- SOM

SOM_UPDATE_RULE = [
    "Notation: the map has x rows and y columns of units; unit (i, j), 0 <= i < x, 0 <= j < y, has weight vector "
    "w[i][j] of length input_len (the arrays are [x][y][input_len]). T = num_iteration, n = number of data rows.",
    "Training (MiniSom.train(data, T, random_order=False, verbose=False, use_epochs=False, fixed_points=None)): "
    "for t = 0, 1, ..., T-1 the row used is v = data[t mod n] (rows in file order, cycling), and the step's "
    "decay argument is t itself.",
    "Winner of v: the unit with the smallest Euclidean distance |v - w[i][j]| = sqrt(sum_k (v_k - w[i][j][k])^2), "
    "using the weights before this step's update. Ties go to the first unit in row-major order (smallest i, then "
    "smallest j): numpy argmin over the x-by-y array flattened in C order. (No ties or near-ties occur in these "
    "cases; see checks.)",
    "Decay (decay_function = sigma_decay_function = 'asymptotic_decay'): eta(t) = learning_rate / (1 + t / (T / 2)) "
    "and sig(t) = sigma / (1 + t / (T / 2)). At t = 0 they are learning_rate and sigma; they fall towards a third "
    "of that (reached at t = T, which is never used).",
    "Neighbourhood (gaussian, rectangular topology): grid coordinates are the plain integer indices (i, j), no "
    "offset and no scaling. With c = (ci, cj) the winner and d = 2 * sig(t) * sig(t): h[i][j] = "
    "exp(-(i - ci)^2 / d) * exp(-(j - cj)^2 / d), i.e. separable: the product of a gaussian in the row index and "
    "one in the column index, which equals exp(-((i - ci)^2 + (j - cj)^2) / (2 sig^2)). Not normalised (h = 1 at "
    "the winner) and not truncated: every unit is updated.",
    "Update: for every unit (i, j) and component k, w[i][j][k] <- w[i][j][k] + (h[i][j] * eta(t)) * (v_k - "
    "w[i][j][k]). MiniSom computes g = h * eta first, then g * (v - w), then adds it to w. Each unit's update uses "
    "only its own old weight, so the order over units does not matter.",
    "After training: winners[r] = winner of data[r] (same rule) under the final weights. quantization_error = "
    "mean over rows r of |data[r] - w[winner(r)]| (Euclidean, not squared).",
    "topographic_error (rectangular): for each row take the best and the second-best unit by Euclidean distance "
    "(MiniSom: argsort of sqrt(max(0, |v|^2 - 2 v.w + |w|^2)) over all units; no near-ties here, checked), with grid "
    "coordinates (i1, j1) and (i2, j2). The row is an error when sqrt((i1 - i2)^2 + (j1 - j2)^2) > 1.42, i.e. when "
    "the two units are not neighbours, diagonal neighbours counting as neighbours (error iff max(|i1 - i2|, "
    "|j1 - j2|) >= 2). topographic_error = number of error rows / n.",
    "The MiniSom constructor's own random initial weights (from random_seed) are discarded: initial_weights "
    "overwrite them before train. random_seed has no other effect with random_order=False.",
]

SOM_DECAY_FORMULAS = {
    "asymptotic_decay": "f(p0, t, T) = p0 / (1 + t / (T / 2))",
    "learning_rate(t)": "learning_rate / (1 + t / (num_iteration / 2))",
    "sigma(t)": "sigma / (1 + t / (num_iteration / 2))",
}


def som_reference(data, W0, sigma, lr, T):
    """Independent plain-Python implementation of SOM_UPDATE_RULE (math.exp, loops)."""
    x, y, m = W0.shape
    W = [[list(map(float, W0[i, j])) for j in range(y)] for i in range(x)]
    n = len(data)
    rows = [list(map(float, r)) for r in data]
    trace, min_gap = [], math.inf
    for t in range(T):
        v = rows[t % n]
        dists = [(math.sqrt(sum((v[k] - W[i][j][k]) ** 2 for k in range(m))), i, j) for i in range(x) for j in range(y)]
        best = min(dists)  # (distance, i, j): ties by row-major order
        s = sorted(d for d, _, _ in dists)
        min_gap = min(min_gap, (s[1] - s[0]) / s[1])
        ci, cj = best[1], best[2]
        trace.append([ci, cj])
        eta = lr / (1 + t / (T / 2))
        sig = sigma / (1 + t / (T / 2))
        d = 2 * sig * sig
        for i in range(x):
            for j in range(y):
                g = math.exp(-((i - ci) ** 2) / d) * math.exp(-((j - cj) ** 2) / d) * eta
                wij = W[i][j]
                for k in range(m):
                    wij[k] = wij[k] + g * (v[k] - wij[k])
    return np.array(W), trace, min_gap


def make_som(datasets):
    def minmax(X):
        lo, hi = X.min(axis=0), X.max(axis=0)
        return (X - lo) / (hi - lo)

    specs = [
        ("map3x3_separated_3d", minmax(datasets["separated_3d"]["X"]), "separated_3d", 3, 3, 1.0, 0.5, 500, 8801),
        ("map5x4_overlapping_4d", minmax(datasets["overlapping_4d"]["X"]), "overlapping_4d", 5, 4, 1.5, 0.5, 500,
         8802),
    ]
    cases, checks = [], {}
    for name, X, src, x, y, sigma, lr, T, seed in specs:
        m = X.shape[1]
        W0 = np.random.default_rng(seed).uniform(0.0, 1.0, size=(x, y, m))
        som = MiniSom(x, y, m, sigma=sigma, learning_rate=lr, decay_function="asymptotic_decay",
                      neighborhood_function="gaussian", topology="rectangular", activation_distance="euclidean",
                      random_seed=seed, sigma_decay_function="asymptotic_decay")
        som._weights = W0.copy()
        # the weights after the first step (t = 0), from an identical second map
        som1 = MiniSom(x, y, m, sigma=sigma, learning_rate=lr, decay_function="asymptotic_decay",
                       neighborhood_function="gaussian", topology="rectangular", activation_distance="euclidean",
                       random_seed=seed, sigma_decay_function="asymptotic_decay")
        som1._weights = W0.copy()
        som1.update(X[0], som1.winner(X[0]), 0, T)
        W1 = som1.get_weights().copy()

        som.train(X, T, random_order=False, verbose=False, use_epochs=False, fixed_points=None)
        W = som.get_weights().copy()
        winners = [list(map(int, som.winner(v))) for v in X]
        qe = float(som.quantization_error(X))
        te = float(som.topographic_error(X))

        # independent implementation of the stated rule
        Wr, trace, train_gap = som_reference(X, W0, sigma, lr, T)
        dW = float(np.max(np.abs(Wr - W)))
        require(dW < 1e-12, "som %s: the stated rule does not reproduce MiniSom (%g)" % (name, dW))
        require(train_gap > MIN_RELATIVE_GAP, "som %s: near-tie for a winner in training (%g)" % (name, train_gap))
        D = cdist(X, W.reshape(-1, m))
        Ds = np.sort(D, axis=1)
        final_gap12 = float(np.min((Ds[:, 1] - Ds[:, 0]) / Ds[:, 1]))
        final_gap23 = float(np.min((Ds[:, 2] - Ds[:, 1]) / Ds[:, 2]))
        require(min(final_gap12, final_gap23) > MIN_RELATIVE_GAP, "som %s: near-tie after training" % name)
        bmu = D.argmin(axis=1)
        second = np.argsort(D, axis=1, kind="stable")[:, 1]
        require([[int(b // y), int(b % y)] for b in bmu] == winners, "som %s: winners differ" % name)
        qe_ref = float(np.mean(D[np.arange(len(X)), bmu]))
        err = [max(abs(int(b // y) - int(s // y)), abs(int(b % y) - int(s % y))) >= 2 for b, s in zip(bmu, second)]
        te_ref = float(np.mean(err))
        require(abs(qe_ref - qe) < 1e-12 and te_ref == te, "som %s: qe/te differ" % name)
        checks[name] = {"independent_implementation_max_abs_weight_diff": dW,
                        "training_winners_min_relative_gap": train_gap,
                        "final_best_vs_second_min_relative_gap": final_gap12,
                        "final_second_vs_third_min_relative_gap": final_gap23,
                        "quantization_error_abs_diff": abs(qe_ref - qe), "topographic_error": "identical"}
        cases.append({
            "name": name,
            "data_description": "dataset %s (see kmeans.json / cluster_metrics.json) scaled per column to [0, 1]: "
                                "(v - min) / (max - min)" % src,
            "data": X, "x": x, "y": y, "input_len": m, "sigma": sigma, "learning_rate": lr, "num_iteration": T,
            "decay_function": "asymptotic_decay", "sigma_decay_function": "asymptotic_decay",
            "neighborhood_function": "gaussian", "topology": "rectangular", "activation_distance": "euclidean",
            "use_epochs": False, "random_order": False, "fixed_points": None, "random_seed": seed,
            "row_for_iteration": "data[t mod n] for t = 0 .. num_iteration - 1",
            "initial_weights_rule": "numpy.random.default_rng(%d).uniform(0, 1, size=(x, y, input_len))" % seed,
            "initial_weights": W0, "weights_after_iteration_1": W1, "weights": W, "winners": winners,
            "training_winners": trace, "quantization_error": qe, "topographic_error": te,
        })
    return {
        "description": "MiniSom(x, y, input_len, sigma, learning_rate, decay_function='asymptotic_decay', "
                       "neighborhood_function='gaussian', topology='rectangular', activation_distance='euclidean', "
                       "random_seed=seed, sigma_decay_function='asymptotic_decay'); weights overwritten with "
                       "initial_weights; train(data, num_iteration, random_order=False, verbose=False, "
                       "use_epochs=False, fixed_points=None); then winner(row) for each row, "
                       "quantization_error(data), topographic_error(data). weights[i][j] is unit (i, j), "
                       "i < x, j < y. training_winners[t] is the winner at step t (of row t mod n, before that "
                       "step's update); weights_after_iteration_1 are the weights after step t = 0.",
        "update_rule": SOM_UPDATE_RULE,
        "decay_formulas": SOM_DECAY_FORMULAS,
        "tolerance": "an independent implementation of update_rule matches the weights to checks' "
                     "max_abs_weight_diff; compare weights, quantization_error with about 1e-9 absolute; winners, "
                     "training_winners and topographic_error exactly",
        "checks": checks,
        "cases": cases,
    }


# --------------------------------------------------------------------------- RFM scores (SQLite)

RFM_TABLE_SQL = ("CREATE TABLE customers (id TEXT NOT NULL PRIMARY KEY, recency_days INTEGER NOT NULL, "
                 "frequency INTEGER NOT NULL, monetary REAL NOT NULL)")
RFM_SQL = """SELECT id, recency_days, frequency, monetary,
       NTILE(5) OVER (ORDER BY recency_days DESC, id ASC) AS r_score,
       NTILE(5) OVER (ORDER BY frequency ASC, id ASC) AS f_score,
       NTILE(5) OVER (ORDER BY monetary ASC, id ASC) AS m_score
FROM customers"""


def make_rfm():
    rng = np.random.default_rng(20240530)
    n = 200
    ids = ["C%04d" % k for k in rng.permutation(np.arange(1, n + 1))]
    # recency: whole weeks (many ties), skewed towards recent
    recency = (np.minimum(rng.geometric(0.08, n) - 1, 52) * 7).astype(int)
    frequency = rng.geometric(0.45, n).astype(int)  # many 1s
    prices = np.array([9.99, 19.99, 29.99, 49.99])
    monetary = [round(float(f * prices[rng.integers(0, 4)]), 2) for f in frequency]
    con = sqlite3.connect(":memory:")
    con.execute(RFM_TABLE_SQL)
    con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)",
                    [(i, int(r), int(f), float(m)) for i, r, f, m in zip(ids, recency, frequency, monetary)])
    got = {row[0]: row for row in con.execute(RFM_SQL).fetchall()}
    con.close()
    r_ref = ntile_reference(ids, [float(v) for v in recency], 5, True)
    f_ref = ntile_reference(ids, [float(v) for v in frequency], 5, False)
    m_ref = ntile_reference(ids, monetary, 5, False)
    customers = []
    for k, i in enumerate(ids):
        _, r, f, m, rs, fs, ms = got[i]
        require((rs, fs, ms) == (r_ref[k], f_ref[k], m_ref[k]), "rfm: sqlite and python disagree for %s" % i)
        customers.append({"id": i, "recency_days": r, "frequency": f, "monetary": m,
                          "r_score": rs, "f_score": fs, "m_score": ms})
    return {
        "description": "RFM scores through SQLite NTILE(5). NTILE numbers the tiles in sort order, so with ORDER BY "
                       "recency_days DESC the least recent customers (largest recency_days) get r_score 1 and the "
                       "most recent get 5; with ASC, f_score and m_score 5 are the highest values. Ties are split by id ASC "
                       "(string order). customers are in insertion order (ids shuffled), not sorted.",
        "table_sql": RFM_TABLE_SQL,
        "sql": RFM_SQL,
        "data_rule": "200 customers C0001..C0200 in shuffled order; recency_days = 7 * min(geometric(0.08) - 1, 52); "
                     "frequency = geometric(0.45) (>= 1, many 1s); monetary = round(frequency * price, 2), price "
                     "one of 9.99/19.99/29.99/49.99; numpy.random.default_rng(20240530)",
        "distinct_values": {"recency_days": len(set(recency.tolist())), "frequency": len(set(frequency.tolist())),
                            "monetary": len(set(monetary))},
        "checks": {"independent_python_ntile": "identical for all three scores"},
        "customers": customers,
    }


# --------------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, GOLDEN_REL), help="output directory")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    require(sqlite3.sqlite_version_info >= (3, 25, 0), "SQLite >= 3.25 (window functions) required")

    datasets = {d["name"]: d for d in (dataset_separated(), dataset_overlapping(), dataset_rfm_lognormal(),
                                       dataset_duplicates())}
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("error")  # no silent ConvergenceWarning or the like
        write_golden(args.out, "ntile.json", make_ntile())
        kmeans_doc = make_kmeans(datasets)
        write_golden(args.out, "kmeans.json", kmeans_doc)
        write_golden(args.out, "cluster_metrics.json", make_metrics(datasets, kmeans_doc))
        write_golden(args.out, "agglomerative.json", make_agglomerative())
        write_golden(args.out, "som.json", make_som(datasets))
        write_golden(args.out, "rfm_scores.json", make_rfm())
    return 0


if __name__ == "__main__":
    sys.exit(main())
