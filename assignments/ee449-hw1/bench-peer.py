"""PyTorch peer of EE449 HW1's convergence tests: what grading the same checks costs in PyTorch/NumPy.
Usage: python3 bench-peer.py [--threads N]   (same command line and JSON as ../shared/bench/grade_peer.py)
One workload per convergence test, with the test's budget (model, data size, epochs, batch, optimizer, the
evaluations it records), on random data of the same shape, timed after a short warm-up. The budgets must
match tests/hidden/*.test.ts (BUDGET, DATA, EPOCHS there); the models are the seed's own classes (Appendix 3/4).
Prints one JSON object: milliseconds per workload and their sum."""
import argparse, json, os, time
import numpy as np
import torch, torch.nn as nn

# 1.train: the seed's mlp.py + part1_2.py loop (NumPy), 1,000 points, hidden 8, lr 0.001, for each activation.
XOR_EPOCHS = 300
# 3.train.<arch>: each of the five models, Adam 1e-3, batch 50, TRAIN images for its EPOCHS, validation
# accuracy on VAL images every 10 steps, test accuracy on TEST images at the end; and MLP1 for the CNNs'
# 2 epochs once (what CNN3 and CNN4 must beat).
P3 = dict(train=1500, val=100, test=500, batch=50, lr=1e-3)
EPOCHS = {'mlp_1': 6, 'mlp_2': 6, 'cnn_3': 2, 'cnn_4': 2, 'cnn_5': 4}
# 4.finding: each model with ReLU and with sigmoid: the first layer's gradient norm on one batch of 50.
P4 = dict(batch=50)


def xor_mlp(act, epochs):
    f = {'sigmoid': lambda z: 1 / (1 + np.exp(-z)), 'tanh': np.tanh, 'relu': lambda z: np.maximum(0, z)}[act]
    df = {'sigmoid': lambda z: f(z) * (1 - f(z)), 'tanh': lambda z: 1 - np.tanh(z) ** 2, 'relu': lambda z: np.where(z > 0, 1, 0)}[act]
    rng = np.random.default_rng(0)
    c = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1]]); k = np.arange(1000) % 4
    x = c[k] + 0.4 * rng.standard_normal((1000, 2)); y = (k % 2).reshape(-1, 1).astype(float)
    W1 = rng.standard_normal((2, 8)); b1 = np.zeros((1, 8)); W2 = rng.standard_normal((8, 1)); b2 = np.zeros((1, 1))
    for _ in range(epochs):
        z1 = x @ W1 + b1; h = f(z1); z2 = h @ W2 + b2; o = f(z2)
        od = (o - y) * df(z2); hd = (od @ W2.T) * df(z1)
        W2 -= 0.001 * h.T @ od; b2 -= 0.001 * od.sum(0, keepdims=True); W1 -= 0.001 * x.T @ hd; b1 -= 0.001 * hd.sum(0, keepdims=True)


def arch(name, act='relu'):
    A = nn.ReLU if act == 'relu' else nn.Sigmoid
    conv = lambda i, o, k: [nn.Conv2d(i, o, k), A()]
    pool = lambda: [nn.MaxPool2d(2, 2)]
    layers = {
        'mlp_1': [nn.Flatten(), nn.Linear(3072, 32), A(), nn.Linear(32, 10)],
        'mlp_2': [nn.Flatten(), nn.Linear(3072, 32), A(), nn.Linear(32, 64, bias=False), A(), nn.Linear(64, 10)],
        'cnn_3': conv(3, 16, 3) + conv(16, 8, 5) + pool() + conv(8, 16, 7) + pool() + [nn.Flatten(), nn.Linear(144, 10)],
        'cnn_4': conv(3, 16, 3) + conv(16, 8, 3) + conv(8, 16, 5) + pool() + conv(16, 16, 5) + pool() + [nn.Flatten(), nn.Linear(256, 10)],
        'cnn_5': conv(3, 8, 3) + conv(8, 16, 3) + conv(16, 8, 3) + conv(8, 16, 3) + pool() + conv(16, 16, 3) + conv(16, 8, 3) + pool() + [nn.Flatten(), nn.Linear(128, 10)],
    }[name]
    return nn.Sequential(*layers)


ARCHS = ['mlp_1', 'mlp_2', 'cnn_3', 'cnn_4', 'cnn_5']


def accuracy(m, x, y):
    m.eval()
    with torch.no_grad():
        return (m(x).argmax(1) == y).float().mean().item() * 100


def part3(name, epochs):
    torch.manual_seed(0)
    m = arch(name); opt = torch.optim.Adam(m.parameters(), P3['lr']); lf = nn.CrossEntropyLoss()
    x = torch.randn(P3['train'], 3, 32, 32); y = torch.randint(0, 10, (P3['train'],))
    xv = torch.randn(P3['val'], 3, 32, 32); yv = torch.randint(0, 10, (P3['val'],))
    xt = torch.randn(P3['test'], 3, 32, 32); yt = torch.randint(0, 10, (P3['test'],))
    step = 0
    for _ in range(epochs):
        perm = torch.randperm(P3['train'])
        for i in range(0, P3['train'], P3['batch']):
            m.train(); idx = perm[i:i + P3['batch']]
            out = m(x[idx]); loss = lf(out, y[idx]); opt.zero_grad(); loss.backward(); opt.step()
            loss.item(); (out.argmax(1) == y[idx]).sum().item(); step += 1
            if step % 10 == 0:
                accuracy(m, xv, yv)
    accuracy(m, xt, yt)


def part4(name, act):
    torch.manual_seed(0)
    m = arch(name, act); lf = nn.CrossEntropyLoss()
    first = next(l for l in m if isinstance(l, (nn.Linear, nn.Conv2d)))
    x = torch.randn(P4['batch'], 3, 32, 32); y = torch.randint(0, 10, (P4['batch'],))
    m.zero_grad(); lf(m(x), y).backward(); first.weight.grad.norm().item()


def train3(name):
    part3(name, EPOCHS[name])
    if name == 'cnn_3':  # the MLP1 baseline at the CNNs' 2 epochs, trained once (for CNN3 and CNN4)
        part3('mlp_1', 2)


def timed(fn):
    t = time.perf_counter(); fn(); return (time.perf_counter() - t) * 1000


WORKLOADS = {
    '1.train': lambda: [xor_mlp(a, XOR_EPOCHS) for a in ('sigmoid', 'tanh', 'relu')],
    **{f'3.train.{a}': (lambda a=a: train3(a)) for a in ARCHS},
    '4.finding': lambda: [part4(a, act) for a in ARCHS for act in ('relu', 'sigmoid')],
}

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1, help='torch threads (a grading worker gets one core)')
    ap.add_argument('--assignment', default='ee449-hw1', choices=['ee449-hw1'])
    a = ap.parse_args()
    torch.set_num_threads(a.threads or os.cpu_count())
    part4('cnn_3', 'relu'); xor_mlp('tanh', 10)  # warm-up
    ms = {k: round(timed(fn), 1) for k, fn in WORKLOADS.items()}
    print(json.dumps({'engine': f'pytorch {torch.__version__} + numpy {np.__version__}', 'threads': torch.get_num_threads(),
                      'assignment': a.assignment, 'ms': ms, 'total_ms': round(sum(ms.values()), 1)}))
