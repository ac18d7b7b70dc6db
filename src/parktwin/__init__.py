"""parktwin: a digital twin of an industrial park's path to zero carbon.

    import parktwin
    loaded = parktwin.load("scenarios/net_zero_2050.yaml", ["carbon_price_cny_per_tco2.2030=200"])
    results = parktwin.run(loaded, seed=0)
    results.annual[["year", "net_tco2", "core_indicator_tco2_per_tce"]]
    parktwin.save(results, "runs")
"""

from parktwin.api import load, run, save
from parktwin.experiments import run_batch
from parktwin.planning.design import plan
from parktwin.results.store import read_run
from parktwin.results.tables import Results
from parktwin.spec.errors import InputError

__all__ = ["load", "plan", "run", "save", "run_batch", "read_run", "Results", "InputError"]
__version__ = "0.1.0"
