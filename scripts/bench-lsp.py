#!/usr/bin/env python3
"""Benchmark of `acrlint lsp`: the time from a `didChange` to the
`publishDiagnostics` of that version, median and p95 over a number of edits, and the
server's resident memory after them.

    scripts/bench-lsp.py [--bin target/release/acrlint] [--edits 200] [--soak 1000]
                         [--debounce MS] FILE...

Each edit is incremental (a space inserted at the end of the first line, then removed
again, so the file stays valid) and the next is sent once the diagnostics of the
previous one arrived; every one is a full check of the buffer. After the timed edits,
`--soak` more edits are sent the same way and the resident set size (VmRSS) is read
again: memory should stay flat over a long session. Wall-clock times: run it on a quiet
machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


class Server:
    def __init__(self, binary, debounce):
        self.proc = subprocess.Popen(
            [binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 0
        options = {} if debounce is None else {"debounceMs": debounce}
        self.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": None, "capabilities": {},
             "initializationOptions": options},
        )
        self.notify("initialized", {})

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("acrlint lsp closed its output")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def diagnostics(self, uri, version):
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] == uri and params.get("version") == version:
                    return params["diagnostics"]

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=30)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench(server, path, edits, soak):
    path = os.path.abspath(path)
    text = open(path, encoding="utf-8-sig").read()
    uri = "file://" + path
    language = "bicep" if path.endswith(".bicep") else "json"
    first_line = text.split("\n", 1)[0]
    end = len(first_line.encode("utf-16-le")) // 2
    started = time.perf_counter()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": language, "version": 1, "text": text}})
    found = server.diagnostics(uri, 1)
    opened_ms = (time.perf_counter() - started) * 1000
    version = 1

    def edit():
        nonlocal version
        version += 1
        if version % 2 == 0:
            change = {"range": {"start": {"line": 0, "character": end},
                                "end": {"line": 0, "character": end}}, "text": " "}
        else:
            change = {"range": {"start": {"line": 0, "character": end},
                                "end": {"line": 0, "character": end + 1}}, "text": ""}
        sent = time.perf_counter()
        server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        server.diagnostics(uri, version)
        return (time.perf_counter() - sent) * 1000

    rss_open = server.rss_mib()
    times = [edit() for _ in range(edits)]
    rss_timed = server.rss_mib()
    for _ in range(soak):
        edit()
    rss_soak = server.rss_mib()
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    lines = text.count("\n") + 1
    print(f"{os.path.relpath(path)}: {len(text.encode()) / 1e6:.2f} MB, {lines} lines, "
          f"{len(found)} diagnostics, first check {opened_ms:.0f} ms")
    print(f"  didChange -> publishDiagnostics over {edits} edits: median "
          f"{statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
          f"max {max(times):.1f} ms")
    print(f"  RSS: {rss_open:.0f} MiB after opening, {rss_timed:.0f} MiB after {edits} "
          f"edits, {rss_soak:.0f} MiB after {edits + soak} edits")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default="target/release/acrlint")
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--soak", type=int, default=800,
                        help="more edits before the last memory reading")
    parser.add_argument("--debounce", type=int, default=None,
                        help="debounceMs (default: the server's)")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    for path in args.files:
        server = Server(args.bin, args.debounce)
        bench(server, path, args.edits, args.soak)
        server.close()


if __name__ == "__main__":
    sys.exit(main())
