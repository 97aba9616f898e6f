#!/usr/bin/env python3
"""Draw a run's training curves: loss, learning rate and dev AUC against step.

Usage: scripts/plot_metrics.py RUN_DIR

Reads RUN_DIR/metrics.jsonl (written by `unbert train`) and writes loss.png,
lr.png and dev_auc.png into RUN_DIR. Needs matplotlib (Debian:
python3-matplotlib). Exit codes: 0 done, 2 bad input, 3 matplotlib missing.
"""
import json
import os
import sys

EXIT_BAD_INPUT = 2
EXIT_NO_MATPLOTLIB = 3


def fail(message, code=EXIT_BAD_INPUT):
    print("error: " + message, file=sys.stderr)
    sys.exit(code)


def read_metrics(path):
    """Training rows (step, loss, lr) and dev rows (step, auc), in file order."""
    train, dev = [], []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                fail("%s:%d: not JSON (%s)" % (path, number, error.msg))
            if "dev" in row:
                dev.append((row["step"], row["dev"]["auc"]))
            elif "loss" in row:
                train.append((row["step"], row["loss"], row["lr"]))
    return train, dev


def draw(pyplot, path, title, ylabel, series):
    """One PNG; series is a list of (label, steps, values[, line style])."""
    figure, axes = pyplot.subplots(figsize=(6, 4), dpi=100)
    for label, steps, values, *style in series:
        marker = "o" if len(steps) < 30 and not style else None
        axes.plot(steps, values, style[0] if style else "-", marker=marker, label=label)
    axes.set_title(title)
    axes.set_xlabel("step")
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    if len(series) > 1:
        axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return EXIT_BAD_INPUT
    run_dir = argv[1]
    metrics = os.path.join(run_dir, "metrics.jsonl")
    if not os.path.isfile(metrics):
        fail("%s not found: pass the folder of a run made by 'unbert train'" % metrics)
    train, dev = read_metrics(metrics)
    if not train and not dev:
        fail("%s holds no training or dev rows yet" % metrics)
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only, no display needed
        from matplotlib import pyplot
    except ImportError:
        fail("matplotlib not found for %s (Debian: apt install python3-matplotlib)" % sys.executable,
             EXIT_NO_MATPLOTLIB)

    written = []
    if train:
        steps = [row[0] for row in train]
        written.append(os.path.join(run_dir, "loss.png"))
        draw(pyplot, written[-1], "training loss", "loss", [("train", steps, [r[1] for r in train])])
        written.append(os.path.join(run_dir, "lr.png"))
        draw(pyplot, written[-1], "learning rate", "lr", [("lr", steps, [r[2] for r in train])])
    if dev:
        written.append(os.path.join(run_dir, "dev_auc.png"))
        draw(pyplot, written[-1], "dev AUC", "AUC",
             [("dev", [r[0] for r in dev], [r[1] for r in dev]),
              ("random", [dev[0][0], dev[-1][0]], [0.5, 0.5], "--")])
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
