"""The shipped data set is the one its notes describe."""

import numpy as np
from sklearn.datasets import load_breast_cancer as sklearn_copy

import lrmath


def test_breast_cancer_is_sklearns_copy_with_malignant_as_1():
    X, y, names = lrmath.load_breast_cancer()
    reference = sklearn_copy()
    assert X.shape == (569, 30) and len(names) == 30
    assert np.array_equal(X, reference.data)
    assert np.array_equal(y, (reference.target == 0).astype(float))
    assert names == [n.replace(" ", "_") for n in reference.feature_names]
