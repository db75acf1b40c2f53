"""PyTorch side of `npm run bench:training`: the same stacked LSTM on CPU with one thread.

LSTM(units) x layers with dropout after each layer (Keras-style: the sequence between layers,
the last hidden state on top), Dense(1), Adam(lr 0.001), batch 32, MAE loss, shuffled batches.
Prints one JSON line: seconds per epoch (wall, CPU) and the median 1-window predict latency.
"""
import json
import sys
import time

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, features, units, layers, dropout):
        super().__init__()
        self.lstms = nn.ModuleList(
            [nn.LSTM(features if l == 0 else units, units, batch_first=True) for l in range(layers)]
        )
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(units, 1)

    def forward(self, x):
        for lstm in self.lstms:
            x, _ = lstm(x)
            x = self.drop(x)
        return self.head(x[:, -1, :]).squeeze(-1)


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(1)
    torch.manual_seed(42)
    T, units, layers = cfg["seq_length"], cfg["units"], cfg["layers"]
    n, epochs, calls = cfg["windows"], cfg["epochs"], cfg.get("calls", 200)
    walk = torch.cumsum(torch.randn(n + T + 1) * 0.01, 0)
    walk = (walk - walk.min()) / (walk.max() - walk.min())
    x = torch.stack([walk[i : i + T] for i in range(n)]).unsqueeze(-1)
    y = walk[T : T + n]
    net = Net(1, units, layers, cfg["dropout"])
    opt = torch.optim.Adam(net.parameters(), lr=0.001)
    loss_fn = nn.L1Loss()
    wall, cpu = [], []
    for _ in range(epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        net.train()
        perm = torch.randperm(n)
        for s in range(0, n, 32):
            idx = perm[s : s + 32]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    net.eval()
    one = x[:1]
    times = []
    with torch.no_grad():
        for i in range(calls + 5):
            t0 = time.perf_counter()
            net(one)
            if i >= 5:
                times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    steady = wall[1:] or wall
    steady_cpu = cpu[1:] or cpu
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "train_windows": n,
                "epoch_seconds": [round(w, 3) for w in wall],
                "seconds_per_epoch": round(sum(steady) / len(steady), 3),
                "cpu_seconds_per_epoch": round(sum(steady_cpu) / len(steady_cpu), 3),
                "predict_median_ms": round(times[len(times) // 2], 3),
                "predict_p95_ms": round(times[int(len(times) * 0.95)], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
