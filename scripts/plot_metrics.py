#!/usr/bin/env python3
"""Draw training curves of one run or several overlaid, or the paper's Figure 4.

Usage:
  scripts/plot_metrics.py RUN [RUN ...] [--out DIR]
      loss, learning rate and validation AUC (dev, or the held-out days of
      train.holdout_days) against step, from each RUN/metrics.jsonl; several
      runs share each figure, one line per run.
  scripts/plot_metrics.py --by-day RUN_OR_EVAL [...] [--out DIR]
      AUC per day (lines, one per run) over the share of candidates unseen in
      training (bars), from metrics.json of `unbert eval --by-day` (RUN/eval/dev
      or an eval folder).

Writes PNG and PDF files (loss, lr, valid_auc; or by_day) into DIR, by default
the first RUN. Needs matplotlib (Debian: python3-matplotlib).
Exit codes: 0 done, 2 bad input, 3 matplotlib missing.
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
    """Training rows (step, loss, lr) and validation rows (step, auc, impressions)."""
    train, valid = [], []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                fail("%s:%d: not JSON (%s)" % (path, number, error.msg))
            split = "valid" if "valid" in row else "dev" if "dev" in row else None
            if split:
                valid.append((row["step"], row[split]["auc"], row[split].get("impressions"), split))
            elif "loss" in row:
                train.append((row["step"], row["loss"], row["lr"]))
    return train, valid


def read_by_day(folder):
    """(label, by_day rows) from an eval folder or a run's eval/dev."""
    for path in (os.path.join(folder, "metrics.json"),
                 os.path.join(folder, "eval", "dev", "metrics.json")):
        if os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as text:
                    report = json.load(text)
            except json.JSONDecodeError as error:
                fail("%s: not JSON (%s)" % (path, error.msg))
            if not report.get("by_day"):
                fail("%s has no per-day metrics: run 'unbert eval --by-day' first" % path)
            return report["by_day"]
    fail("%s: no metrics.json (nor eval/dev/metrics.json): give a run or an eval folder" % folder)


def run_label(folder):
    return os.path.basename(os.path.normpath(folder))


def open_pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only, no display needed
        from matplotlib import pyplot
    except ImportError:
        fail("matplotlib not found for %s (Debian: apt install python3-matplotlib)" % sys.executable,
             EXIT_NO_MATPLOTLIB)
    return pyplot


def save(pyplot, figure, out_dir, name, written):
    figure.tight_layout()
    for ext in ("png", "pdf"):
        written.append(os.path.join(out_dir, name + "." + ext))
        figure.savefig(written[-1])
    pyplot.close(figure)


def draw(pyplot, out_dir, name, title, ylabel, series, written):
    """series: (label, steps, values[, line style])."""
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
    save(pyplot, figure, out_dir, name, written)


def subset_title(runs):
    """The validation title, with the number of impressions each AUC is of."""
    splits = sorted({row[3] for _, _, valid in runs for row in valid})
    sizes = sorted({row[2] for _, _, valid in runs for row in valid if row[2] is not None})
    name = "held-out days" if splits == ["valid"] else "/".join(splits)
    if not sizes:
        return name + " AUC"
    if len(sizes) == 1:
        return "%s AUC (%d impressions)" % (name, sizes[0])
    return "%s AUC (%d to %d impressions)" % (name, sizes[0], sizes[-1])


def plot_curves(folders, out_dir):
    runs = []
    for folder in folders:
        metrics = os.path.join(folder, "metrics.jsonl")
        if not os.path.isfile(metrics):
            fail("%s not found: pass the folder of a run made by 'unbert train'" % metrics)
        train, valid = read_metrics(metrics)
        if not train and not valid:
            fail("%s holds no training or validation rows yet" % metrics)
        runs.append((run_label(folder), train, valid))
    pyplot = open_pyplot()
    written = []
    with_train = [(label, train) for label, train, _ in runs if train]
    if with_train:
        draw(pyplot, out_dir, "loss", "training loss", "loss",
             [(label, [r[0] for r in t], [r[1] for r in t]) for label, t in with_train], written)
        draw(pyplot, out_dir, "lr", "learning rate", "lr",
             [(label, [r[0] for r in t], [r[2] for r in t]) for label, t in with_train], written)
    with_valid = [(label, valid) for label, _, valid in runs if valid]
    if with_valid:
        steps = [r[0] for _, v in with_valid for r in v]
        series = [(label, [r[0] for r in v], [r[1] for r in v]) for label, v in with_valid]
        series.append(("random", [min(steps), max(steps)], [0.5, 0.5], "--"))
        draw(pyplot, out_dir, "valid_auc", subset_title(runs), "AUC", series, written)
    return written


def plot_by_day(folders, out_dir):
    runs = [(run_label(folder), read_by_day(folder)) for folder in folders]
    pyplot = open_pyplot()
    days = [row["day"] for row in runs[0][1]]
    figure, bars = pyplot.subplots(figsize=(6, 4), dpi=100)
    bars.bar(range(len(days)), [100 * row["unseen_share"] for row in runs[0][1]], color="0.85",
             label="unseen candidates")
    bars.set_ylabel("candidates unseen in training (%)")
    bars.set_xticks(range(len(days)))
    bars.set_xticklabels(days, rotation=30)
    lines = bars.twinx()
    for label, rows in runs:
        by_day = {row["day"]: row["auc"] for row in rows}
        lines.plot(range(len(days)), [by_day.get(day) for day in days], "-o", label=label)
    lines.set_ylabel("AUC")
    impressions = sum(row["impressions"] for row in runs[0][1])
    bars.set_title("AUC per day (%d impressions)" % impressions)
    lines.legend(loc="lower left")
    written = []
    save(pyplot, figure, out_dir, "by_day", written)
    return written


def main(argv):
    args = argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return EXIT_BAD_INPUT
    by_day = "--by-day" in args
    args = [a for a in args if a != "--by-day"]
    out_dir = None
    if "--out" in args:
        at = args.index("--out")
        if at + 1 >= len(args):
            fail("--out needs a folder")
        out_dir = args[at + 1]
        del args[at:at + 2]
    unknown = [a for a in args if a.startswith("-")]
    if unknown:
        fail("unknown option %s (see --help)" % unknown[0])
    if not args:
        fail("give one or more run folders (see --help)")
    out_dir = out_dir or args[0]
    if not os.path.isdir(args[0]):
        fail("%s not found: pass the folder of a run made by 'unbert train'" % args[0])
    os.makedirs(out_dir, exist_ok=True)
    written = plot_by_day(args, out_dir) if by_day else plot_curves(args, out_dir)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
