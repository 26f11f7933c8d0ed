#!/usr/bin/env python3
"""The pandas / scikit-learn way of doing what `clv segment` does, timed, for Scripts/bench/segment_benchmark.py.

    python segments_reference.py SUMMARY.csv [--kmeans]

SUMMARY.csv is `clv summary --freq day --time-unit day` of the benchmark log (customer_id, recency, T, orders,
total_spend …). Loading is not timed. Timed: RFM scores (NTILE semantics: rank within value, ties by id), the
eight RFM segments against the mean with monetary capped at the 99th percentile, the value matrix and ABC by
spend; with --kmeans, scikit-learn KMeans (k = 8, k-means++, one init, Lloyd) and MiniBatchKMeans on the four
standardized log features. Prints one JSON object.
"""
import json, sys, time

import numpy as np
import pandas as pd


def ntile(values, ids_order, tiles, descending=False):
    """SQL NTILE(tiles) OVER (ORDER BY value [DESC], id)."""
    n = len(values)
    key = -values if descending else values
    order = np.lexsort((ids_order, key))
    q, r = divmod(n, tiles)
    pos = np.arange(n)
    big = r * (q + 1)
    bucket = np.where(pos < big, pos // (q + 1) + 1, r + (pos - big) // max(q, 1) + 1)
    out = np.empty(n, dtype=np.int64)
    out[order] = bucket
    return out


def main():
    path = sys.argv[1]
    df = pd.read_csv(path, dtype={"customer_id": str})
    result = {"customers": len(df)}
    t0 = time.perf_counter()
    recency_days = (df["T"] - df["recency"]).to_numpy()
    orders = df["orders"].to_numpy(dtype=float)
    spend = df["total_spend"].to_numpy()
    id_rank = df["customer_id"].rank(method="first").to_numpy()  # string order of ids
    cap = np.quantile(spend, 0.99)
    m = np.minimum(spend, cap)
    r_score = ntile(recency_days, id_rank, 5, descending=True)
    f_score = ntile(orders, id_rank, 5)
    m_score = ntile(m, id_rank, 5)
    recent = recency_days < recency_days.mean()
    frequent = orders > orders.mean()
    big = m > m.mean()
    rfm_segment = (~big) * 4 + (~recent) * 2 + (~frequent) * 1
    aov = np.where(orders > 0, spend / np.maximum(orders, 1), 0)
    matrix = (orders <= orders.mean()) * 2 + (aov <= aov.mean()) * 1
    order = np.lexsort((id_rank, -spend))
    n = len(spend)
    abc = np.full(n, 2)
    abc[order[: int(np.ceil(0.15 * n))]] = 0
    abc[order[int(np.ceil(0.15 * n)): int(np.ceil(0.35 * n))]] = 1
    result["rfm_matrix_abc_seconds"] = time.perf_counter() - t0
    result["segment_sizes"] = np.bincount(rfm_segment, minlength=8).tolist()
    result["scores_checksum"] = int(r_score.sum() + f_score.sum() + m_score.sum())
    result["abc_sizes"] = np.bincount(abc, minlength=3).tolist()
    result["matrix_sizes"] = np.bincount(matrix, minlength=4).tolist()
    if "--kmeans" in sys.argv:
        from sklearn.cluster import KMeans, MiniBatchKMeans
        x = np.column_stack([np.log1p(recency_days), np.log1p(orders), np.log1p(np.maximum(spend, 0)), np.log1p(aov)])
        x = (x - x.mean(axis=0)) / x.std(axis=0)
        t0 = time.perf_counter()
        km = KMeans(n_clusters=8, n_init=1, algorithm="lloyd", random_state=7).fit(x)
        result["kmeans_seconds"] = time.perf_counter() - t0
        result["kmeans_inertia"] = float(km.inertia_)
        t0 = time.perf_counter()
        mb = MiniBatchKMeans(n_clusters=8, n_init=1, random_state=7, batch_size=4096).fit(x)
        result["minibatch_seconds"] = time.perf_counter() - t0
        result["minibatch_inertia"] = float(mb.inertia_)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
