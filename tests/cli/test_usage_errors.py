"""Misuse of the command line is answered by the command that was misused: its own usage
and a plain message (issue 21). Runs the real parser; nothing reaches a database."""

from __future__ import annotations

import pytest

from cli.main import build_parser, main

UUID = "0e9b1a6c-7c1d-4a43-9d51-2f1b8c3a5e70"


def _usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(("args", "usage"), [
    (["verify", "x.json", "--bogus"], "usage: microbadges verify "),
    (["keys", "show", "key.pem", "--bogus"], "usage: microbadges keys show "),
    (["credentials", "revoke", UUID, "--provider", "p", "--reason", "r", "--bogus"],
     "usage: microbadges credentials revoke "),
])
def test_an_unknown_option_shows_the_usage_of_its_command(
        capsys: pytest.CaptureFixture[str], args: list[str], usage: str) -> None:
    err = _usage_error(capsys, *args)
    assert err.startswith(usage)
    command = usage.removeprefix("usage: ").strip()
    assert err.endswith(f"\n{command}: error: unrecognized arguments: --bogus\n")


@pytest.mark.parametrize("action", ["revoke", "suspend", "unsuspend"])
@pytest.mark.parametrize("given", ["not-a-uuid", "urn:uuid:not-a-uuid", "urn:isbn:0451450523",
                                   UUID[:-1]])
def test_what_is_not_a_credential_id_is_said_so(capsys: pytest.CaptureFixture[str],
                                                action: str, given: str) -> None:
    # It said "no credential 'urn:uuid:not-a-uuid'", as if one had been looked for.
    err = _usage_error(capsys, "credentials", action, given, "--provider", "p",
                       "--reason", "r")
    assert err.endswith(
        f"microbadges credentials {action}: error: argument ID: {given!r} is not a credential "
        "id (urn:uuid:<uuid> or the uuid alone, as in the credential's id)\n")


@pytest.mark.parametrize("given", [UUID, f"urn:uuid:{UUID}", f"URN:UUID:{UUID.upper()}"])
def test_a_credential_id_is_taken_in_each_of_its_forms(given: str) -> None:
    args = build_parser().parse_args(["credentials", "revoke", given, "--provider", "p",
                                      "--reason", "r"])
    assert args.credential_ids == [f"urn:uuid:{UUID}"]
