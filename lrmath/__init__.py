"""lrmath: logistic regression, proven step by step and implemented in NumPy."""
