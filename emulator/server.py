"""The emulator's server: moto's server with the adapter installed.

``python -m emulator.server --port N`` serves every AWS API moto implements on
``127.0.0.1:N`` until SIGTERM or SIGINT. The adapter is installed before the server
takes a request, so every stack it deploys gets the gap-closing models.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from deploy.isolation import require_loopback
from emulator import adapter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    require_loopback(f"http://{args.host}:{args.port}" if ":" not in args.host else f"http://[{args.host}]:{args.port}")

    adapter.install()
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    print(f"emulator: serving on http://{args.host}:{args.port} with the sandbox adapter", flush=True)

    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    stopping.wait()
    server.stop()
    print("emulator: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
