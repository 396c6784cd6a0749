"""Stats: exact rate tests, comparisons of windows, the CompStat block, category mix, rankings, anomalies.

In: the canonical daily (and hourly) tables and windows from :mod:`stats_lib.calendar`. Out: frames and
small named results with language-neutral values; the words that report them live in :mod:`stats_lib.report`.
The comparison itself is ``stats_lib.stats.compare.compare`` (also ``stats_lib.compare``): a name equal to a
sub-module's is not re-exported here, so that ``import stats_lib.stats.compare`` always means the module.
"""

from stats_lib.stats.anomaly import flag_anomalies
from stats_lib.stats.compare import Comparison
from stats_lib.stats.compstat_block import compstat
from stats_lib.stats.mix import CategoryMix, category_mix, rankings, zero_districts
from stats_lib.stats.ratetest import RateTest, rate_test

__all__ = ["Comparison", "compstat", "CategoryMix", "category_mix", "rankings", "zero_districts", "flag_anomalies",
           "rate_test", "RateTest"]
