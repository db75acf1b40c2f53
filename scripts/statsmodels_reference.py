#!/usr/bin/env python3
"""Reference forecasts from statsmodels for the model-family tests (run by hand, output committed).

    /usr/bin/python3 scripts/statsmodels_reference.py ../shared/data > src/training/core/models/fixtures/statsmodels-reference.json

Needs Debian's python3-statsmodels (apt-get install python3-statsmodels; 0.13.5 here). Writes
the input series too, so the tests need no data files: AirPassengers (monthly, period 12),
daily female births (period 7) and three M4 Weekly training series (period 52, last 260 values).
"""
import json
import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.forecasting.theta import ThetaModel

warnings.filterwarnings("ignore")
DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
H = 24


def series():
    out = {
        "airline": (pd.read_csv(f"{DATA}/series/airline-passengers.csv")["Passengers"].values, 12),
        "births": (pd.read_csv(f"{DATA}/series/daily-total-female-births.csv")["Births"].values, 7),
    }
    weekly = pd.read_csv(f"{DATA}/m4/Weekly-train.csv", index_col=0)
    picked = 0
    for sid, row in weekly.iterrows():
        v = row.dropna().values
        if len(v) >= 400:
            out[sid] = (v[-260:], 52)
            picked += 1
        if picked == 3:
            break
    return {k: (np.asarray(v, dtype=float), p) for k, (v, p) in out.items()}


def initial_seasonal(y, m, kind):
    # Any fixed values do for the recursion check; these are plausible ones.
    first = y[: 2 * m].reshape(2, m).mean(axis=0)
    return list(first / first.mean()) if kind == "mul" else list(first - first.mean())


SPECS = [  # (error, trend, damped, seasonal)
    ("add", None, False, None), ("add", "add", False, None), ("add", "add", True, None),
    ("add", None, False, "add"), ("add", "add", False, "add"), ("add", "add", True, "add"),
    ("mul", None, False, None), ("mul", "add", True, None), ("mul", "add", False, "mul"),
    ("mul", "add", True, "mul"), ("mul", None, False, "mul"), ("mul", "add", True, "add"),
]


def code(error, trend, damped, seasonal):
    t = "N" if trend is None else ("Ad" if damped else "A")
    return error[0].upper() + t + ("N" if seasonal is None else seasonal[0].upper())


def fixed_case(name, y, m, spec):
    error, trend, damped, seasonal = spec
    params = {"alpha": 0.3, "beta": 0.05, "gamma": 0.1, "phi": 0.9}
    init = {"initial_level": float(y[:m].mean())}
    if trend:
        init["initial_trend"] = float((y[m : 2 * m].mean() - y[:m].mean()) / m)
    if seasonal:
        init["initial_seasonal"] = initial_seasonal(y, m, seasonal)
    model = ETSModel(pd.Series(y), error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                     seasonal_periods=m if seasonal else None, initialization_method="known", **init)
    vector = [params["alpha"]] + ([params["beta"]] if trend else []) + ([params["gamma"]] if seasonal else [])
    vector += [params["phi"]] if damped else []
    res = model.smooth(vector)
    pred = res.get_prediction(start=len(y), end=len(y) + H - 1)
    frame = pred.summary_frame(alpha=0.2)
    return {
        "series": name, "spec": code(*spec), "period": m,
        "params": {**params, "level": init["initial_level"], "slope": init.get("initial_trend", 0.0),
                   "seasonal": init.get("initial_seasonal", [])},
        "forecast": list(np.asarray(res.forecast(H))),
        "minus2_loglik": float(-2 * res.llf), "nobs": len(y),
        "mse": float(res.mse),
        "lower80": list(np.asarray(frame["pi_lower"])) if error == "add" and seasonal != "mul" else None,
        "upper80": list(np.asarray(frame["pi_upper"])) if error == "add" and seasonal != "mul" else None,
    }


def fitted_case(name, y, m, spec):
    error, trend, damped, seasonal = spec
    model = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                     seasonal_periods=m if seasonal else None)
    res = model.fit(disp=False, maxiter=2000)
    return {"series": name, "spec": code(*spec), "period": m, "forecast": list(res.forecast(H)),
            "aicc": float(res.aicc), "params": {k: float(v) for k, v in zip(res.param_names, res.params)}}


def theta_case(name, y, m):
    res = ThetaModel(y, period=m).fit()
    return {"series": name, "period": m, "forecast": list(res.forecast(H)), "alpha": float(res.params["alpha"]),
            "b0": float(res.params["b0"])}


def main():
    data = series()
    out = {
        "generator": f"scripts/statsmodels_reference.py, statsmodels {statsmodels.__version__}, numpy {np.__version__}",
        "horizon": H,
        "series": {k: {"values": list(v), "period": p} for k, (v, p) in data.items()},
        "ets_fixed": [fixed_case("airline", data["airline"][0], 12, s) for s in SPECS]
        + [fixed_case("births", data["births"][0], 7, s) for s in SPECS[:6]],
        "ets_fitted": [fitted_case(k, v, min(p, 12), s) for k, (v, p) in data.items()
                       for s in [("add", "add", True, None), ("add", None, False, None)]]
        + [fitted_case("airline", data["airline"][0], 12, s) for s in [("mul", "add", True, "mul"), ("add", "add", True, "add")]]
        + [fitted_case("births", data["births"][0], 7, ("add", None, False, "add"))],
        "theta": [theta_case(k, v, p) for k, (v, p) in data.items()],
    }
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
