"""The data set the course trains on, shipped with the package (no download).

>>> X, y, names = load_breast_cancer()
>>> X.shape, y.shape, int(y.sum())
((569, 30), (569,), 212)
>>> names[:2]
['mean_radius', 'mean_texture']
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np

__all__ = ["load_breast_cancer"]


def load_breast_cancer():
    """The Breast Cancer Wisconsin (Diagnostic) data: 569 tumours, 30 features.

    Source and licence (CC BY 4.0): ``lrmath/data/breast_cancer.md``.

    Returns
    -------
    X : ndarray of shape (569, 30)
        Features (not standardised).
    y : ndarray of shape (569,)
        1 for malignant, 0 for benign.
    feature_names : list of str
    """
    text = resources.files("lrmath").joinpath("data/breast_cancer.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], np.array(rows[1:], dtype=np.float64)
    return body[:, :-1], body[:, -1], header[:-1]
