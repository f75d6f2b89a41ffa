#!/usr/bin/env python3
"""stamp.py LOG OUT: follow the load client's LOG ("id status millis" per request, appended
when the request ends) and copy each new line to OUT prefixed with the time it appeared
(seconds since the epoch, polled every 5 ms). The load client records latencies only; this
gives each write the wall-clock time its outcome was known. Stops on SIGTERM/SIGINT."""
import os
import signal
import sys
import time

stop = False


def on_signal(_signum, _frame):
    global stop
    stop = True


def main():
    log, out_path = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pending = b""
    offset = 0
    with open(out_path, "a", encoding="ascii") as out:
        while True:
            last_round = stop
            try:
                with open(log, "rb") as f:
                    f.seek(offset)
                    data = f.read()
            except FileNotFoundError:
                data = b""
            if data:
                offset += len(data)
                now = time.time()
                pending += data
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        out.write(f"{now:.3f} {line.decode('ascii', 'replace')}\n")
                out.flush()
            if last_round:
                return
            time.sleep(0.005)


if __name__ == "__main__":
    main()
