"""Experiments over many runs: Monte Carlo batches, sensitivity, scenario comparison.

    from parktwin.experiments import run_batch, open_batch, compare
"""

from parktwin.experiments.batch import Batch, open_batch, run_batch
from parktwin.experiments.compare import compare

__all__ = ["Batch", "compare", "open_batch", "run_batch"]
