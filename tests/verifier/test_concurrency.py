"""Signing and verifying on 8 threads at once: no errors, every result right."""

from __future__ import annotations

import threading
from typing import Any

from keys.key_pair import KeyPair
from tests.verifier.conftest import microbadge, offline, sign
from verifier.verify import verify_credential

THREADS = 8
ROUNDS = 100  # each round: one sign and one verify -> 8 * 100 * 2 = 1,600 operations


def test_eight_threads_sign_and_verify() -> None:
    keys = [KeyPair.generate() for _ in range(THREADS)]
    failures: list[str] = []
    operations = [0] * THREADS
    start = threading.Barrier(THREADS)

    def work(number: int) -> None:
        key = keys[number]
        start.wait()
        for round_ in range(ROUNDS):
            try:
                document: dict[str, Any] = microbadge(key.did_key)
                document["name"] = f"Badge {number}-{round_}"
                signed = sign(document, key)
                operations[number] += 1
                report = verify_credential(signed, offline())
                operations[number] += 1
                if not report.verified:
                    failures.append(f"{number}-{round_}: {report.first_problem}")
            except Exception as error:  # every error counts: that is what is tested
                failures.append(f"{number}-{round_}: {error!r}")

    threads = [threading.Thread(target=work, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sum(operations) == THREADS * ROUNDS * 2
