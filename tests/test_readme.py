"""The README's quickstart and library example run as written (end to end, real CLI), and
its configuration table names every setting."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from issuer.platform.settings import describe_variables
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _block(after: str, language: str) -> str:
    section = README[README.index(after):]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_quickstart_and_library_example(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(REPO / "examples")
    environment = {**os.environ,
                   "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    shell = subprocess.run(["bash", "-euo", "pipefail", "-c", _block("### Quickstart", "sh")],
                           cwd=tmp_path, env=environment, capture_output=True, text=True,
                           timeout=120, check=False)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.splitlines()[-1] == "Verdict: VERIFIED; not checked: issuer, registry"
    assert "PASS  proof         1 proof verified" in shell.stdout
    library = subprocess.run([sys.executable, "-c", _block("## Library", "python")],
                             cwd=tmp_path, env=environment, capture_output=True, text=True,
                             timeout=120, check=False)
    assert library.returncode == 0, library.stderr
    assert library.stdout.startswith("True [")


def test_every_setting_is_in_the_configuration_table() -> None:
    table = README[README.index("## Configuration"):README.index("### PostgreSQL")]
    for name in describe_variables():
        assert f"| `{name}` |" in table, f"{name} is not documented in README.md"
