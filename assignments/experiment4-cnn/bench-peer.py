"""PyTorch peer of experiment4-cnn's convergence budget (dlgrade bench --grading experiment4-cnn).
Usage: python3 bench-peer.py [--threads N] [--assignment experiment4-cnn]
F.train.synthetic, what the test asks of a submission: the six-block CNN at the test's widths on 16x16x3
images, the notebook's recipe (AdamW + OneCycleLR stepped per batch, MixUp 0.4, label smoothing 0.04, gradient
clipping 1.0), an evaluation in inference mode after every epoch and the best checkpoint saved (torch.save),
on random data of the same shape. Same command line and JSON output as ../shared/bench/grade_peer.py."""
import argparse, json, os, tempfile, time
import numpy as np
import torch, torch.nn as nn

# The budget of F.train.synthetic (assignment.yaml; probes.ts CONVERGENCE).
WIDTHS, SIZE, N_TRAIN, N_TEST, EPOCHS, BATCH, LR = [8, 16, 24, 32, 64, 64], 16, 800, 500, 5, 32, 1e-3

def six_block_cnn(c, classes=10):
    k, drop, pool = [5, 5, 3, 5, 3, 5], [None, 0.04, 0.05, 0.02, 0.09, 0.08], [False, True, False, True, False, False]
    layers, cin = [], 3
    for i in range(6):
        layers += [nn.Conv2d(cin, c[i], k[i], padding=k[i] // 2, bias=False), nn.BatchNorm2d(c[i]), nn.ReLU(inplace=True)]
        if drop[i] is not None: layers.append(nn.Dropout2d(drop[i]))
        if pool[i]: layers.append(nn.AvgPool2d(2))
        cin = c[i]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.38), nn.Linear(cin, classes))

def convergence():
    torch.manual_seed(0); np.random.seed(0)
    model = six_block_cnn(WIDTHS)
    x = torch.randn(N_TRAIN, 3, SIZE, SIZE); y = torch.randint(0, 10, (N_TRAIN,))
    xt = torch.randn(N_TEST, 3, SIZE, SIZE); yt = torch.randint(0, 10, (N_TEST,))
    criterion = nn.CrossEntropyLoss(label_smoothing=0.04)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=3.5e-5)
    steps = (N_TRAIN + BATCH - 1) // BATCH
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=LR * 6.74, epochs=EPOCHS, steps_per_epoch=steps, pct_start=0.3, anneal_strategy='cos')
    out = tempfile.mkdtemp(); best = 0.0
    t = time.perf_counter()
    for _ in range(EPOCHS):
        model.train(); perm = torch.randperm(N_TRAIN)
        for i in range(0, N_TRAIN, BATCH):
            idx = perm[i:i + BATCH]; xb, yb = x[idx], y[idx]
            lam = np.random.beta(0.4, 0.4); index = torch.randperm(xb.size(0))
            mixed = lam * xb + (1 - lam) * xb[index]
            optimizer.zero_grad(); outputs = model(mixed)
            loss = lam * criterion(outputs, yb) + (1 - lam) * criterion(outputs, yb[index])
            loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step(); scheduler.step()
            loss.item(); outputs.max(1)
        model.eval(); correct = 0
        with torch.no_grad():
            for i in range(0, N_TEST, 256):
                outputs = model(xt[i:i + 256]); nn.functional.cross_entropy(outputs, yt[i:i + 256]).item()
                correct += outputs.argmax(1).eq(yt[i:i + 256]).sum().item()
        if correct / N_TEST > best:
            best = correct / N_TEST; torch.save(model.state_dict(), os.path.join(out, 'best_model.pth'))
    return (time.perf_counter() - t) * 1000

WORKLOADS = {"F.train.synthetic": convergence}

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1, help="torch threads (a grading worker gets one core)")
    ap.add_argument("--assignment", default="experiment4-cnn", choices=["experiment4-cnn"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads or os.cpu_count())
    six_block_cnn(WIDTHS)(torch.randn(8, 3, SIZE, SIZE)).sum().backward()  # warm-up
    ms = {k: round(fn(), 1) for k, fn in WORKLOADS.items()}
    print(json.dumps({"engine": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(),
                      "assignment": a.assignment, "ms": ms, "total_ms": round(sum(ms.values()), 1)}))
