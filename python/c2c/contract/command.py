"""``c2c contract generate [--check]``: the files generated from the structured contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# the project folder this package belongs to (python/c2c/contract/command.py -> the repository)
PACKAGE_PROJECT = Path(__file__).resolve().parents[3]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "contract", help="the landing-zone contract: generate the files derived from it",
        description="The landing-zone contract (python/c2c/contract/spec.yml) and the files generated from it.")
    actions = p.add_subparsers(dest="contract_action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    gen = actions.add_parser(
        "generate", help="write the dbt sources, the quarantine macro and the quality suites from the contract",
        description="Write, from python/c2c/contract/spec.yml, the dbt sources of the landing zone "
                    "(models/staging/d365/_d365__sources.yml, models/staging/highradius/_highradius__sources.yml), "
                    "the macro landing_contract (macros/landing_contract.sql) and the landing quality suites "
                    "(python/c2c/quality/expectations). With --check, write nothing and exit 1 when a file "
                    "differs from what would be written, naming it.")
    gen.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 and name the files that are out of date")
    gen.add_argument("--project-dir", type=Path, default=None,
                     help="the dbt project to write into (default: the project this package belongs to)")
    gen.set_defaults(func=_cmd_generate)


def _cmd_generate(args: argparse.Namespace) -> int:
    from c2c.cli import UsageError

    from . import generate
    from .spec import ContractError, load_spec

    project = args.project_dir if args.project_dir is not None else PACKAGE_PROJECT
    if not (project / "dbt_project.yml").is_file():
        raise UsageError(f"c2c contract generate: argument --project-dir: {project} holds no dbt_project.yml")
    try:
        contract = load_spec()
    except ContractError as exc:
        print(f"c2c contract generate: {exc}", file=sys.stderr)
        return 1
    if args.check:
        drift = generate.check(project, contract)
        if drift:
            print(f"c2c contract generate --check: {len(drift)} generated file(s) out of date with "
                  f"{contract.path.name}; run `c2c contract generate`:", file=sys.stderr)
            for d in drift:
                print(f"  {d}", file=sys.stderr)
            return 1
        print(f"generated files are up to date with {contract.path}")
        return 0
    done = generate.write(project, contract)
    for d in done:
        print(f"removed {d.path} (not generated)" if d.state == "not generated" else f"wrote {d.path}")
    print(f"{len(done)} file(s) changed; the others were up to date with {contract.path}")
    return 0
