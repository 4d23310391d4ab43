"""PyTorch peer of fc-vs-conv's grading: the training budgets of its convergence tests, timed on the CPU.
Usage: python3 bench-peer.py [--threads N]
Each workload is what one test trains when grading the reference (same models, data size, epochs, batch,
optimizer), on random data of the same shape: what grading the same checks in PyTorch would cost.
  B.train     SimpleMLP (308,310) and the reference ConvNet (the seed's five bottleneck blocks, 32,946),
              2,000 images 32x32x3, 3 epochs, batch 64, Adam 1e-3, then 1,000 held-out images predicted
  D.accuracy  the reference's other iteration, the seed's skeleton ConvNet (42,362), same budget (its
              bottleneck iteration is the ConvNet B.train trained: the grader measures it once)
Prints one JSON object (the same form as ../../../shared/bench/grade_peer.py): milliseconds per workload and
their sum (one run each, after a short warm-up)."""
import argparse, json, os, time
import torch, torch.nn as nn

TRAIN, TEST, EPOCHS, BATCH, LR = 2000, 1000, 3, 64, 1e-3


class Bottleneck(nn.Module):  # the seed's BottleneckResBlock
    def __init__(self, i, b, o):
        super().__init__()
        self.conv1 = nn.Conv2d(i, b, 1, bias=False); self.bn1 = nn.BatchNorm2d(b)
        self.conv2 = nn.Conv2d(b, b, 3, padding=1, bias=False); self.bn2 = nn.BatchNorm2d(b)
        self.conv3 = nn.Conv2d(b, o, 1, bias=False); self.bn3 = nn.BatchNorm2d(o)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = nn.Sequential(nn.Conv2d(i, o, 1, bias=False), nn.BatchNorm2d(o)) if i != o else nn.Identity()

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + self.shortcut(x))


def simple_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(3072, 100), nn.ReLU(), nn.Linear(100, 10))


def bottleneck_small():
    return nn.Sequential(Bottleneck(3, 8, 16), Bottleneck(16, 8, 16), nn.MaxPool2d(2, 2), Bottleneck(16, 16, 32),
                         Bottleneck(32, 16, 32), Bottleneck(32, 16, 32), nn.AdaptiveAvgPool2d((8, 8)), nn.Flatten(), nn.Linear(2048, 10))


def skeleton():
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                         nn.Flatten(), nn.Linear(16 * 16 * 16, 10))


def fit(make, n=TRAIN, n_test=TEST, epochs=EPOCHS):
    torch.manual_seed(0)
    m = make(); opt = torch.optim.Adam(m.parameters(), LR); lf = nn.CrossEntropyLoss()
    x = torch.randn(n, 3, 32, 32); y = torch.randint(0, 10, (n,)); xt = torch.randn(n_test, 3, 32, 32)
    t = time.perf_counter()
    for _ in range(epochs):
        m.train(); perm = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = perm[i:i + BATCH]; opt.zero_grad(); lf(m(x[idx]), y[idx]).backward(); opt.step()
    m.eval()
    with torch.no_grad():
        for i in range(0, n_test, 256): m(xt[i:i + 256]).argmax(1)
    return (time.perf_counter() - t) * 1000


WORKLOADS = {
    "B.train": lambda: fit(simple_mlp) + fit(bottleneck_small),
    "D.accuracy": lambda: fit(skeleton),
}

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1, help="torch threads (a grading worker gets one core)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads or os.cpu_count())
    fit(skeleton, 64, 64, 1)  # warm-up
    ms = {k: round(fn(), 1) for k, fn in WORKLOADS.items()}
    print(json.dumps({"engine": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(),
                      "assignment": "fc-vs-conv", "ms": ms, "total_ms": round(sum(ms.values()), 1)}))
