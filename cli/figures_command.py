"""The `microbadges figures` command: the upskilling figures of all providers (from the
latest snapshot; `--refresh` recomputes them, `--live` counts now) or of one provider
(live), as a table, JSON or CSV, straight on the service database.

Exit codes: 0 success, 2 invalid settings, unknown provider or an unusable database.
"""

from __future__ import annotations

import argparse
import json
import sys

from cli.console import EXIT_OK, reporting_errors

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `figures` command."""
    from issuer.figures.services import DIMENSIONS, PERIODS

    parser = commands.add_parser(
        "figures", help="distinct learners and credentials by skill, role, provider, "
                        "country and period")
    parser.add_argument("--by", choices=DIMENSIONS, default="total")
    parser.add_argument("--period", choices=PERIODS)
    parser.add_argument("--provider", metavar="SLUG", help="count one provider only")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--live", action="store_true",
                        help="count now instead of reading the latest snapshot")
    parser.add_argument("--refresh", action="store_true",
                        help="recompute every alliance-wide snapshot first (run it from "
                             "cron; seconds per figure at a million credentials)")
    parser.set_defaults(handler=_handle)


@reporting_errors
def _handle(args: argparse.Namespace) -> int:
    from issuer.admin import figures_report, load_service_settings, refresh_figure_snapshots
    from issuer.figures.services import FigureQuery, figures_csv

    settings = load_service_settings()
    if args.refresh:
        timings = refresh_figure_snapshots(settings)
        print(f"refreshed {len(timings)} figures in {sum(timings.values()):.1f} s",
              file=sys.stderr)
    figures, as_of, target = figures_report(settings,
                                            FigureQuery(by=args.by, period=args.period),
                                            provider_slug=args.provider, live=args.live)
    counted = as_of.isoformat(timespec="seconds") if as_of else "now"
    if args.format == "csv":
        sys.stdout.write(figures_csv(figures))
    elif args.format == "json":
        body = {"by": args.by, "period": args.period, "asOf": counted,
                "figures": [figure.to_json() for figure in figures]}
        print(json.dumps({**body, **({"target": target} if target else {})}, indent=2,
                         ensure_ascii=False))
    else:
        rows = [[" ".join(str(value) for value in figure.key.values()) or "all",
                 figure.period or "", str(figure.learners), str(figure.credentials)]
                for figure in figures]
        header = [args.by.replace("_", " "), "period", "learners", "credentials"]
        widths = [max(len(row[index]) for row in [header, *rows]) for index in range(4)]
        for row in [header, ["-" * width for width in widths], *rows]:
            print("  ".join(cell.ljust(width) if index < 2 else cell.rjust(width)
                            for index, (cell, width) in enumerate(zip(row, widths,
                                                                       strict=True))))
        print(f"\ncounted: {counted}" + ("" if as_of else " (live)"))
        if target:
            print(f"\ntarget: {target['annualPercent']}% of {target['workforce']} a year "
                  f"= {target['annualTarget']} learners")
            for year in target["years"]:
                print(f"  {year['year']}: {year['learners']} learners "
                      f"({year['progress']:.1%} of the target)")
    return EXIT_OK
