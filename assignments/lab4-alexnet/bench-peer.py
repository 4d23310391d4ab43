"""PyTorch peer of lab4-alexnet's convergence budgets (`dlgrade bench --grading lab4-alexnet`).
Usage: python3 bench-peer.py [--threads N] [--assignment lab4-alexnet]
One workload per convergence test of assignment.yaml, as the grader runs it: the seed's models (BaselineNN,
TinyVGG, AlexNetCIFAR) with 4 outputs, SGD(lr 0.01, momentum 0.9, weight decay 5e-4) as in the seed, the same
number of 32x32x3 images, epochs and batch size, on random data of the same shape (timing only: the accuracy
figures come from the grader's own synthetic images). Needs PyTorch (Debian: apt-get install python3-torch).
Prints one JSON object, as ../../../shared/bench/grade_peer.py does: milliseconds per workload and their sum
(one run each, after a short warm-up)."""
import argparse, json, os, time
import torch, torch.nn as nn, torch.nn.functional as F

CLASSES = 4          # the four-class synthetic subset of the convergence budgets
ORDER_TRAIN, ORDER_TEST, ORDER_EPOCHS = 512, 300, 2   # F.train.tinyvgg (F.train.ordering reuses its run)
LOOP_TRAIN, LOOP_VAL, LOOP_EPOCHS = 1024, 200, 3      # F.train.loop
BATCH = 32
ALEX_BATCH = 8       # F.train.alexnet: one SGD step


class BaselineNN(nn.Module):
    def __init__(self, num_classes=10, dropout=0.5):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1, self.fc2, self.fc3 = nn.Linear(3072, 512), nn.Linear(512, 256), nn.Linear(256, num_classes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = self.dropout(F.relu(self.fc1(self.flatten(x))))
        return self.fc3(self.dropout(F.relu(self.fc2(x))))


def tiny_vgg(num_classes=10, dropout=0.5):
    def block(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                             nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2))
    return nn.Sequential(block(3, 64), block(64, 128), nn.Flatten(), nn.Linear(128 * 8 * 8, 512), nn.ReLU(inplace=True),
                         nn.Dropout(dropout), nn.Linear(512, num_classes))


def alexnet_cifar(num_classes=10, dropout=0.5):
    lrn = lambda: nn.LocalResponseNorm(size=5, alpha=0.0001, beta=0.75, k=2)
    return nn.Sequential(
        nn.Conv2d(3, 64, 3, 1, 1), nn.ReLU(inplace=True), lrn(),
        nn.Conv2d(64, 192, 5, 1, 2), nn.ReLU(inplace=True), lrn(), nn.MaxPool2d(2, 2),
        nn.Conv2d(192, 384, 3, 1, 1), nn.ReLU(inplace=True), nn.Conv2d(384, 256, 3, 1, 1), nn.ReLU(inplace=True),
        nn.Conv2d(256, 256, 3, 1, 1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
        nn.AdaptiveAvgPool2d((4, 4)), nn.Flatten(),
        nn.Dropout(dropout), nn.Linear(256 * 4 * 4, 4096), nn.ReLU(inplace=True),
        nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, num_classes))


def sgd(model):
    return torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)


def data(n):
    return torch.randn(n, 3, 32, 32), torch.randint(0, CLASSES, (n,))


def train_epoch(m, opt, x, y, batch):
    m.train(); lf = nn.CrossEntropyLoss(); perm = torch.randperm(len(x))
    for i in range(0, len(x), batch):
        idx = perm[i:i + batch]; opt.zero_grad(); lf(m(x[idx]), y[idx]).backward(); opt.step()


def predict(m, x):
    m.eval()
    with torch.no_grad():
        for i in range(0, len(x), 256): m(x[i:i + 256]).argmax(1)


def ordering():
    """F.train.tinyvgg: the student's BaselineNN and TinyVGG, same budget, held-out predictions (the grader trains
    both in this test; F.train.ordering compares the two figures and costs nothing)."""
    torch.manual_seed(0)
    x, y = data(ORDER_TRAIN); xt, _ = data(ORDER_TEST)
    t = time.perf_counter()
    for make in (BaselineNN, tiny_vgg):
        m = make(num_classes=CLASSES); opt = sgd(m)
        for _ in range(ORDER_EPOCHS): train_epoch(m, opt, x, y, BATCH)
        predict(m, xt)
    return (time.perf_counter() - t) * 1000


def loop():
    """F.train.loop: the seed's train_model (train, evaluate, StepLR step per epoch) on BaselineNN."""
    torch.manual_seed(0)
    x, y = data(LOOP_TRAIN); xv, yv = data(LOOP_VAL); xt, _ = data(ORDER_TEST)
    t = time.perf_counter()
    m = BaselineNN(num_classes=CLASSES); opt = sgd(m); sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(LOOP_EPOCHS):
        train_epoch(m, opt, x, y, BATCH); predict(m, xv); sched.step()
    predict(m, xt)
    return (time.perf_counter() - t) * 1000


def alexnet_step():
    """F.train.alexnet: one SGD step of AlexNetCIFAR on a batch of 8."""
    torch.manual_seed(0)
    m = alexnet_cifar(num_classes=CLASSES); opt = sgd(m); x, y = data(ALEX_BATCH)
    t = time.perf_counter()
    m.train(); opt.zero_grad(); nn.CrossEntropyLoss()(m(x), y).backward(); opt.step()
    return (time.perf_counter() - t) * 1000


WORKLOADS = {"F.train.tinyvgg": ordering, "F.train.ordering": lambda: 0.0, "F.train.loop": loop, "F.train.alexnet": alexnet_step}

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1, help="torch threads (a grading worker gets one core)")
    ap.add_argument("--assignment", default="lab4-alexnet", choices=["lab4-alexnet"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads or os.cpu_count())
    m = tiny_vgg(CLASSES); opt = sgd(m); x, y = data(64); train_epoch(m, opt, x, y, BATCH)  # warm-up
    ms = {k: round(fn(), 1) for k, fn in WORKLOADS.items()}
    print(json.dumps({"engine": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(),
                      "assignment": a.assignment, "ms": ms, "total_ms": round(sum(ms.values()), 1)}))
