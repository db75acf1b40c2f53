#!/usr/bin/env python3
"""statsmodels' ETS and Theta on an M4 wide CSV, for the side-by-side columns of the panel benchmark.

    /usr/bin/python3 scripts/statsmodels_m4.py TRAIN_CSV HORIZON PERIOD [LIMIT]

Prints one JSON object: {"seconds": {"ets": s, "theta": s}, "forecasts": {"ets": {id: [...]}, "theta": {...}}}.
ETS is ETSModel(error="add", trend="add", damped_trend=True) (M4's "Damped" benchmark form; statsmodels
has no automatic ETS choice), Theta is ThetaModel(period=PERIOD) with its default seasonality test.
"""
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.forecasting.theta import ThetaModel

warnings.filterwarnings("ignore")


def main():
    path, horizon, period = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
    frame = pd.read_csv(path, index_col=0)
    rows = list(frame.iterrows())[:limit]
    out = {"ets": {}, "theta": {}}
    seconds = {"ets": 0.0, "theta": 0.0}
    for sid, row in rows:
        y = row.dropna().values.astype(float)
        t0 = time.perf_counter()
        try:
            res = ETSModel(y, error="add", trend="add", damped_trend=True).fit(disp=False)
            out["ets"][sid] = list(np.asarray(res.forecast(horizon)))
        except Exception:  # noqa: BLE001 - a failed fit is reported as missing
            out["ets"][sid] = None
        t1 = time.perf_counter()
        try:
            out["theta"][sid] = list(np.asarray(ThetaModel(y, period=period).fit().forecast(horizon)))
        except Exception:  # noqa: BLE001
            out["theta"][sid] = None
        t2 = time.perf_counter()
        seconds["ets"] += t1 - t0
        seconds["theta"] += t2 - t1
    json.dump({"seconds": seconds, "forecasts": out}, sys.stdout)


if __name__ == "__main__":
    main()
