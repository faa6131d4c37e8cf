"""The emulator process: started on a free loopback port, found again, stopped."""

from __future__ import annotations

import json
import os
from pathlib import Path

from emulator.process import STATE_FILE, Emulator, endpoint_for, free_port, pid_is_alive, port_is_open


def test_the_endpoint_names_localhost_for_moto_to_recognise_s3_urls() -> None:
    assert endpoint_for(4566) == "http://localhost:4566"


def test_a_recorded_pid_that_is_not_the_server_is_forgotten(tmp_path: Path) -> None:
    # This test process is alive, but it is not `python -m emulator.server`.
    (tmp_path / STATE_FILE).write_text(json.dumps({"pid": os.getpid(), "port": free_port()}))
    assert Emulator.find(tmp_path) is None
    assert not (tmp_path / STATE_FILE).exists()


def test_start_find_and_stop(tmp_path: Path) -> None:
    emulator = Emulator.start(tmp_path)
    try:
        assert emulator.answers() and emulator.is_ours()
        assert Emulator.find(tmp_path) == emulator
        assert "serving on" in emulator.log.read_text()
    finally:
        emulator.stop()
    assert not pid_is_alive(emulator.pid) and not port_is_open(emulator.port)
    assert Emulator.find(tmp_path) is None
