"""The ``c2c`` command line.

Every command prints a one-line error naming the bad argument and exits with code 2 when it
is called wrongly; errors in the data name the file, table or column.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from datetime import date
from pathlib import Path
from typing import Sequence

from . import __version__
from .contract.spec import ContractError


class UsageError(Exception):
    """A bad command-line argument: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        raise UsageError(f"{self.prog}: {message}")


# Commands that live in their own module: each module has ``register(subparsers)``, which adds
# its parser (subparsers.add_parser) and sets ``func`` to a callable(args) -> exit code. A
# module raises UsageError for a bad argument. Keep those modules cheap to import: heavy
# libraries (pm4py, great_expectations) are imported inside the command function.
COMMAND_MODULES: tuple[str, ...] = (
    "c2c.byolog.command",
    "c2c.quality.command",
    "c2c.export.command",
    "c2c.contract.command",
    "c2c.auditpack.command",
    "c2c.report.command",
    "c2c.publish",
    "c2c.engines",
)


def _positive_int(name: str):
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{name} must be greater than 0, got {value}")
        return value
    return parse


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD, got {text!r}") from None


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="c2c", description="credit-to-cash: process mining for accounts receivable.")
    parser.add_argument("--version", action="version", version=f"c2c {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    sim = sub.add_parser("simulate", help="write a simulated D365 + HighRadius landing zone and its ground truth",
                         description="Write every raw table of the landing contract, simulated, with a ground truth.")
    sim.add_argument("--invoices", type=_positive_int("--invoices"), default=20_000,
                     help="number of customer invoices (cases) to simulate (default 20000)")
    sim.add_argument("--seed", type=_non_negative_int, default=42, help="random seed; the same seed gives the same files")
    sim.add_argument("--out", type=Path, default=Path("data/raw"), help="raw root to write (default data/raw)")
    sim.add_argument("--start", type=_iso_date, default=date(2024, 1, 1), help="first day of the window (YYYY-MM-DD)")
    sim.add_argument("--months", type=_positive_int("--months"), default=24, help="length of the window in months")
    sim.add_argument("--faults", choices=("none", "default", "all", "heavy"), default="default",
                     help="landing-zone faults to inject (default: default; all: also the rows the landing-zone "
                          "gate stops on, so that every quarantine reason occurs)")
    sim.add_argument("--deviation-rate", type=_rate, default=0.03,
                     help="share of the invoices eligible for a dunning rule that break it (default 0.03)")
    sim.add_argument("--block-invoices", type=_positive_int("--block-invoices"), default=200_000,
                     help="invoices simulated and written together (default 200000): a larger zone is simulated "
                          "in blocks, its files suffixed _bNNNNN, so that memory does not grow with --invoices")
    sim.add_argument("--no-enum-table", action="store_true",
                     help="leave out srsanalysisenums, as environments that do not export it")
    sim.add_argument("--quiet", action="store_true", help="no progress output")
    sim.set_defaults(func=_cmd_simulate)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def _cmd_simulate(args: argparse.Namespace) -> int:
    from .simulate import SimConfig, simulate

    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"c2c simulate: argument --out: {args.out} exists and is not a folder")
    if args.start.day != 1:
        raise UsageError(f"c2c simulate: argument --start: the window starts on the first day of a month, got {args.start}")
    cfg = SimConfig(invoices=args.invoices, seed=args.seed, start=args.start, months=args.months, faults=args.faults,
                    deviation_rate=args.deviation_rate, include_enum_table=not args.no_enum_table,
                    block_invoices=args.block_invoices)
    started = time.perf_counter()
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=40, desc="simulate", unit="step", file=sys.stderr, leave=True,
                   bar_format="{desc}: {n_fmt} steps [{elapsed}] {postfix}")

    def progress(msg: str) -> None:
        if bar is not None:
            bar.set_postfix_str(msg)
            bar.update(1)

    manifest = simulate(cfg, args.out, progress)
    if bar is not None:
        bar.close()
    c = manifest["counts"]
    print(f"wrote {c['invoices']:,} invoices ({c['events']:,} true events, {c['violations']:,} policy violations, "
          f"{c['faults']:,} injected faults) to {args.out} in {time.perf_counter() - started:.1f} s; "
          f"ground truth in {args.out / 'ground_truth'}")
    print(_shape_summary(manifest))
    return 0


def _shape_summary(manifest: dict) -> str:
    """Records per enumerated value of the contract, one line per column, then the simulated shapes."""
    lines = ["records per enumerated value (current state; manifest.json: enumerated_values):"]
    by_column: dict[str, list[str]] = {}
    for key, rows in manifest.get("enumerated_values", {}).items():
        column, value = key.split("=", 1)
        by_column.setdefault(column, []).append(f"{value}={rows:,}")
    lines += [f"  {column}: {' '.join(values)}" for column, values in by_column.items()]
    lines.append("rows per simulated shape (manifest.json: shapes):")
    lines += [f"  {shape}: {rows:,}" for shape, rows in manifest.get("shapes", {}).items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ContractError as exc:  # a malformed landing-zone contract: one line naming the file and place
        print(f"c2c: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("c2c: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
