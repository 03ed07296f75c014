"""``python -m devtools.graphsim``: serve a generated portfolio until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from devtools.graphsim.generator import PORTFOLIOS, generate_portfolio
from devtools.graphsim.server import GraphSimulator
from devtools.graphsim.tokens import make_token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.graphsim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099, help="0 picks a free port (default 8099)")
    parser.add_argument("--token-secret", default="sim-secret", help="the bearer token signature to accept")
    parser.add_argument("--portfolio", default="demo", choices=sorted(PORTFOLIOS))
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency added to every response")
    parser.add_argument("--print-tokens", action="store_true", help="print a bearer token per tenant")
    args = parser.parse_args(argv)

    sim = GraphSimulator(token_secret=args.token_secret, host=args.host, port=args.port)
    for tenant_id, tenant in generate_portfolio(args.portfolio).items():
        sim.add_tenant(tenant_id, tenant)
    if args.latency_ms:
        sim.faults.latency(args.latency_ms)
    base_url = sim.start()
    print(f"Graph simulator listening on {base_url}  (v1.0 and beta; Ctrl-C to stop)")
    for tenant_id, tenant in sim.tenants.items():
        print(f"  tenant {tenant_id}  {tenant.name:<22} {tenant.size:>4} objects")
        if args.print_tokens:
            print(f"    Authorization: Bearer {make_token(tenant_id, args.token_secret, expires_in=None)}")
    sys.stdout.flush()
    done = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_term)
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping")
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
