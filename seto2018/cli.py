"""Command line: ``python -m seto2018 data --seed SEED --out DIR`` writes a synthetic dataset.

Subcommands keep room for what comes later (one dataset per student from a roster, a sampling
mode); today there is one: ``data``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import DEFAULT_SEED, ROOT, synth

DEFAULT_OUT = ROOT / "data" / "synthetic"


def _seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a whole number, not {text!r}") from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"seed must be zero or more, not {seed}")
    return seed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m seto2018",
        description="Tools of the Seto et al. (2018) book. All data written are SYNTHETIC.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = commands.add_parser(
        "data", help="write a synthetic dataset (six CSV files and datapackage.json)",
        description="Write one synthetic dataset: the published counts are exact for every seed; "
                    "the rows change with the seed.")
    data.add_argument("--seed", type=_seed, default=DEFAULT_SEED,
                      help=f"random seed, a whole number >= 0 (default {DEFAULT_SEED})")
    data.add_argument("--out", type=Path, default=DEFAULT_OUT,
                      help="folder to write to (default: data/synthetic in the repository)")
    data.set_defaults(run=_write_dataset)
    return parser


def _write_dataset(args: argparse.Namespace) -> int:
    tables = synth.generate(args.seed)
    path = synth.write(tables, args.out, seed=args.seed)
    rows = ", ".join(f"{name} {len(frame)}" for name, frame in tables.items())
    print(f"wrote synthetic dataset (seed {args.seed}) to {path.parent}: {rows}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
