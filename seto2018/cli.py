"""Command line: ``python -m seto2018 data ...`` writes synthetic data.

- ``data --seed SEED --out DIR``: one dataset, the book's kind (``--mode faithful``: every
  published count exact) or a replication (``--mode sample``: counts vary with the seed).
- ``data --students roster.csv --out DIR [--assignment NAME]``: the instructor's kit, one
  sampled dataset per student and an answer key (:mod:`seto2018.kit`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import DEFAULT_SEED, IN_CHECKOUT, ROOT, synth
from .data import DataError

#: In a checkout, the book's own dataset; an installed package never writes into itself.
DEFAULT_OUT = ROOT / "data" / "synthetic" if IN_CHECKOUT else None


def _seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a whole number, not {text!r}") from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"seed must be zero or more, not {seed}")
    return seed


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"jobs must be a whole number >= 1, not {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    from .kit import DEFAULT_ASSIGNMENT, KEY_FILE

    parser = argparse.ArgumentParser(
        prog="python -m seto2018",
        description="Tools of the Seto et al. (2018) book. All data written are SYNTHETIC.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = commands.add_parser(
        "data", help="write a synthetic dataset (six CSV files and datapackage.json), or one "
                     "per student with an answer key",
        description="Write one synthetic dataset, or with --students the instructor's kit: one "
                    "sampled dataset per student (in OUT/<student_id>/) and an answer key "
                    f"(OUT/{KEY_FILE}) computed from each student's data by the chapters' "
                    "solution code. Run again, it computes only the students not done yet "
                    "(or whose answers had an error).")
    data.add_argument("--seed", type=_seed, default=None,
                      help=f"random seed, a whole number >= 0 (default {DEFAULT_SEED}); not with "
                           "--students, where each student's seed comes from their ID")
    data.add_argument("--mode", choices=synth.MODES, default=None,
                      help="faithful: every published count exact (the book's data, default); "
                           "sample: a replication drawn from the population the published "
                           "findings describe, counts vary with the seed (implied by --students)")
    data.add_argument("--out", type=Path, default=None,
                      help="folder to write to (default: data/synthetic in the book's "
                           "repository; required with --students or an installed package)")
    kit = data.add_argument_group("the instructor's kit")
    kit.add_argument("--students", type=Path, metavar="ROSTER",
                     help="a CSV roster with a student_id column (other columns are ignored)")
    kit.add_argument("--assignment", default=None,
                     help="assignment name, part of every student's seed: a new name gives "
                          f"every student new data (default {DEFAULT_ASSIGNMENT!r})")
    kit.add_argument("--chapters", default=None, metavar="STEM,...",
                     help="answer only these chapters (file names without .ipynb); default: "
                          "every chapter that reads the data")
    kit.add_argument("--jobs", type=_jobs, default=None,
                     help="kernels run at a time, each answering for one student after "
                          "another (default: the machine's cores)")
    data.set_defaults(run=_data, parser=data)
    return parser


def _data(args: argparse.Namespace) -> int:
    parser = args.parser
    if args.students is None:
        given = [flag for flag, value in (("--assignment", args.assignment),
                                          ("--chapters", args.chapters), ("--jobs", args.jobs))
                 if value is not None]
        if given:
            parser.error(f"{', '.join(given)} only apply with --students ROSTER")
        return _write_dataset(args)
    if args.seed is not None:
        parser.error("--seed does not apply with --students: each student's seed comes from "
                     "their ID and the assignment name")
    if args.mode == "faithful":
        parser.error("--students writes sampled datasets (--mode sample); faithful datasets "
                     "would give every student the same counts")
    if args.out is None:
        parser.error("--students needs --out DIR (the folder for the students' datasets and "
                     "the answer key)")
    return _write_kit(args, parser)


def _write_dataset(args: argparse.Namespace) -> int:
    seed = DEFAULT_SEED if args.seed is None else args.seed
    mode = args.mode or "faithful"
    out = DEFAULT_OUT if args.out is None else args.out
    if out is None:
        args.parser.error("--out DIR is needed: the folder to write the dataset to (the "
                          "default, data/synthetic, exists only in the book's repository)")
    tables = synth.generate(seed, mode=mode)
    path = synth.write(tables, out, seed=seed, mode=mode)
    rows = ", ".join(f"{name} {len(frame)}" for name, frame in tables.items())
    print(f"wrote synthetic dataset ({mode}, seed {seed}) to {path.parent}: {rows}")
    return 0


def _chapter_paths(text: str | None, parser: argparse.ArgumentParser) -> list[Path] | None:
    from .kit import data_chapters

    if text is None:
        return None
    known = {path.stem: path for path in data_chapters()}
    stems = [stem.strip() for stem in text.split(",")]
    unknown = [stem for stem in stems if stem not in known]
    if unknown:
        parser.error(f"--chapters: {', '.join(unknown)} is not a chapter that reads the data; "
                     f"choose from {', '.join(known)}")
    return [known[stem] for stem in stems]


def _write_kit(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .kit import ANSWERS_DIR, DEFAULT_ASSIGNMENT, ERROR, VARIES, make_kit

    chapters = _chapter_paths(args.chapters, parser)
    assignment = DEFAULT_ASSIGNMENT if args.assignment is None else args.assignment
    try:
        kit = make_kit(args.students, args.out, assignment=assignment, chapters=chapters,
                       workers=args.jobs, progress=True)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: the students finished are kept in {args.out / ANSWERS_DIR}; run "
              "the same command again to continue", file=sys.stderr)
        return 130
    for student, folder in kit.folders.items():
        if student in kit.done_before:
            print(f"kept {folder}/ (sampled dataset, seed {kit.seeds[student]}; answered by an "
                  "earlier run)")
        else:
            print(f"wrote {folder}/ (sampled dataset, seed {kit.seeds[student]})")
    answers = {(row["chapter"], row["exercise"], row["answer"]): row["varies"]
               for row in kit.rows if row["answer"] != ERROR}
    varying = sum(varies == VARIES for varies in answers.values())
    if kit.computed:
        per_student = kit.seconds / len(kit.computed)
        timing = (f"{len(kit.computed)} computed in {kit.seconds:.0f} s, {per_student:.1f} s a "
                  "student")
    else:
        timing = "none computed"
    if kit.done_before:
        timing = f"{len(kit.done_before)} of {len(kit.folders)} students already done, {timing}"
    print(f"wrote {kit.key}: {len(kit.rows)} answers for {len(kit.folders)} students, "
          f"assignment {assignment!r} ({timing}); {varying} of {len(answers)} answers vary "
          "between the students (column varies)")
    if kit.errors:
        print(f"error: {len(kit.errors)} answers could not be computed, for "
              f"{len(kit.failed)} of {len(kit.folders)} students: {', '.join(kit.failed)}. "
              f"Their rows in {kit.key.name} say ERROR; run the same command again to compute "
              "them again (the other students are kept):", file=sys.stderr)
        for row in kit.errors:
            print(f"  {row['student_id']}, {row['chapter'] or '(setup)'}, "
                  f"{row['exercise'] or '(chapter)'}: {row['value']}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
