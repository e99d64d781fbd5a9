"""Area-adjusted accuracy and class areas, with confidence intervals, from a stratified sample of points.

The estimators of Olofsson, P., Foody, G. M., Herold, M., Stehman, S. V., Woodcock, C. E., Wulder, M. A. (2014).
Good practices for estimating area and assessing accuracy of land change. Remote Sensing of Environment 148,
42-57. https://doi.org/10.1016/j.rse.2014.02.015
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Z_95 = 1.959964  # two-sided 95 % quantile of the normal distribution


def _interval(variance: float | None, z: float) -> float | None:
    return None if variance is None else z * math.sqrt(max(variance, 0.0))


def stratified_estimates(
    sample: np.ndarray, map_pixels: Sequence[int], pixel_area: float = 1.0, z: float = Z_95
) -> dict:
    """Area-adjusted accuracy and area from a stratified sample, map classes as strata (Olofsson et al. 2014).

    With W_i the share of the map in class i and n_ij the sample counts (map class i, reference class j):
        p_ij = W_i n_ij / n_i.                                        (estimated area proportions, eq. 4)
        OA = sum_j p_jj,  V(OA) = sum_i W_i^2 U_i (1 - U_i) / (n_i. - 1)                           (eq. 5)
        U_i = p_ii / p_i. = n_ii / n_i.,  V(U_i) = U_i (1 - U_i) / (n_i. - 1)                      (eq. 6)
        P_j = p_jj / p_.j,  V(P_j) = [N_j.^2 (1 - P_j)^2 U_j (1 - U_j) / (n_j. - 1)
              + P_j^2 sum_{i != j} N_i.^2 (n_ij / n_i.)(1 - n_ij / n_i.) / (n_i. - 1)] / N_.j^2    (eq. 7)
              with N_i. the map pixels of class i and N_.j = sum_i N_i. n_ij / n_i.
        p_.j = sum_i W_i n_ij / n_i.,  A_j = A p_.j                                                (eq. 9)
        S(p_.j) = sqrt(sum_i W_i^2 (n_ij / n_i.)(1 - n_ij / n_i.) / (n_i. - 1)),  S(A_j) = A S(p_.j) (eqs. 10-11)
    Confidence intervals are ± z S (z = 1.96 for 95 %).

    A stratum with fewer than two sample units has no variance: the intervals that need it are None.
    A stratum with no sample unit contributes nothing to the estimates (its share of the map is unaccounted for).

    Args:
        sample: (K, K) counts, rows map class (stratum), columns reference class, same class order.
        map_pixels: pixels of each map class over the whole map (N_i.).
        pixel_area: area of one pixel, so that areas come out in its unit.
        z: normal quantile of the confidence intervals.

    Returns:
        {"overall_accuracy", "overall_accuracy_ci", "weights", "users_accuracy", "users_accuracy_ci",
         "producers_accuracy", "producers_accuracy_ci", "area_proportion", "area_proportion_ci",
         "area", "area_ci", "mapped_area", "sample_size"}; per-class lists in class order, None where undefined.
    """
    n = np.asarray(sample, dtype=np.float64)
    mapped = np.asarray(map_pixels, dtype=np.float64)
    size = n.shape[0]
    total_pixels = mapped.sum()
    weights = mapped / total_pixels if total_pixels > 0 else np.zeros(size)
    n_row = n.sum(axis=1)  # n_i.
    sampled = n_row > 0
    share = np.divide(n, n_row[:, None], out=np.zeros_like(n), where=sampled[:, None])  # n_ij / n_i.
    p = weights[:, None] * share  # p_ij
    p_col = p.sum(axis=0)  # p_.j
    p_row = p.sum(axis=1)  # p_i.
    variable = n_row > 1
    term = np.divide(share * (1 - share), (n_row - 1)[:, None], out=np.zeros_like(n), where=variable[:, None])

    users = [float(share[i, i]) if sampled[i] else None for i in range(size)]
    users_variance = [float(term[i, i]) if variable[i] else None for i in range(size)]
    overall = float(np.trace(p))
    overall_variance = float((weights**2 * np.diag(term)).sum()) if variable[sampled].all() else None

    estimated_pixels = (mapped[:, None] * share).sum(axis=0)  # N_.j
    producers: list[float | None] = []
    producers_ci: list[float | None] = []
    for j in range(size):
        if p_col[j] <= 0:
            producers.append(None)
            producers_ci.append(None)
            continue
        pa = float(p[j, j] / p_col[j])
        producers.append(pa)
        strata = [i for i in range(size) if sampled[i] and (i == j or n[i, j] > 0)]
        if not all(variable[i] for i in strata) or not sampled[j]:
            producers_ci.append(None)
            continue
        own = mapped[j] ** 2 * (1 - pa) ** 2 * term[j, j]
        others = sum(mapped[i] ** 2 * term[i, j] for i in range(size) if i != j and sampled[i])
        producers_ci.append(_interval(float((own + pa**2 * others) / estimated_pixels[j] ** 2), z))

    area_variance = [
        float((weights**2 * term[:, j]).sum()) if all(variable[i] for i in range(size) if sampled[i]) else None
        for j in range(size)
    ]
    area_total = total_pixels * pixel_area
    proportion_ci = [_interval(v, z) for v in area_variance]
    return {
        "sample_size": int(n.sum()),
        "weights": weights.tolist(),
        "strata_sample": n_row.astype(int).tolist(),
        "overall_accuracy": overall,
        "overall_accuracy_ci": _interval(overall_variance, z),
        "users_accuracy": users,
        "users_accuracy_ci": [_interval(v, z) for v in users_variance],
        "producers_accuracy": producers,
        "producers_accuracy_ci": producers_ci,
        "map_proportion": p_row.tolist(),
        "area_proportion": p_col.tolist(),
        "area_proportion_ci": proportion_ci,
        "area": (p_col * area_total).tolist(),
        "area_ci": [None if ci is None else ci * area_total for ci in proportion_ci],
        "mapped_area": (mapped * pixel_area).tolist(),
        "unsampled_strata": [i for i in range(size) if not sampled[i] and mapped[i] > 0],
    }
