"""Bad arguments give a one-line error naming the argument and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from c2c.cli import main


@pytest.mark.parametrize("argv, names", [
    (["simulate", "--invoices", "0"], "--invoices"),
    (["simulate", "--invoices", "many"], "--invoices"),
    (["simulate", "--seed", "-3"], "--seed"),
    (["simulate", "--faults", "some"], "--faults"),
    (["simulate", "--start", "2024-13-01"], "--start"),
    (["simulate", "--start", "2024-02-15"], "--start"),
    (["simulate", "--months", "0"], "--months"),
    (["simulate", "--deviation-rate", "1.5"], "--deviation-rate"),
    (["simulate", "--colour", "blue"], "--colour"),
    (["simulat"], "simulat"),
    ([], "COMMAND"),
])
def test_bad_arguments(argv, names, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert names in err


def test_out_must_be_a_folder(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["simulate", "--invoices", "10", "--out", str(f)]) == 2
    assert "--out" in capsys.readouterr().err


def test_simulate_command_end_to_end(tmp_path):
    out = tmp_path / "raw"
    res = subprocess.run([sys.executable, "-m", "c2c.cli", "simulate", "--invoices", "300", "--seed", "3", "--months", "6",
                          "--out", str(out), "--faults", "none"], capture_output=True, text=True, check=True)
    assert "wrote 300 invoices" in res.stdout
    manifest = json.loads((out / "ground_truth" / "manifest.json").read_text())
    assert manifest["parameters"]["invoices"] == 300 and manifest["parameters"]["months"] == 6


def test_a_malformed_contract_is_one_line_naming_the_place(tmp_path, monkeypatch, capsys):
    from c2c.contract import spec

    def broken(path=None):
        raise spec.ContractError(f"{tmp_path / 'spec.yml'}: systems.d365.tables.custtrans: no key")

    monkeypatch.setattr(spec, "load_spec", broken)
    monkeypatch.setattr("c2c.contract.load_spec", broken)
    assert main(["simulate", "--invoices", "10", "--out", str(tmp_path / "raw"), "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"c2c: {tmp_path / 'spec.yml'}: systems.d365.tables.custtrans: no key"
